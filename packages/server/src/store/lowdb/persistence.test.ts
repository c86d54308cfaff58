import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import type { ConversationRecord, Store } from '../store.js';
import { StoreUnavailableError } from '../store.js';
import { importConversation } from './bulk-import.js';
import { conversationDir, segmentFileName } from './layout.js';
import { createLowdbStore, type LowdbStoreOptions } from './lowdb-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chatwire-lowdb-'));
  dirs.push(dir);
  return dir;
}

async function open(dataDir: string, options: Omit<LowdbStoreOptions, 'dataDir'> = {}): Promise<Store> {
  const store = createLowdbStore({ dataDir, segmentSize: 3, ...options });
  await store.init();
  return store;
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

interface MetaFile {
  lastSegment: number;
  conversation: ConversationRecord;
}

/**
 * The data dir as a `kill -9` would leave it right now: a copy taken while the store is open,
 * without `close()`. Every file is replaced by rename, so each is copied whole, old or new;
 * steno's temporary files are what a crash might leave half-written, and are skipped.
 */
async function crashCopy(dataDir: string): Promise<string> {
  const copy = await newDataDir();
  await cp(dataDir, copy, { recursive: true, filter: (source) => !source.endsWith('.tmp') });
  return copy;
}

/** A conversation of `count` messages from one sender, in a store with 3-message segments. */
async function seeded(count: number, options: Omit<LowdbStoreOptions, 'dataDir'> = {}) {
  const dataDir = await newDataDir();
  const store = await open(dataDir, options);
  const alice = randomUUID();
  const conversation = await store.createConversation(f.newConversation([alice]));
  const messages = await f.appendMany(store, conversation.id, alice, count);
  return { dataDir, store, alice, conversation, messages, dir: conversationDir(dataDir, conversation.id) };
}

/** Inode and mtime of every file under `root`: a rename-based rewrite changes the inode. */
async function fileVersions(root: string): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path, { bigint: true });
    versions.set(path.slice(root.length + 1), `${info.ino}:${info.mtimeNs}`);
  }
  return versions;
}

