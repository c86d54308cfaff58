/**
 * The lowdb store's files on disk: `files.json` across re-opens, and the two writes of an append
 * that attaches files (the claim, then the segment) — a `kill -9` between them, after them, or a
 * failed segment write must leave nothing a user can see inconsistent (see `files-document.ts`).
 */
import { randomUUID } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import type { FileRecord, NewMessage, Store } from '../store.js';
import { StoreUnavailableError } from '../store.js';
import { conversationDir, FILES_FILE } from './layout.js';
import { createLowdbStore } from './lowdb-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chatwire-files-'));
  dirs.push(dir);
  return dir;
}

async function open(dataDir: string): Promise<Store> {
  const store = createLowdbStore({ dataDir, segmentSize: 3, checkpointDelayMs: 60_000 });
  await store.init();
  return store;
}

/** The data dir as a `kill -9` would leave it now (see crash-recovery.test.ts). */
async function crashCopy(dataDir: string): Promise<string> {
  const copy = await newDataDir();
  await cp(dataDir, copy, { recursive: true, filter: (source) => !source.endsWith('.tmp') });
  return copy;
}

/** The records of `files.json` as on disk, claim notes included. */
async function filesOnDisk(dataDir: string): Promise<(FileRecord & { claim?: unknown })[]> {
  return JSON.parse(await readFile(join(dataDir, FILES_FILE), 'utf8')).files;
}

function sending(conversationId: string, senderId: string, files: FileRecord[]): NewMessage {
  const parts = [{ type: 'text' as const, text: 'see' }, ...files.map(f.filePart)];
  return f.newMessage(conversationId, senderId, { content: 'see', parts, createdAt: f.at(100) });
}

/** A store with alice's conversation (two messages: its segment exists) and two uploads of hers. */
async function seeded() {
  const dataDir = await newDataDir();
  const store = await open(dataDir);
  const alice = randomUUID();
  const conversation = await store.createConversation(f.newConversation([alice]));
  await f.appendMany(store, conversation.id, alice, 2);
  const photo = await store.createFile(f.newFile(alice, { expiresAt: f.at(500) }));
  const other = await store.createFile(f.newFile(alice, { size: 42 }));
  return { dataDir, store, alice, conversation, photo, other };
}

