/**
 * The lowdb search index: built at start-up from every segment on disk (old segments without
 * today's fields, edited and deleted messages, a crash that left the meta behind its segments),
 * and its own rules — prefix ranges as words come and go, rarity weights handed on by the cursor.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import { newMessageRecord } from '../copies.js';
import { parseSearch } from '../search-terms.js';
import type { MessageRecord, Store } from '../store.js';
import { conversationDir, segmentFileName } from './layout.js';
import { createLowdbStore } from './lowdb-store.js';
import { MessageSearchIndex } from './search-index.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function open(dataDir?: string): Promise<{ store: Store; dataDir: string }> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'chatwire-search-')));
  if (!dataDir) dirs.push(dir);
  const store = createLowdbStore({ dataDir: dir, segmentSize: 3 });
  await store.init();
  return { store, dataDir: dir };
}

async function contents(store: Store, user: string, q: string): Promise<string[]> {
  const { hits } = await store.searchMessages(
    user,
    { terms: parseSearch(q)! },
    { limit: 50, asOf: f.at(10_000) },
  );
  return hits.map((hit) => hit.message.content);
}

describe('lowdb search index', () => {
  it('is rebuilt from every segment when the store opens, with edits and deletes as they were', async () => {
    const { store, dataDir } = await open();
    const alice = randomUUID();
    const conversation = await store.createConversation(f.newConversation([alice]));
    const sent: MessageRecord[] = [];
    for (let index = 0; index < 8; index++) {
      const { message } = (await store.appendMessage(
        f.newMessage(conversation.id, alice, {
          content: `segment word${index} shared`,
          createdAt: f.at(10 + index),
        }),
      ))!;
      sent.push(message);
    }
    await store.updateMessage(conversation.id, sent[0]!.id, { content: 'rewritten first' });
    await store.updateMessage(conversation.id, sent[1]!.id, { content: '', parts: [], status: 'deleted' });
    // A copy as a crash would leave it (no close: metas behind their segments).
    const crashed = await mkdtemp(join(tmpdir(), 'chatwire-search-crash-'));
    dirs.push(crashed);
    await cp(dataDir, crashed, { recursive: true, filter: (source) => !source.endsWith('.tmp') });
    await store.close();

    for (const dir of [dataDir, crashed]) {
      const { store: reopened } = await open(dir);
      try {
        expect(await contents(reopened, alice, 'shared')).toHaveLength(6);
        expect(await contents(reopened, alice, 'word7')).toEqual(['segment word7 shared']);
        expect(await contents(reopened, alice, 'rewritten')).toEqual(['rewritten first']);
        expect(await contents(reopened, alice, 'word0')).toEqual([]);
        expect(await contents(reopened, alice, 'word1')).toEqual([]);
        // And kept current after the start: appends are found at once.
        await reopened.appendMessage(
          f.newMessage(conversation.id, alice, { content: 'after restart', createdAt: f.at(99) }),
        );
        expect(await contents(reopened, alice, 'restart')).toEqual(['after restart']);
      } finally {
        await reopened.close();
      }
    }
  });

  it('reads segments written before parts, tools and reactions existed', async () => {
    const { store, dataDir } = await open();
    const alice = randomUUID();
    const conversation = await store.createConversation(f.newConversation([alice]));
    await store.appendMessage(
      f.newMessage(conversation.id, alice, { content: 'vintage record', createdAt: f.at(10) }),
    );
    await store.close();
    // Strip the segment's messages down to the fields of the first format.
    const path = join(conversationDir(dataDir, conversation.id), segmentFileName(1));
    const file = JSON.parse(await readFile(path, 'utf8'));
    for (const message of file.messages) {
      for (const field of ['parts', 'clientTools', 'reactions', 'finishReason', 'stale', 'promptId'])
        delete message[field];
    }
    await writeFile(path, JSON.stringify(file));
    const { store: reopened } = await open(dataDir);
    try {
      const { hits } = await reopened.searchMessages(
        alice,
        { terms: parseSearch('vint')! },
        { limit: 5, asOf: f.at(10_000) },
      );
      expect(hits.map((hit) => hit.message.content)).toEqual(['vintage record']);
      expect(hits[0]?.message.reactions).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});

describe('MessageSearchIndex', () => {
  const message = (conversationId: string, content: string, n: number): MessageRecord =>
    newMessageRecord(f.newMessage(conversationId, 'someone', { content, createdAt: f.at(n) }), n);
  const search = (index: MessageSearchIndex, q: string, conversationIds: string[]) =>
    index
      .search({ terms: parseSearch(q)!, conversationIds, limit: 50, asOf: f.at(10_000) })
      .hits.map((hit) => hit.message.id);

  it('finds words by prefix as they come and go, and forgets a conversation whole', () => {
    const index = new MessageSearchIndex();
    const [a, b] = [randomUUID(), randomUUID()];
    const first = message(a, 'apple apricot', 1);
    const second = message(a, 'banana', 2);
    const third = message(b, 'apricot jam', 3);
    for (const record of [first, second, third]) index.put(record);
    expect(search(index, 'ap', [a, b]).sort()).toEqual([first.id, third.id].sort());
    expect(search(index, 'ap', [a])).toEqual([first.id]);
    index.put({ ...first, content: 'cherry' });
    expect(search(index, 'ap', [a])).toEqual([]);
    expect(search(index, 'che', [a])).toEqual([first.id]);
    index.put(message(a, 'apple again', 4));
    expect(search(index, 'appl', [a])).toHaveLength(1);
    index.removeConversation(a);
    expect(index.size).toBe(1);
    expect(search(index, 'ap', [a, b])).toEqual([third.id]);
    expect(index.vocabularySize).toBe(2);
  });

  it('ranks a rarer word higher and keeps the weights a cursor hands back', () => {
    const index = new MessageSearchIndex();
    const c = randomUUID();
    for (let n = 1; n <= 9; n++) index.put(message(c, `common filler ${n}`, n));
    const rare = message(c, 'common rare', 10);
    index.put(rare);
    const first = index.search({
      terms: parseSearch('common')!,
      conversationIds: [c],
      limit: 3,
      asOf: f.at(10_000),
    });
    const both = index.search({
      terms: parseSearch('rare common')!,
      conversationIds: [c],
      limit: 3,
      asOf: f.at(10_000),
    });
    expect(both.hits[0]?.message.id).toBe(rare.id);
    expect(both.weights[0]).toBeGreaterThan(both.weights[1]!);
    // New messages change rarity; a cursor's weights keep the next page's scores comparable.
    for (let n = 11; n <= 30; n++) index.put(message(c, `common more ${n}`, n));
    const last = first.hits.at(-1)!;
    const next = index.search({
      terms: parseSearch('common')!,
      conversationIds: [c],
      limit: 3,
      asOf: f.at(10),
      after: {
        score: last.score,
        createdAt: new Date(last.message.at).toISOString(),
        id: last.message.id,
        weights: first.weights,
      },
    });
    expect(next.weights).toEqual(first.weights);
    expect(next.hits.map((hit) => hit.message.id)).not.toContain(last.message.id);
    expect(next.hits).toHaveLength(3);
  });
});
