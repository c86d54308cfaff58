/**
 * Crash safety of the meta checkpoint: the data dir is copied while the store is open — what a
 * `kill -9` at that moment leaves — after every acknowledged operation of a scripted history,
 * and each copy must open to exactly the state acknowledged so far.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import type { ConversationRecord, MessageRecord, NewMessage, Store } from '../store.js';
import { conversationDir } from './layout.js';
import { createLowdbStore, type LowdbStoreOptions } from './lowdb-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chatwire-crash-'));
  dirs.push(dir);
  return dir;
}

async function open(dataDir: string, options: Omit<LowdbStoreOptions, 'dataDir'> = {}): Promise<Store> {
  const store = createLowdbStore({ dataDir, segmentSize: 3, ...options });
  await store.init();
  return store;
}

/**
 * The data dir as a `kill -9` would leave it now: copied without `close()`. Files are replaced
 * by rename, so each is copied whole (old or new, if a background checkpoint is writing);
 * steno's temporary files are skipped, as a crash might leave them half-written.
 */
async function crashCopy(dataDir: string): Promise<string> {
  const copy = await newDataDir();
  await cp(dataDir, copy, { recursive: true, filter: (source) => !source.endsWith('.tmp') });
  return copy;
}

/** What was acknowledged when a crash copy was taken. */
interface Acknowledged {
  step: string;
  dataDir: string;
  conversation: ConversationRecord;
  messages: MessageRecord[];
  /** Every input appended so far: appending any again must return the stored message. */
  inputs: NewMessage[];
}

function unread(conversation: ConversationRecord): Record<string, number> {
  return Object.fromEntries(
    conversation.participants.map((p) => [p.userId, conversation.messageCount - p.readCount]),
  );
}

/** Opens a crash copy and checks it against what was acknowledged before the crash. */
async function expectRecovered(crash: Acknowledged): Promise<void> {
  const { conversation } = crash;
  const store = await open(crash.dataDir, { checkpointDelayMs: 60_000 });
  const recovered = await store.getConversation(conversation.id);
  expect(recovered, crash.step).toEqual(conversation);
  expect(unread(recovered!), crash.step).toEqual(unread(conversation));
  expect(await store.listMessages(conversation.id, { limit: 100 }), crash.step).toEqual(crash.messages);
  expect(await store.listConversationsForUser(conversation.participants[0]!.userId, 10)).toEqual([
    conversation,
  ]);
  // Idempotency survives: every acknowledged input is a repeat.
  for (const input of crash.inputs) {
    const repeat = await store.appendMessage(input);
    expect(repeat?.created, crash.step).toBe(false);
    expect(repeat?.message.id, crash.step).toBe(input.id);
  }
  // The next append continues the count, and moves its sender's marker only.
  const sender = conversation.participants[1]!.userId;
  const next = (await store.appendMessage(f.newMessage(conversation.id, sender, { createdAt: f.at(999) })))!;
  expect(next.message.seq, crash.step).toBe(conversation.messageCount + 1);
  const after = (await store.getConversation(conversation.id))!;
  expect(after).toMatchObject({ messageCount: next.message.seq, lastMessage: next.message });
  for (const p of after.participants) {
    const before = conversation.participants.find((q) => q.userId === p.userId)!;
    expect(p.readCount).toBe(p.userId === sender ? next.message.seq : before.readCount);
  }
  // Crashing again, right after the replay (which writes nothing itself): replayed twice, the
  // state is the same — nothing is counted twice.
  const again = await open(await crashCopy(crash.dataDir), { checkpointDelayMs: 60_000 });
  expect(await again.getConversation(conversation.id), crash.step).toEqual(after);
  await again.close();
  await store.close();
}

