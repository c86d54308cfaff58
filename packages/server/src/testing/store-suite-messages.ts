/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import { randomUUID } from 'node:crypto';
import type { MessagePart } from '@chatwire/sdk/contracts';
import type { Store } from '../store/store.js';
import { appendMany, at, newConversation, newMessage, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Appends: seqs and counters, idempotency, a prompt with its reply, the reply fields. */
function appendTests(store: Store): void {
  it('appends with consecutive seqs and keeps the conversation’s counters in step', async () => {
    const [alice, bob] = [userId(), userId()];
    const conversation = await store.createConversation(newConversation([alice, bob]));
    const first = (await store.appendMessage(newMessage(conversation.id, alice, { createdAt: at(100) })))!;
    const second = (await store.appendMessage(newMessage(conversation.id, bob, { createdAt: at(101) })))!;
    expect(first.created).toBe(true);
    expect([first.message.seq, second.message.seq]).toEqual([1, 2]);

    const after = (await store.getConversation(conversation.id))!;
    expect(after.messageCount).toBe(2);
    expect(after.lastMessage).toEqual(second.message);
    expect(after.lastActivityAt).toBe(at(101));
    const marker = (id: string) => after.participants.find((p) => p.userId === id);
    // The sender's read marker moves to what they sent; nobody else's does.
    expect(marker(alice)).toMatchObject({ readCount: 1, lastReadMessageId: first.message.id });
    expect(marker(bob)).toMatchObject({ readCount: 2, lastReadMessageId: second.message.id });
    expect(await store.appendMessage(newMessage(randomUUID(), alice))).toBeNull();
  });

  it('is idempotent on (senderId, clientMessageId)', async () => {
    const [alice, bob] = [userId(), userId()];
    const conversation = await store.createConversation(newConversation([alice, bob]));
    const first = (await store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'c1' })))!;
    const repeat = (await store.appendMessage(
      newMessage(conversation.id, alice, { clientMessageId: 'c1', content: 'again' }),
    ))!;
    expect(repeat).toEqual({ message: first.message, created: false, reply: null });
    const otherSender = (await store.appendMessage(
      newMessage(conversation.id, bob, { clientMessageId: 'c1' }),
    ))!;
    expect(otherSender.created).toBe(true);
    const noKey = [
      await store.appendMessage(newMessage(conversation.id, null, { clientMessageId: null })),
      await store.appendMessage(newMessage(conversation.id, null, { clientMessageId: null })),
    ];
    expect(noKey.map((result) => result?.created)).toEqual([true, true]);
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(4);
    // Still a repeat long after, with many messages in between.
    await appendMany(store, conversation.id, bob, 12);
    const late = await store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'c1' }));
    expect(late).toEqual({ message: first.message, created: false, reply: null });
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(16);
  });

  it('appends a prompt and its reply in one step, the reply right after it', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    await appendMany(store, conversation.id, alice, 2);
    const prompt = newMessage(conversation.id, alice, { clientMessageId: 'turn-1' });
    const reply = newMessage(conversation.id, null, {
      clientMessageId: null,
      status: 'streaming',
      content: '',
      promptId: prompt.id,
      model: 'echo',
    });
    const turn = (await store.appendMessage(prompt, reply))!;
    expect(turn.created).toBe(true);
    expect([turn.message.seq, turn.reply?.seq]).toEqual([3, 4]);
    expect(turn.reply).toMatchObject({ id: reply.id, promptId: prompt.id, status: 'streaming' });
    const after = (await store.getConversation(conversation.id))!;
    expect(after.messageCount).toBe(4);
    expect(after.lastMessage?.id).toBe(reply.id);
    // The sender has read their prompt, not the reply to it.
    expect(after.participants[0]).toMatchObject({ readCount: 3, lastReadMessageId: prompt.id });

    // A retried send appends nothing and finds the reply its first attempt started.
    const retry = (await store.appendMessage(
      { ...prompt, id: randomUUID() },
      { ...reply, id: randomUUID() },
    ))!;
    expect(retry).toEqual({ message: turn.message, created: false, reply: turn.reply });
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(4);
    // A repeat of a message sent without a reply has none.
    await appendMany(store, conversation.id, alice, 1);
    const plain = (await store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'p' })))!;
    await store.appendMessage(newMessage(conversation.id, alice));
    const again = await store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'p' }));
    expect(again).toEqual({ message: plain.message, created: false, reply: null });
  });

  it('keeps the new fields of a message: finish reason, stale, prompt', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const promptId = randomUUID();
    const { message } = (await store.appendMessage(
      newMessage(conversation.id, null, { finishReason: 'length', stale: true, promptId }),
    ))!;
    expect(message).toMatchObject({ finishReason: 'length', stale: true, promptId });
    expect(await store.getMessage(conversation.id, message.id)).toEqual(message);
    const updated = await store.updateMessage(conversation.id, message.id, {
      finishReason: 'content_filter',
      stale: false,
    });
    expect(updated).toMatchObject({ finishReason: 'content_filter', stale: false, promptId });
    expect(await store.getMessage(conversation.id, message.id)).toEqual(updated);
    expect((await store.getConversation(conversation.id))?.lastMessage).toEqual(updated);
  });

  it('keeps a message’s parts and its client tools, as written', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const parts: MessagePart[] = [
      { type: 'step-start' },
      { type: 'reasoning', text: 'They want the time.' },
      {
        type: 'tool',
        toolCallId: 'call_1',
        toolName: 'clock',
        state: 'output-available',
        input: { zone: 'Europe/Paris', nested: { list: [1, 'two', null] } },
        output: { time: '12:00' },
      },
      { type: 'tool', toolCallId: 'call_2', toolName: 'zone', state: 'input-available', input: {} },
      { type: 'text', text: 'It is noon in Paris — 🕛.' },
    ];
    const clientTools = [
      { name: 'zone', description: 'The browser’s time zone', inputSchema: { type: 'object' } },
    ];
    const { message } = (await store.appendMessage(
      newMessage(conversation.id, null, { parts, clientTools, status: 'awaiting_input' }),
    ))!;
    expect(message).toMatchObject({ parts, clientTools, status: 'awaiting_input' });
    expect(await store.getMessage(conversation.id, message.id)).toEqual(message);
    expect((await store.listMessages(conversation.id, { limit: 5 }))[0]).toEqual(message);
    const more = [...parts, { type: 'text' as const, text: 'More.' }];
    const updated = await store.updateMessage(conversation.id, message.id, { parts: more });
    expect(updated?.parts).toEqual(more);
    expect((await store.getConversation(conversation.id))?.lastMessage?.parts).toEqual(more);
  });
}

