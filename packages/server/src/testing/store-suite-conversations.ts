/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { at, newConversation, newDirect, newMessage, participant, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Creating conversations (direct ones once) and listing a user's. */
function creationTests(store: Store): void {
  it('creates a conversation with empty counters and returns copies', async () => {
    const input = newConversation([userId()]);
    const created = await store.createConversation(input);
    expect(created).toEqual({
      ...input,
      messageCount: 0,
      lastMessage: null,
      lastActivityAt: input.createdAt,
    });
    created.title = 'changed';
    created.participants[0]!.readCount = 99;
    input.participants.pop();
    const fetched = (await store.getConversation(input.id))!;
    expect(fetched.title).toBe('Test');
    expect(fetched.participants).toHaveLength(1);
    expect(fetched.participants[0]?.readCount).toBe(0);
    expect(await store.getConversation(randomUUID())).toBeNull();
  });

  it('finds or creates a direct conversation, once even when two requests race', async () => {
    const [a, b] = [userId(), userId()];
    const directKey = [a, b].sort().join(':');
    const first = await store.findOrCreateDirectConversation(newDirect(a, b));
    expect(first.created).toBe(true);
    const again = await store.findOrCreateDirectConversation(newDirect(a, b));
    expect(again).toEqual({ conversation: first.conversation, created: false });

    const [c, d] = [userId(), userId()];
    const raced = await Promise.all([
      store.findOrCreateDirectConversation(newDirect(c, d)),
      store.findOrCreateDirectConversation(newDirect(c, d)),
    ]);
    expect(raced.map((result) => result.created).sort()).toEqual([false, true]);
    expect(raced[0].conversation.id).toBe(raced[1].conversation.id);
    expect(await store.listConversationsForUser(c, 10)).toHaveLength(1);
    expect(first.conversation.directKey).toBe(directKey);
  });

  it('lists a user’s conversations by last activity then id, descending, with a keyset', async () => {
    const me = userId();
    const ids = ['00000000-0000-7000-8000-00000000000a', '00000000-0000-7000-8000-00000000000b'] as const;
    // Two with the same activity (ordered by id), one older, one newer; one without me.
    await store.createConversation(newConversation([me], { id: ids[0], createdAt: at(10) }));
    await store.createConversation(newConversation([me], { id: ids[1], createdAt: at(10) }));
    const older = await store.createConversation(newConversation([me], { createdAt: at(5) }));
    const newer = await store.createConversation(newConversation([me], { createdAt: at(20) }));
    await store.createConversation(newConversation([userId()], { createdAt: at(30) }));

    const all = await store.listConversationsForUser(me, 10);
    expect(all.map((conversation) => conversation.id)).toEqual([newer.id, ids[1], ids[0], older.id]);
    const page = await store.listConversationsForUser(me, 2);
    const rest = await store.listConversationsForUser(me, 10, {
      lastActivityAt: page[1]!.lastActivityAt,
      id: page[1]!.id,
    });
    expect([...page, ...rest].map((conversation) => conversation.id)).toEqual(all.map((c) => c.id));
    expect(await store.listConversationsForUser(userId(), 10)).toEqual([]);

    await store.appendMessage(newMessage(older.id, me, { createdAt: at(40) }));
    expect((await store.listConversationsForUser(me, 1))[0]?.id).toBe(older.id);
  });
}

/** Changing conversations: patches, participants, deletion. */
function changeTests(store: Store): void {
  it('updates only the fields a patch sets', async () => {
    const created = await store.createConversation(newConversation([userId()], { model: 'm1' }));
    const updated = await store.updateConversation(created.id, { title: 'New', updatedAt: at(50) });
    expect(updated).toEqual({ ...created, title: 'New', updatedAt: at(50) });
    const cleared = await store.updateConversation(created.id, {
      title: null,
      model: null,
      updatedAt: at(60),
    });
    expect(cleared).toMatchObject({ title: null, model: null, systemPrompt: null, updatedAt: at(60) });
    expect(await store.getConversation(created.id)).toEqual(cleared);
    expect(await store.updateConversation(randomUUID(), { updatedAt: at(1) })).toBeNull();
  });

  it('adds only new participants and removes one; lists follow', async () => {
    const [owner, guest] = [userId(), userId()];
    const created = await store.createConversation(newConversation([owner]));
    const added = await store.addParticipants(
      created.id,
      [participant(owner), participant(guest), participant(guest)],
      at(70),
    );
    expect(added?.participants.map((p) => p.userId)).toEqual([owner, guest]);
    expect(added?.updatedAt).toBe(at(70));
    expect((await store.listConversationsForUser(guest, 10)).map((c) => c.id)).toEqual([created.id]);

    const removed = await store.removeParticipant(created.id, guest, at(80));
    expect(removed?.participants.map((p) => p.userId)).toEqual([owner]);
    expect(await store.listConversationsForUser(guest, 10)).toEqual([]);
    expect(await store.getConversation(created.id)).toEqual(removed);
    expect(await store.addParticipants(randomUUID(), [participant(guest)], at(1))).toBeNull();
    expect(await store.removeParticipant(randomUUID(), guest, at(1))).toBeNull();
  });

  it('deletes a conversation with its messages and index entries', async () => {
    const [a, b] = [userId(), userId()];
    const { conversation } = await store.findOrCreateDirectConversation(newDirect(a, b));
    const { message } = (await store.appendMessage(newMessage(conversation.id, a)))!;
    expect(await store.deleteConversation(conversation.id)).toBe(true);
    expect(await store.getConversation(conversation.id)).toBeNull();
    expect(await store.getMessage(conversation.id, message.id)).toBeNull();
    expect(await store.listMessages(conversation.id, { limit: 10 })).toEqual([]);
    expect(await store.listConversationsForUser(a, 10)).toEqual([]);
    expect(await store.appendMessage(newMessage(conversation.id, a))).toBeNull();
    expect(await store.deleteConversation(conversation.id)).toBe(false);
    const again = await store.findOrCreateDirectConversation(newDirect(a, b));
    expect(again.created).toBe(true);
    expect(again.conversation.messageCount).toBe(0);
  });
}

/** Conversations: creation, direct conversations, lists, patches, participants, deletion. */
export function describeConversations(store: Store): void {
  describe('conversations', () => {
    creationTests(store);
    changeTests(store);
  });
}
