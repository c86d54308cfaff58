/**
 * Group commit on the lowdb store: appends to one conversation that arrive while its segment is
 * being written share the next write. Seen from the caller, nothing changes: seqs in call order,
 * each append answered as if alone (a retry, a refused parent). (That what was acknowledged
 * survives a kill -9 in the middle of grouped appends: tests/crash.test.ts, on the built server.)
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import { StoreParentError } from '../store.js';
import { createLowdbStore, type LowdbStoreOptions } from './lowdb-store.js';
import { LoadedSegment } from './segments.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chatwire-group-commit-'));
  dirs.push(dir);
  return dir;
}

async function openStore(dataDir: string, options: Omit<LowdbStoreOptions, 'dataDir'> = {}) {
  const store = createLowdbStore({ dataDir, ...options });
  await store.init();
  return store;
}

async function conversationOf(dataDir: string, options: Omit<LowdbStoreOptions, 'dataDir'> = {}) {
  const store = await openStore(dataDir, options);
  const [alice, bob] = [randomUUID(), randomUUID()];
  const { id } = await store.createConversation(f.newConversation([alice, bob]));
  return { store, id, alice, bob };
}

describe('lowdb group commit', () => {
  it('gives concurrent appends seqs in call order, in fewer segment writes than appends', async () => {
    const { store, id, alice } = await conversationOf(await newDataDir());
    const writes = vi.spyOn(LoadedSegment.prototype, 'append');
    const inputs = Array.from({ length: 40 }, (_, i) => f.newMessage(id, alice, { content: `m${i}` }));
    const results = await Promise.all(inputs.map((input) => store.appendMessage(input)));
    expect(results.map((result) => result?.message.seq)).toEqual(inputs.map((_, i) => i + 1));
    expect(results.every((result) => result?.created)).toBe(true);
    expect(writes.mock.calls.length).toBeGreaterThan(0);
    expect(writes.mock.calls.length).toBeLessThan(10);
    const stored = await store.listMessages(id, { limit: 100 });
    expect(stored.map((message) => message.content)).toEqual(inputs.map((input) => input.content));
    expect((await store.getConversation(id))?.messageCount).toBe(40);
    await store.close();
  });

  it('writes each append alone with appendBatchMax 1', async () => {
    const { store, id, alice } = await conversationOf(await newDataDir(), { appendBatchMax: 1 });
    const writes = vi.spyOn(LoadedSegment.prototype, 'append');
    await Promise.all(Array.from({ length: 5 }, () => store.appendMessage(f.newMessage(id, alice))));
    expect(writes).toHaveBeenCalledTimes(5);
    await store.close();
    expect(() => createLowdbStore({ dataDir: '/nowhere', appendBatchMax: 0 })).toThrow(/appendBatchMax/);
  });

  it('answers a retry inside one batch as a retry, and keeps a prompt with its reply', async () => {
    const { store, id, alice } = await conversationOf(await newDataDir());
    const prompt = f.newMessage(id, alice, { content: 'question' });
    const reply = f.newMessage(id, null, {
      status: 'streaming',
      content: '',
      parts: [],
      clientMessageId: null,
    });
    const [first, again, after] = await Promise.all([
      store.appendMessage(prompt, { ...reply, promptId: prompt.id }),
      store.appendMessage({ ...prompt, id: randomUUID() }),
      store.appendMessage(f.newMessage(id, alice, { content: 'after' })),
    ]);
    expect(first).toMatchObject({
      created: true,
      message: { seq: 1 },
      reply: { seq: 2, promptId: prompt.id },
    });
    expect(again).toMatchObject({ created: false, message: { id: prompt.id, seq: 1 }, reply: { seq: 2 } });
    expect(after).toMatchObject({ created: true, message: { seq: 3, content: 'after' } });
    await store.close();
  });

  it('fails a refused append alone: the others of its batch are stored, without a hole in the seqs', async () => {
    const { store, id, alice } = await conversationOf(await newDataDir());
    const [a, refused, b] = await Promise.allSettled([
      store.appendMessage(f.newMessage(id, alice, { content: 'a' })),
      store.appendMessage(f.newMessage(id, alice, { content: 'reply', parentId: randomUUID() })),
      store.appendMessage(f.newMessage(id, alice, { content: 'b' })),
    ]);
    expect(refused).toMatchObject({ status: 'rejected', reason: expect.any(StoreParentError) });
    expect(a).toMatchObject({ status: 'fulfilled', value: { message: { seq: 1 } } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { message: { seq: 2 } } });
    expect((await store.listMessages(id, { limit: 10 })).map((message) => message.content)).toEqual([
      'a',
      'b',
    ]);
    await store.close();
  });

  it('keeps a batch within a segment, rolling over between batches', async () => {
    const { store, id, alice } = await conversationOf(await newDataDir(), { segmentSize: 4 });
    const inputs = Array.from({ length: 23 }, (_, i) => f.newMessage(id, alice, { content: `m${i}` }));
    await Promise.all(inputs.map((input) => store.appendMessage(input)));
    const stored = await store.listMessages(id, { limit: 100 });
    expect(stored.map((message) => message.seq)).toEqual(inputs.map((_, i) => i + 1));
    await store.close();
    const reopened = await openStore(dirs.at(-1)!, { segmentSize: 4 });
    expect((await reopened.listMessages(id, { limit: 100 })).map((message) => message.content)).toEqual(
      inputs.map((input) => input.content),
    );
    await reopened.close();
  });
});