describe.each([
  ['metas lagging as far as they can (no background checkpoint)', 60_000],
  ['background checkpoints racing every operation', 0],
])('lowdb store after a kill -9, %s', (_name, checkpointDelayMs) => {
  it('opens every crash copy to exactly what was acknowledged', async () => {
    const dataDir = await newDataDir();
    const store = await open(dataDir, { checkpointDelayMs });
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const { id } = await store.createConversation(f.newConversation([alice, bob, carol]));
    const inputs: NewMessage[] = [];
    const crashes: Acknowledged[] = [];
    let clock = 10;
    const crash = async (step: string) => {
      crashes.push({
        step,
        dataDir: await crashCopy(dataDir),
        conversation: (await store.getConversation(id))!,
        messages: await store.listMessages(id, { limit: 100 }),
        inputs: [...inputs],
      });
    };
    const append = async (senderId: string | null, count: number) => {
      const sent: MessageRecord[] = [];
      for (let i = 0; i < count; i++) {
        const input = f.newMessage(id, senderId, { createdAt: f.at(clock++) });
        if (senderId !== null) inputs.push(input);
        sent.push((await store.appendMessage(input))!.message);
        await crash(
          `after an append by ${senderId === alice ? 'alice' : senderId === bob ? 'bob' : 'the assistant'}`,
        );
      }
      return sent;
    };

    await crash('after create');
    const [a1, a2] = await append(alice, 2);
    expect(await store.markRead(id, bob, a2!.id)).toEqual({ moved: true });
    await crash('after bob read 2');
    await append(bob, 1);
    await append(alice, 2); // rolls over to segment 2
    const [reply] = await append(null, 1);
    await store.updateMessage(id, reply!.id, { content: 'streamed', status: 'complete' });
    await crash('after the last message was updated');
    await store.updateConversation(id, { title: 'renamed', updatedAt: f.at(50) });
    await crash('after a rename');
    expect(await store.markRead(id, carol, reply!.id)).toEqual({ moved: true });
    await crash('after carol read 6');
    await append(bob, 4); // rolls over to segments 3 and 4
    await store.updateMessage(id, a1!.id, { content: 'edited', editedAt: f.at(60) });
    await crash('after an older message was edited');
    expect(await store.markRead(id, bob, a1!.id)).toEqual({ moved: false });
    await append(alice, 1);
    const final = (await store.getConversation(id))!;
    expect(final.messageCount).toBe(11);
    expect(unread(final)).toEqual({ [alice]: 0, [bob]: 1, [carol]: 5 });

    for (const acknowledged of crashes) await expectRecovered(acknowledged);
    await store.close();
    // And after a clean close: the meta is current, nothing left to replay.
    const meta = JSON.parse(await readFile(join(conversationDir(dataDir, id), 'meta.json'), 'utf8'));
    expect(meta.conversation).toEqual(final);
  });
});

describe('lowdb store checkpoints under concurrency', () => {
  it('keeps a markRead that lands while a background checkpoint is due', async () => {
    // Each append schedules a checkpoint at once; the markRead queued right behind it writes
    // the meta synchronously, so the background pass fires while that write is in flight. A
    // checkpoint that captured its state outside the conversation's lock would queue the older
    // state behind it and lose the marker on disk.
    const dataDir = await newDataDir();
    const store = await open(dataDir, { checkpointDelayMs: 0 });
    const [alice, bob] = [randomUUID(), randomUUID()];
    const { id } = await store.createConversation(f.newConversation([alice, bob]));
    const metaPath = join(conversationDir(dataDir, id), 'meta.json');
    for (let round = 0; round < 20; round++) {
      const input = f.newMessage(id, alice, { createdAt: f.at(round) });
      const [appended, read] = await Promise.all([
        store.appendMessage(input),
        store.markRead(id, bob, input.id),
      ]);
      expect([appended?.created, read]).toEqual([true, { moved: true }]);
      const acknowledged = (await store.getConversation(id))!;
      expect(acknowledged.participants.map((p) => p.readCount)).toEqual([round + 1, round + 1]);
      await vi.waitFor(
        async () => expect(JSON.parse(await readFile(metaPath, 'utf8')).conversation).toEqual(acknowledged),
        { timeout: 500 },
      );
    }
    await store.close();
  });

  it('never lets a checkpoint overwrite a newer meta: operations on one conversation stay serialised', async () => {
    const dataDir = await newDataDir();
    const store = await open(dataDir, { checkpointDelayMs: 0 });
    const [alice, bob] = [randomUUID(), randomUUID()];
    const { id } = await store.createConversation(f.newConversation([alice, bob]));
    const metaPath = join(conversationDir(dataDir, id), 'meta.json');
    const onDisk = async (): Promise<ConversationRecord> =>
      JSON.parse(await readFile(metaPath, 'utf8')).conversation;

    for (let round = 0; round < 8; round++) {
      const results = await Promise.all([
        store.appendMessage(f.newMessage(id, alice, { createdAt: f.at(round * 10) })),
        store.appendMessage(f.newMessage(id, bob, { createdAt: f.at(round * 10 + 1) })),
        store.updateConversation(id, { title: `round ${round}`, updatedAt: f.at(round * 10 + 2) }),
        store.appendMessage(f.newMessage(id, alice, { createdAt: f.at(round * 10 + 3) })),
      ]);
      const last = results[3]!;
      await Promise.all([
        store.markRead(id, bob, last.message.id),
        store.updateMessage(id, last.message.id, { content: `done ${round}` }),
        store.appendMessage(f.newMessage(id, null, { createdAt: f.at(round * 10 + 4) })),
      ]);
      const acknowledged = (await store.getConversation(id))!;
      // A crash at any moment between rounds replays to what was acknowledged…
      const crashed = await open(await crashCopy(dataDir), { checkpointDelayMs: 60_000 });
      expect(await crashed.getConversation(id)).toEqual(acknowledged);
      await crashed.close();
      // …and the background checkpoints converge on it (a stale one would stick).
      await vi.waitFor(async () => expect(await onDisk()).toEqual(acknowledged));
    }
    const final = (await store.getConversation(id))!;
    expect(final.messageCount).toBe(32);
    expect(final.participants.find((p) => p.userId === bob)?.readCount).toBe(31);
    await store.close();
    expect(await onDisk()).toEqual(final);
  });
});
