/**
 * Mentions on disk: the participants' mention seqs survive a restart, a crash (replayed from the
 * segments) and an edit; messages and participants stored before mentions read as none.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import type { ConversationRecord, Store } from '../store.js';
import { conversationDir, segmentFileName } from './layout.js';
import { createLowdbStore } from './lowdb-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chatwire-mentions-'));
  dirs.push(dir);
  return dir;
}

async function open(dataDir: string): Promise<Store> {
  // A checkpoint delay longer than any test: the meta lags, and a crash copy must replay.
  const store = createLowdbStore({ dataDir, segmentSize: 3, checkpointDelayMs: 600_000 });
  await store.init();
  return store;
}

const unread = (conversation: ConversationRecord | null, userId: string) => {
  const p = conversation?.participants.find((candidate) => candidate.userId === userId);
  return (p?.mentionSeqs ?? []).filter((seq) => seq > (p?.readCount ?? 0)).length;
};

describe('lowdb mentions on disk', () => {
  it('replays mention seqs after a crash and keeps an edit across a restart', async () => {
    const dataDir = await newDataDir();
    const store = await open(dataDir);
    const [alice, bob] = [randomUUID(), randomUUID()];
    const conversation = await store.createConversation(f.newConversation([alice, bob]));
    const messages = [];
    for (let i = 0; i < 4; i++) {
      const { message } = (await store.appendMessage(
        f.newMessage(conversation.id, alice, { mentions: [bob] }),
      ))!;
      messages.push(message);
    }
    // A kill -9 now: the meta is behind (no checkpoint yet), the segments hold the mentions.
    const crashed = await newDataDir();
    await cp(dataDir, crashed, { recursive: true, filter: (source) => !source.endsWith('.tmp') });
    const replayed = await open(crashed);
    expect(unread(await replayed.getConversation(conversation.id), bob)).toBe(4);
    expect((await replayed.listMentioning(conversation.id, bob, { limit: 10 })).length).toBe(4);
    await replayed.close();

    await store.updateMessage(conversation.id, messages[0]!.id, { mentions: [] });
    await store.close();
    const reopened = await open(dataDir);
    expect(unread(await reopened.getConversation(conversation.id), bob)).toBe(3);
    await reopened.close();
  });

  it('reads messages and participants stored before mentions as mentioning nobody', async () => {
    const dataDir = await newDataDir();
    const store = await open(dataDir);
    const alice = randomUUID();
    const conversation = await store.createConversation(f.newConversation([alice]));
    const { message } = (await store.appendMessage(f.newMessage(conversation.id, alice)))!;
    await store.close();
    const segment = join(conversationDir(dataDir, conversation.id), segmentFileName(1));
    const file = JSON.parse(await readFile(segment, 'utf8'));
    for (const stored of file.messages) delete stored.mentions;
    await writeFile(segment, JSON.stringify(file));
    const old = await open(dataDir);
    expect((await old.getMessage(conversation.id, message.id))?.mentions).toEqual([]);
    expect(unread(await old.getConversation(conversation.id), alice)).toBe(0);
    await old.close();
  });
});
