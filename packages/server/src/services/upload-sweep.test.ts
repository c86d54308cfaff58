import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiskStorage } from '../files/disk-storage.js';
import type { FileStorage } from '../files/file-storage.js';
import { newId } from '../ids.js';
import { createLowdbStore } from '../store/lowdb/index.js';
import type { FileRecord, Store } from '../store/store.js';
import { filePart, newConversation, newMessage } from '../testing/store-fixtures.js';
import { newStorageKey } from './upload-rules.js';
import { createUploadSweep } from './upload-sweep.js';

const hour = 3600_000;

describe('the sweep of expired uploads', () => {
  let dir: string;
  let store: Store;
  let storage: FileStorage;
  let now = Date.parse('2026-06-01T12:00:00Z');
  const clock = { now: () => new Date(now) };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chatwire-sweep-'));
    store = createLowdbStore({ dataDir: dir });
    await store.init();
    storage = await createDiskStorage({ dir: join(dir, 'files') });
  });
  afterEach(async () => {
    await storage.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function stored(expiresInMs: number, status: FileRecord['status'] = 'ready'): Promise<FileRecord> {
    const key = newStorageKey();
    await storage.write(key, Readable.from([Buffer.from('bytes')]), { mediaType: 'text/plain' });
    return store.createFile({
      id: newId(),
      ownerId: newId(),
      name: 'a.txt',
      mediaType: 'text/plain',
      size: 5,
      sha256: '',
      width: null,
      height: null,
      storageKey: key,
      status,
      conversationId: null,
      messageId: null,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + expiresInMs).toISOString(),
    });
  }

  const objects = async () =>
    (await readdir(join(dir, 'files'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile())
      .length;

  it('removes the bytes and records of files expired past the grace, and keeps the rest', async () => {
    const old = await stored(-2 * hour);
    const pending = await stored(-2 * hour, 'pending');
    const recent = await stored(-30_000); // within the grace
    const live = await stored(hour);
    const sweeper = createUploadSweep({ store, storage, clock, graceMs: 60_000, batchSize: 1 });
    expect(await sweeper.sweep()).toBe(2);
    expect(await store.getFile(old.id)).toBeNull();
    expect(await store.getFile(pending.id)).toBeNull();
    expect(await storage.stat(old.storageKey)).toBeNull();
    expect(await store.getFile(recent.id)).not.toBeNull();
    expect(await store.getFile(live.id)).not.toBeNull();
    expect(await objects()).toBe(2);

    now += 2 * hour;
    expect(await sweeper.sweep()).toBe(2);
    expect(await objects()).toBe(0);
  });

  it('a file attached between the listing and its removal keeps its bytes and record', async () => {
    const file = await stored(-2 * hour);
    const conversation = await store.createConversation(newConversation([file.ownerId]));
    // A message sent before the expiry, still on its way in, lands while the sweep runs.
    const racing = {
      updateFile: store.updateFile.bind(store),
      deleteFile: store.deleteFile.bind(store),
      listExpiredFiles: async (before: string, limit: number) => {
        const listed = await store.listExpiredFiles(before, limit);
        await store.appendMessage(
          newMessage(conversation.id, file.ownerId, {
            parts: [filePart(file)],
            createdAt: new Date(now - 3 * hour).toISOString(),
          }),
        );

        return listed;
      },
    };
    const errors: unknown[] = [];
    const sweeper = createUploadSweep({
      store: racing,
      storage,
      clock,
      graceMs: 60_000,
      onError: (error) => errors.push(error),
    });
    expect(await sweeper.sweep()).toBe(0);
    expect(errors).toEqual([]);
    expect(await store.getFile(file.id)).toMatchObject({ conversationId: conversation.id, status: 'ready' });
    expect(await storage.stat(file.storageKey)).not.toBeNull();
  });

  it('a storage that fails keeps the record, for the next sweep', async () => {
    const file = await stored(-2 * hour);
    const errors: unknown[] = [];
    const failing = { delete: async () => Promise.reject(new Error('bucket away')) };
    const sweeper = createUploadSweep({ store, storage: failing, clock, onError: (e) => errors.push(e) });
    expect(await sweeper.sweep()).toBe(0);
    expect(errors).toHaveLength(1);
    expect(await store.getFile(file.id)).not.toBeNull();
    expect(await createUploadSweep({ store, storage, clock }).sweep()).toBe(1);
    expect(await store.getFile(file.id)).toBeNull();
  });
});