describe('lowdb store files on disk', () => {
  it('keeps files, attachments, byte totals and the sweep list across close and re-open', async () => {
    const { dataDir, store, alice, conversation, photo, other } = await seeded();
    const pending = await store.createFile(f.newFile(alice, { status: 'pending', size: 9000 }));
    await store.updateFile(pending.id, { status: 'ready', size: 8000 }, ['pending']);
    const { message } = (await store.appendMessage(sending(conversation.id, alice, [photo])))!;
    await store.deleteFile(other.id);
    const before = {
      files: await Promise.all([photo.id, other.id, pending.id].map((id) => store.getFile(id))),
      attached: await store.listAttachedFiles(conversation.id, message.id),
      bytes: await store.fileBytesOf(alice),
      expired: await store.listExpiredFiles(f.at(1_000_000), 10),
    };
    expect(before.bytes).toBe(9000);
    await store.close();

    const reopened = await open(dataDir);
    expect({
      files: await Promise.all([photo.id, other.id, pending.id].map((id) => reopened.getFile(id))),
      attached: await reopened.listAttachedFiles(conversation.id, message.id),
      bytes: await reopened.fileBytesOf(alice),
      expired: await reopened.listExpiredFiles(f.at(1_000_000), 10),
    }).toEqual(before);
    await expect(reopened.appendMessage(sending(conversation.id, alice, [photo]))).rejects.toMatchObject({
      reason: 'taken',
    });
    await reopened.close();
  });

  it('writes the claim before the message, and drops its note with the next write of files.json', async () => {
    const { dataDir, store, alice, conversation, photo } = await seeded();
    const { message } = (await store.appendMessage(sending(conversation.id, alice, [photo])))!;
    const noted = (await filesOnDisk(dataDir)).find((file) => file.id === photo.id);
    expect(noted).toMatchObject({ messageId: message.id, expiresAt: null, claim: { expiresAt: f.at(500) } });
    await store.createFile(f.newFile(alice));
    expect((await filesOnDisk(dataDir)).find((file) => file.id === photo.id)).toEqual(
      await store.getFile(photo.id),
    );
    await store.close();
  });

  it('after a kill -9 between the claim and the message, gives the files back; the retry attaches them', async () => {
    const { dataDir, store, alice, conversation, photo, other } = await seeded();
    const beforeAppend = await crashCopy(dataDir);
    const input = sending(conversation.id, alice, [photo, other]);
    await store.appendMessage(input);
    const afterAppend = await crashCopy(dataDir);
    await store.close();
    // The crash between: the claim landed in files.json, the segment write did not.
    const between = beforeAppend;
    await copyFile(join(afterAppend, FILES_FILE), join(between, FILES_FILE));
    expect((await filesOnDisk(between)).filter((file) => file.claim)).toHaveLength(2);

    const recovered = await open(between);
    expect(await recovered.getFile(photo.id)).toEqual(photo);
    expect(await recovered.getFile(other.id)).toEqual(other);
    expect(await recovered.listAttachedFiles(conversation.id)).toEqual([]);
    expect((await recovered.getConversation(conversation.id))?.messageCount).toBe(2);
    // Settled on disk, too: crashing again right after start-up finds the same.
    expect((await filesOnDisk(between)).filter((file) => file.claim)).toEqual([]);
    const again = await open(await crashCopy(between));
    expect(await again.getFile(photo.id)).toEqual(photo);
    await again.close();
    // The client retries its unacknowledged send: it goes through and attaches the files.
    const retried = (await recovered.appendMessage(input))!;
    expect(retried.created).toBe(true);
    expect(
      (await recovered.listAttachedFiles(conversation.id, input.id)).map((file) => file.id).sort(),
    ).toEqual([photo.id, other.id].sort());
    await recovered.close();
  });

  it('after a kill -9 right after the message, keeps the claim: the message and its files agree', async () => {
    const { dataDir, store, alice, conversation, photo } = await seeded();
    const { message } = (await store.appendMessage(sending(conversation.id, alice, [photo])))!;
    const attached = await store.getFile(photo.id);
    const crashed = await crashCopy(dataDir);
    await store.close();
    expect((await filesOnDisk(crashed)).find((file) => file.id === photo.id)?.claim).toBeDefined();

    const recovered = await open(crashed);
    expect(await recovered.getMessage(conversation.id, message.id)).toEqual(message);
    expect(await recovered.getFile(photo.id)).toEqual(attached);
    expect((await filesOnDisk(crashed)).find((file) => file.id === photo.id)).toEqual(attached);
    await recovered.close();
  });

  it('gives the files back when the message’s write fails, in memory and after a crash', async () => {
    const { dataDir, store, alice, conversation, photo } = await seeded();
    const elsewhere = await store.createConversation(f.newConversation([alice]));
    // The conversation's directory vanishes under the store: its segment cannot be written.
    await rm(conversationDir(dataDir, conversation.id), { recursive: true, force: true });
    await expect(store.appendMessage(sending(conversation.id, alice, [photo]))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(await store.getFile(photo.id)).toEqual(photo);
    const crashed = await open(await crashCopy(dataDir));
    expect(await crashed.getFile(photo.id)).toEqual(photo);
    await crashed.close();
    // And it may be attached elsewhere at once.
    const sent = await store.appendMessage(sending(elsewhere.id, alice, [photo]));
    expect(sent?.created).toBe(true);
    await store.close();
  });

  it('appends no message when its claim cannot be written: the claim comes first', async () => {
    const { dataDir, store, alice, conversation, photo } = await seeded();
    // files.json replaced by a directory: the rename that writes it fails.
    await rm(join(dataDir, FILES_FILE));
    await mkdir(join(dataDir, FILES_FILE, 'blocked'), { recursive: true });
    await expect(store.appendMessage(sending(conversation.id, alice, [photo]))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(2);
    expect(await store.listMessages(conversation.id, { limit: 10 })).toHaveLength(2);
    expect(await store.getFile(photo.id)).toEqual(photo);
    await store.close();
  });

  it('does not touch files.json for a message without files', async () => {
    const { dataDir, store, alice, conversation } = await seeded();
    const version = async () => {
      const info = await stat(join(dataDir, FILES_FILE), { bigint: true });
      return `${info.ino}:${info.mtimeNs}`;
    };
    const before = await version();
    await f.appendMany(store, conversation.id, alice, 4);
    expect(await version()).toBe(before);
    await store.close();
  });
});