/** Writers racing on one message or one conversation. */
function raceTests(store: Store): void {
  it('modifies a message in one step: a change computed from what is stored, never lost to another', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const { message } = (await store.appendMessage(newMessage(conversation.id, null, { parts: [] })))!;
    // Twenty writers each add a part computed from the parts they read: none overwrites another.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.modifyMessage(conversation.id, message.id, (current) => ({
          parts: [...current.parts, { type: 'text', text: `${i}` }],
        })),
      ),
    );
    const stored = await store.getMessage(conversation.id, message.id);
    expect(stored?.parts.map((part) => (part.type === 'text' ? part.text : '')).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `${i}`).sort(),
    );
    // `null` leaves it as it is, and answers it as stored.
    expect(await store.modifyMessage(conversation.id, message.id, () => null)).toEqual(stored);
    expect(await store.modifyMessage(conversation.id, randomUUID(), () => ({ content: 'x' }))).toBeNull();
    expect(await store.modifyMessage(randomUUID(), message.id, () => ({ content: 'x' }))).toBeNull();
    // A change that throws writes nothing, and the message can be modified again.
    const failing = store.modifyMessage(conversation.id, message.id, () => {
      throw new Error('no');
    });
    await expect(failing).rejects.toThrow('no');
    expect(await store.getMessage(conversation.id, message.id)).toEqual(stored);
    const after = await store.modifyMessage(conversation.id, message.id, () => ({ content: 'x' }));
    expect(after).toEqual({ ...stored, content: 'x' });
  });

  it('updates only while the status is one expected: of two racing writers one wins', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const { message } = (await store.appendMessage(
      newMessage(conversation.id, null, { status: 'complete', content: 'first answer' }),
    ))!;
    const claims = await Promise.all([
      store.updateMessage(conversation.id, message.id, { status: 'streaming', content: '' }, [
        'complete',
        'aborted',
        'error',
      ]),
      store.updateMessage(conversation.id, message.id, { status: 'streaming', content: '' }, [
        'complete',
        'aborted',
        'error',
      ]),
    ]);
    expect(claims.filter((claim) => claim !== null)).toHaveLength(1);
    // Deleted meanwhile: the final write of the reply must not bring it back.
    await store.updateMessage(conversation.id, message.id, { status: 'deleted', content: '' });
    const final = await store.updateMessage(
      conversation.id,
      message.id,
      { status: 'complete', content: 'second answer' },
      ['streaming'],
    );
    expect(final).toBeNull();
    expect(await store.getMessage(conversation.id, message.id)).toMatchObject({
      status: 'deleted',
      content: '',
    });
    expect(
      await store.updateMessage(conversation.id, randomUUID(), { content: 'x' }, ['complete']),
    ).toBeNull();
  });

  it('stores one message when two appends with one client id race', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const results = await Promise.all([
      store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'same' })),
      store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'same' })),
    ]);
    expect(results.map((result) => result?.created).sort()).toEqual([false, true]);
    expect(results[0]?.message).toEqual(results[1]?.message);
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(1);
  });

  it('loses no append when many race on one conversation', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.appendMessage(newMessage(conversation.id, alice))),
    );
    expect(results.map((result) => result?.message.seq).sort((a = 0, b = 0) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(20);
    expect(await store.listMessages(conversation.id, { limit: 50 })).toHaveLength(20);
  });
}