describe('lowdb store on disk', () => {
  it('keeps everything across close and re-open', async () => {
    const { dataDir, store, alice, conversation, messages } = await seeded(10);
    const user = await store.createUser(f.newUser({ id: alice, displayName: 'Alice' }));
    const token = f.newToken({ userId: alice });
    await store.saveRefreshToken(token);
    await store.markRead(conversation.id, alice, messages[9]!.id);
    const before = await store.getConversation(conversation.id);
    await store.close();

    const reopened = await open(dataDir);
    expect(await reopened.getUser(user.id)).toEqual(user);
    expect(await reopened.getConversation(conversation.id)).toEqual(before);
    expect(await reopened.listMessages(conversation.id, { limit: 100 })).toEqual(messages);
    expect(await reopened.listConversationsForUser(alice, 10)).toEqual([before]);
    expect((await reopened.rotateRefreshToken(token.hash, f.nextToken(), f.at(10))).status).toBe('rotated');
    await reopened.close();
  });

  it('reads messages written before parts as one text part (and before reactions with none), the last message in the meta too', async () => {
    const { dataDir, store, alice, conversation, dir } = await seeded(2, { segmentSize: 100 });
    const empty = (await store.appendMessage(
      f.newMessage(conversation.id, null, { content: '', parts: [] }),
    ))!;
    const said = (await store.appendMessage(f.newMessage(conversation.id, alice, { content: 'Old words' })))!;
    await store.close();
    // As an older version wrote them: no `parts`, no `clientTools`, no `reactions`, in the segment
    // and in the meta.
    const strip = (message: Record<string, unknown>) => {
      delete message.parts;
      delete message.clientTools;
      delete message.reactions;
    };
    const segmentPath = join(dir, segmentFileName(1));
    const segment = (await readJson(segmentPath)) as { messages: Record<string, unknown>[] };
    segment.messages.forEach(strip);
    await writeFile(segmentPath, JSON.stringify(segment));
    const meta = (await readJson(join(dir, 'meta.json'))) as {
      conversation: { lastMessage: Record<string, unknown> };
    };
    strip(meta.conversation.lastMessage);
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));

    const reopened = await open(dataDir, { segmentSize: 100 });
    const expected = {
      ...said.message,
      parts: [{ type: 'text', text: 'Old words' }],
      clientTools: null,
      reactions: [],
    };
    expect(await reopened.getMessage(conversation.id, said.message.id)).toEqual(expected);
    expect(await reopened.getMessage(conversation.id, empty.message.id)).toMatchObject({ parts: [] });
    expect((await reopened.getConversation(conversation.id))?.lastMessage).toEqual(expected);
    await reopened.close();
  });

  it('rolls over to a new segment every segmentSize messages and catalogs the sealed ones', async () => {
    const { store, dir } = await seeded(10);
    await store.close();
    const files = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
    expect(files).toEqual([
      'messages-000001.json',
      'messages-000002.json',
      'messages-000003.json',
      'messages-000004.json',
      'meta.json',
      'segments.json',
    ]);
    const last = (await readJson(join(dir, segmentFileName(4)))) as { firstSeq: number; messages: unknown[] };
    expect([last.firstSeq, last.messages.length]).toEqual([10, 1]);
    const catalog = (await readJson(join(dir, 'segments.json'))) as { segments: { firstSeq: number }[] };
    expect(catalog.segments.map((segment) => segment.firstSeq)).toEqual([1, 4, 7]);
  });

  it('rewrites only the open segment on an append; meta and catalog too on a rollover', async () => {
    const { dataDir, store, alice, conversation } = await seeded(7, { checkpointDelayMs: 60_000 });
    const other = await store.createConversation(f.newConversation([alice]));
    await f.appendMany(store, other.id, alice, 2);
    await store.createUser(f.newUser());
    await store.saveRefreshToken(f.newToken());
    const prefix = join('conversations', conversation.id);
    const changedBy = async (operation: () => Promise<unknown>) => {
      const before = await fileVersions(dataDir);
      await operation();
      const after = await fileVersions(dataDir);
      return [...after]
        .filter(([path, version]) => before.get(path) !== version)
        .map(([path]) => path)
        .sort();
    };

    const append = () => store.appendMessage(f.newMessage(conversation.id, alice));
    expect(await changedBy(append)).toEqual([join(prefix, segmentFileName(3))]);
    expect(await changedBy(append)).toEqual([join(prefix, segmentFileName(3))]);
    expect(await changedBy(append)).toEqual(
      [join(prefix, segmentFileName(4)), join(prefix, 'meta.json'), join(prefix, 'segments.json')].sort(),
    );
    await store.close();
  });

  it('checkpoints the meta in the background, once for many appends', async () => {
    const { store, alice, conversation, dir } = await seeded(0, { checkpointDelayMs: 50 });
    const metaPath = join(dir, 'meta.json');
    const before = await stat(metaPath, { bigint: true });
    const sent = await f.appendMany(store, conversation.id, alice, 2);
    // Not written by the appends themselves…
    expect((await stat(metaPath, { bigint: true })).ino).toBe(before.ino);
    const current = await store.getConversation(conversation.id);
    // …but once the delay has passed.
    await vi.waitFor(async () =>
      expect(((await readJson(metaPath)) as MetaFile).conversation).toEqual(current),
    );
    expect(current).toMatchObject({ messageCount: 2, lastMessage: sent[1] });
    await store.close();
  });

  it('reads only the segments a lookup or a page needs', async () => {
    const { dataDir, store, conversation, messages, dir } = await seeded(12);
    await store.close();
    // Remove segments 1 and 3 of 4: anything that scanned every segment would now fail.
    await rm(join(dir, segmentFileName(1)));
    await rm(join(dir, segmentFileName(3)));
    const reopened = await open(dataDir);
    expect(await reopened.getMessage(conversation.id, messages[4]!.id)).toEqual(messages[4]);
    expect(await reopened.listMessages(conversation.id, { limit: 3, afterSeq: 3 })).toEqual(
      messages.slice(3, 6),
    );
    expect(await reopened.listMessages(conversation.id, { limit: 3 })).toEqual(messages.slice(9));
    const repeat = await reopened.appendMessage(
      f.newMessage(conversation.id, messages[4]!.senderId, { clientMessageId: messages[4]!.clientMessageId }),
    );
    expect(repeat).toEqual({ message: messages[4], created: false, reply: null });
    await expect(reopened.listMessages(conversation.id, { limit: 3, beforeSeq: 4 })).rejects.toThrow(
      /messages-000001\.json is missing/,
    );
    await reopened.close();
  });

  it.each(['lost', 'corrupted'])('rebuilds a %s segment catalog from the segments', async (damage) => {
    const { dataDir, store, conversation, messages, dir } = await seeded(9);
    await store.close();
    if (damage === 'lost') await rm(join(dir, 'segments.json'));
    else await writeFile(join(dir, 'segments.json'), '{"version": 1, "segm');
    const reopened = await open(dataDir);
    expect(await reopened.getMessage(conversation.id, messages[1]!.id)).toEqual(messages[1]);
    const catalog = (await readJson(join(dir, 'segments.json'))) as { segments: unknown[] };
    expect(catalog.segments).toHaveLength(2);
    await reopened.close();
  });

  describe('after a crash between the segment write and the meta write', () => {
    it('counts the message the segment holds, once', async () => {
      const { dataDir, store, alice, conversation, dir } = await seeded(4);
      const bob = randomUUID();
      await store.addParticipants(conversation.id, [f.participant(bob)], f.at(3));
      await store.close();
      // Simulate the crash: the open segment gets a 5th message from Bob, the meta does not.
      const segmentPath = join(dir, segmentFileName(2));
      const segment = (await readJson(segmentPath)) as { messages: unknown[] };
      const lost = {
        ...f.newMessage(conversation.id, bob, { createdAt: f.at(500) }),
        seq: 5,
        reactions: [],
        pinnedAt: null,
        pinnedBy: null,
      };
      segment.messages.push(lost);
      await writeFile(segmentPath, JSON.stringify(segment));

      for (let run = 0; run < 2; run++) {
        const reopened = await open(dataDir);
        const repaired = (await reopened.getConversation(conversation.id))!;
        expect(repaired.messageCount).toBe(5);
        expect(repaired.lastMessage).toEqual(lost);
        expect(repaired.lastActivityAt).toBe(f.at(500));
        const marker = (id: string) => repaired.participants.find((p) => p.userId === id);
        expect(marker(bob)).toMatchObject({ readCount: 5, lastReadMessageId: lost.id });
        expect(marker(alice)?.readCount).toBe(4);
        await reopened.close();
      }
      const reopened = await open(dataDir);
      const next = await reopened.appendMessage(f.newMessage(conversation.id, alice));
      expect(next?.message.seq).toBe(6);
      await reopened.close();
    });

    it('adopts a new segment the meta does not know yet', async () => {
      const { dataDir, store, alice, conversation, dir } = await seeded(3);
      await store.close();
      const lost = {
        ...f.newMessage(conversation.id, alice),
        seq: 4,
        reactions: [],
        pinnedAt: null,
        pinnedBy: null,
      };
      await writeFile(
        join(dir, segmentFileName(2)),
        JSON.stringify({ version: 1, firstSeq: 4, messages: [lost] }),
      );
      const reopened = await open(dataDir);
      expect((await reopened.getConversation(conversation.id))?.messageCount).toBe(4);
      expect(await reopened.getMessage(conversation.id, lost.id)).toEqual(lost);
      expect((await reopened.appendMessage(f.newMessage(conversation.id, alice)))?.message.seq).toBe(5);
      expect((await reopened.listMessages(conversation.id, { limit: 10 })).map((m) => m.seq)).toEqual([
        1, 2, 3, 4, 5,
      ]);
      await reopened.close();
    });
  });

  it('rejects a failed segment write with StoreUnavailableError and keeps memory in step with disk', async () => {
    const { store, alice, conversation, messages, dir } = await seeded(2);
    // A directory where steno writes its temporary file makes the segment write fail.
    const blocker = join(dir, `.${segmentFileName(1)}.tmp`);
    await mkdir(blocker);
    const attempt = f.newMessage(conversation.id, alice, { clientMessageId: 'retry-me' });
    await expect(store.appendMessage(attempt)).rejects.toBeInstanceOf(StoreUnavailableError);
    const during = await store.getConversation(conversation.id);
    expect(during).toMatchObject({ messageCount: 2, lastMessage: messages[1] });

    await rm(blocker, { recursive: true });
    const retry = await store.appendMessage(attempt);
    expect(retry?.created).toBe(true);
    expect(retry?.message.seq).toBe(3);
    expect((await store.appendMessage(attempt))?.created).toBe(false);
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(3);
    await store.close();
  });

  it('survives failing background checkpoints: appends go on, the next pass catches up', async () => {
    // Segment 1 full, segment 2 holding seq 4: two appends fit before the next rollover.
    const { dataDir, store, alice, conversation, messages, dir } = await seeded(4);
    await store.close();
    const reopened = await open(dataDir, { checkpointDelayMs: 5 });
    const metaPath = join(dir, 'meta.json');
    // A directory where steno writes its temporary meta file: every meta write fails.
    const blocker = join(dir, '.meta.json.tmp');
    await mkdir(blocker);
    const sent = await f.appendMany(reopened, conversation.id, alice, 2);
    // Let a few background passes fail.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const during = (await reopened.getConversation(conversation.id))!;
    expect(during).toMatchObject({ messageCount: 6, lastMessage: sent[1] });
    expect(((await readJson(metaPath)) as MetaFile).conversation.messageCount).toBe(4);
    // What must write the meta now fails, and changes nothing: a rollover (it checkpoints
    // first) and a participant change.
    const late = f.newMessage(conversation.id, alice, { clientMessageId: 'late' });
    await expect(reopened.appendMessage(late)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(
      reopened.addParticipants(conversation.id, [f.participant(randomUUID())], f.at(9)),
    ).rejects.toThrow(StoreUnavailableError);
    expect(await reopened.getConversation(conversation.id)).toEqual(during);
    // A crash now: the copy replays to exactly what was acknowledged.
    const recovered = await open(await crashCopy(dataDir));
    expect(await recovered.getConversation(conversation.id)).toEqual(during);
    await recovered.close();

    await rm(blocker, { recursive: true });
    await vi.waitFor(async () =>
      expect(((await readJson(metaPath)) as MetaFile).conversation).toEqual(during),
    );
    expect((await reopened.appendMessage(late))?.message.seq).toBe(7);
    expect((await reopened.appendMessage(late))?.created).toBe(false);
    expect((await reopened.listMessages(conversation.id, { limit: 10 })).map((m) => m.seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(messages).toHaveLength(4);
    await reopened.close();
  });

  it('says which file is corrupted or missing', async () => {
    const corrupted = await newDataDir();
    await writeFile(join(corrupted, 'users.json'), '{"version": 1, "users": [');
    await expect(open(corrupted)).rejects.toThrow(/users\.json is not valid JSON/);

    const foreign = await newDataDir();
    await writeFile(join(foreign, 'refresh-tokens.json'), '{"tokens": {}}');
    await expect(open(foreign)).rejects.toThrow(/refresh-tokens\.json does not have the expected shape/);

    const { dataDir, store, dir } = await seeded(4);
    await store.close();
    await rm(join(dir, segmentFileName(2)));
    await expect(open(dataDir)).rejects.toThrow(/messages-000002\.json is missing/);
    await rm(join(dir, 'meta.json'));
    const error = await open(dataDir).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(
      /meta\.json is missing; restore it from a backup or remove the directory/,
    );
  });

  it('finishes pending writes on close and refuses work afterwards', async () => {
    const { dataDir, store, alice, conversation } = await seeded(1);
    const pending = store.appendMessage(f.newMessage(conversation.id, alice, { content: 'last words' }));
    await store.close();
    await pending;
    await expect(store.getConversation(conversation.id)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.ping()).toBe(false);
    const reopened = await open(dataDir);
    expect((await reopened.getConversation(conversation.id))?.lastMessage?.content).toBe('last words');
    await reopened.close();
  });

  it('removes a deleted conversation’s directory and leftovers of interrupted operations', async () => {
    const { dataDir, store, conversation, dir } = await seeded(4);
    await store.deleteConversation(conversation.id);
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.close();
    const leftover = join(dataDir, 'conversations', `.deleted-${randomUUID()}`);
    await mkdir(leftover);
    const reopened = await open(dataDir);
    expect(await readdir(join(dataDir, 'conversations'))).toEqual([]);
    await reopened.close();
  });

  it('opens a data directory written by importConversation', async () => {
    const dataDir = await newDataDir();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const conversation = f.newConversation([alice, bob]);
    const messages = Array.from({ length: 8 }, (_, i) =>
      f.newMessage(conversation.id, i % 2 === 0 ? alice : bob, { content: `m${i}`, createdAt: f.at(i) }),
    );
    const record = await importConversation(dataDir, conversation, messages, { segmentSize: 3 });
    const store = await open(dataDir);
    expect(await store.getConversation(conversation.id)).toEqual(record);
    expect(record).toMatchObject({ messageCount: 8, lastActivityAt: f.at(7) });
    expect(record.participants.map((p) => p.readCount)).toEqual([7, 8]);
    expect(await store.getMessage(conversation.id, messages[1]!.id)).toEqual({
      ...messages[1],
      seq: 2,
      reactions: [],
      pinnedAt: null,
      pinnedBy: null,
    });
    const repeat = await store.appendMessage(messages[0]!);
    expect(repeat?.created).toBe(false);
    expect(
      (await store.listMessages(conversation.id, { limit: 4, beforeSeq: 6 })).map((m) => m.content),
    ).toEqual(['m1', 'm2', 'm3', 'm4']);
    await store.close();
  });
});