/** Reads (by id, pages) and updates in place, each handing out copies. */
function readAndUpdateTests(store: Store): void {
  it('gets a message by id, only in its own conversation', async () => {
    const alice = userId();
    const one = await store.createConversation(newConversation([alice]));
    const two = await store.createConversation(newConversation([alice]));
    const sent = await appendMany(store, one.id, alice, 8);
    for (const message of sent) expect(await store.getMessage(one.id, message.id)).toEqual(message);
    expect(await store.getMessage(two.id, sent[0]!.id)).toBeNull();
    expect(await store.getMessage(one.id, randomUUID())).toBeNull();
    expect(await store.getMessage(randomUUID(), sent[0]!.id)).toBeNull();
  });

  it('pages by seq: newest, before and after, always ascending', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    await appendMany(store, conversation.id, alice, 10);
    const seqs = async (query: Parameters<Store['listMessages']>[1]) =>
      (await store.listMessages(conversation.id, query)).map((message) => message.seq);
    expect(await seqs({ limit: 3 })).toEqual([8, 9, 10]);
    expect(await seqs({ limit: 3, beforeSeq: 8 })).toEqual([5, 6, 7]);
    expect(await seqs({ limit: 3, beforeSeq: 3 })).toEqual([1, 2]);
    expect(await seqs({ limit: 4, afterSeq: 2 })).toEqual([3, 4, 5, 6]);
    expect(await seqs({ limit: 4, afterSeq: 8 })).toEqual([9, 10]);
    expect(await seqs({ limit: 4, afterSeq: 10 })).toEqual([]);
    expect(await seqs({ limit: 50 })).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.listMessages(randomUUID(), { limit: 5 })).toEqual([]);
  });

  it('keeps pages stable while messages arrive', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    await appendMany(store, conversation.id, alice, 7);
    const before = await store.listMessages(conversation.id, { limit: 4, beforeSeq: 6 });
    const after = await store.listMessages(conversation.id, { limit: 4, afterSeq: 1 });
    await Promise.all([
      appendMany(store, conversation.id, alice, 5),
      store.listMessages(conversation.id, { limit: 4, beforeSeq: 6 }).then((page) => {
        expect(page).toEqual(before);
      }),
    ]);
    expect(await store.listMessages(conversation.id, { limit: 4, beforeSeq: 6 })).toEqual(before);
    expect(await store.listMessages(conversation.id, { limit: 4, afterSeq: 1 })).toEqual(after);
  });

  it('updates a message in place and keeps lastMessage in step', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const [older, last] = await appendMany(store, conversation.id, alice, 2);
    const streamed = await store.updateMessage(conversation.id, last!.id, {
      content: 'done',
      status: 'complete',
      usage: { inputTokens: 1, outputTokens: 2 },
      model: 'm',
    });
    expect(streamed).toEqual({
      ...last,
      content: 'done',
      status: 'complete',
      usage: { inputTokens: 1, outputTokens: 2 },
      model: 'm',
    });
    expect(await store.getMessage(conversation.id, last!.id)).toEqual(streamed);
    expect((await store.getConversation(conversation.id))?.lastMessage).toEqual(streamed);

    const edited = await store.updateMessage(conversation.id, older!.id, {
      content: 'edit',
      editedAt: at(9),
    });
    expect(edited).toMatchObject({ content: 'edit', editedAt: at(9), status: older!.status });
    expect((await store.getConversation(conversation.id))?.lastMessage).toEqual(streamed);
    expect(await store.updateMessage(conversation.id, randomUUID(), { content: 'x' })).toBeNull();
    expect(await store.updateMessage(randomUUID(), older!.id, { content: 'x' })).toBeNull();
  });

  it('shows an update of the last message in conversation lists too', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const { message } = (await store.appendMessage(
      newMessage(conversation.id, null, { content: '', status: 'streaming', createdAt: at(5) }),
    ))!;
    for (const content of ['He', 'Hello', 'Hello there']) {
      await store.updateMessage(conversation.id, message.id, { content });
    }
    const done = await store.updateMessage(conversation.id, message.id, { status: 'complete' });
    const [listed] = await store.listConversationsForUser(alice, 1);
    expect(listed?.lastMessage).toEqual(done);
    expect(listed).toMatchObject({ messageCount: 1, lastActivityAt: at(5) });
    expect(done).toMatchObject({ content: 'Hello there', status: 'complete', seq: 1 });
  });

  it('hands out copies of messages and of the last message', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const { message } = (await store.appendMessage(newMessage(conversation.id, alice, { content: 'hi' })))!;
    message.content = 'changed';
    (await store.getMessage(conversation.id, message.id))!.content = 'changed';
    (await store.listMessages(conversation.id, { limit: 1 }))[0]!.content = 'changed';
    (await store.getConversation(conversation.id))!.lastMessage!.content = 'changed';
    (await store.listConversationsForUser(alice, 1))[0]!.lastMessage!.content = 'changed';
    expect((await store.getMessage(conversation.id, message.id))?.content).toBe('hi');
    expect((await store.getConversation(conversation.id))?.lastMessage?.content).toBe('hi');
  });
}

/** Messages: appends, races, reads and updates; one `describe`, in three parts. */
export function describeMessages(store: Store): void {
  describe('messages', () => {
    appendTests(store);
    raceTests(store);
    readAndUpdateTests(store);
  });
}
