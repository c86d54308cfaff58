/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import { randomUUID } from 'node:crypto';
import type { FileRecord, NewMessage, Store } from '../store/store.js';
import { StoreConflictError, StoreFileError } from '../store/store.js';
import { at, filePart, newConversation, newFile, newMessage, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** A message of `senderId`'s in `conversationId` showing `files` (a text part first). */
function withFiles(
  conversationId: string,
  senderId: string,
  files: readonly FileRecord[],
  overrides: Partial<NewMessage> = {},
): NewMessage {
  const parts = [{ type: 'text' as const, text: 'look' }, ...files.map(filePart)];
  return newMessage(conversationId, senderId, { content: 'look', parts, ...overrides });
}

/** `files` created in the store, in order. */
async function created(store: Store, files: FileRecord[]): Promise<FileRecord[]> {
  for (const file of files) await store.createFile(file);
  return files;
}

const byId = (a: FileRecord, b: FileRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The records: create, read, the compare-and-set update, delete, the quota sum, the sweep's list. */
function recordTests(store: Store): void {
  it('creates and reads a file as copies; a taken id conflicts', async () => {
    const input = newFile(userId(), { width: null, height: null, mediaType: 'text/plain' });
    const stored = await store.createFile(input);
    expect(stored).toEqual(input);
    stored.name = 'changed';
    input.size = 1;
    expect(await store.getFile(input.id)).toEqual({ ...stored, name: 'photo.png', size: 1000 });
    const again = (await store.getFile(input.id))!;
    again.status = 'pending';
    expect((await store.getFile(input.id))?.status).toBe('ready');
    expect(await store.getFile(randomUUID())).toBeNull();
    await expect(store.createFile(newFile(userId(), { id: input.id }))).rejects.toBeInstanceOf(
      StoreConflictError,
    );
  });

  it('updates an unattached file; with whileStatus, one of two racing completions wins', async () => {
    const owner = userId();
    const pending = await store.createFile(newFile(owner, { status: 'pending', sha256: '', width: null }));
    const complete = { status: 'ready' as const, sha256: 'cd'.repeat(32), size: 900, width: 10, height: 20 };
    const raced = await Promise.all([
      store.updateFile(pending.id, complete, ['pending']),
      store.updateFile(pending.id, { ...complete, size: 800 }, ['pending']),
    ]);
    const winners = raced.filter((result) => result !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ ...complete, size: expect.any(Number), name: pending.name });
    expect(await store.getFile(pending.id)).toEqual(winners[0]);
    expect(await store.updateFile(pending.id, { status: 'pending' }, ['pending'])).toBeNull();
    // Without whileStatus, any unattached file; only the fields the patch names change.
    const renamed = await store.updateFile(pending.id, { name: 'other.png', expiresAt: null });
    expect(renamed).toEqual({ ...winners[0], name: 'other.png', expiresAt: null });
    // A completed direct upload moves its bytes from the staging key; the sweep claims with `deleting`.
    const moved = await store.updateFile(pending.id, { storageKey: 'final/key', status: 'deleting' }, [
      'ready',
    ]);
    expect(moved).toEqual({ ...renamed, storageKey: 'final/key', status: 'deleting' });
    expect(await store.getFile(pending.id)).toEqual(moved);
    expect(await store.updateFile(pending.id, { status: 'checking' }, ['pending', 'ready'])).toBeNull();
    expect(await store.updateFile(randomUUID(), { name: 'x' })).toBeNull();
  });

  it('deletes a record once, attached or not', async () => {
    const owner = userId();
    const conversation = await store.createConversation(newConversation([owner]));
    const [loose, attached] = await created(store, [newFile(owner), newFile(owner)]);
    await store.appendMessage(withFiles(conversation.id, owner, [attached!]));
    expect(await store.deleteFile(loose!.id)).toBe(true);
    expect(await store.deleteFile(attached!.id)).toBe(true);
    expect(await store.deleteFile(attached!.id)).toBe(false);
    expect(await store.getFile(loose!.id)).toBeNull();
    expect(await store.listAttachedFiles(conversation.id)).toEqual([]);
    expect(await store.fileBytesOf(owner)).toBe(0);
  });

  it('sums an owner’s bytes: pending at their announced size, attached ones too', async () => {
    const [alice, bob] = [userId(), userId()];
    const conversation = await store.createConversation(newConversation([alice]));
    const [ready, pending] = await created(store, [
      newFile(alice, { size: 1000 }),
      newFile(alice, { size: 5000, status: 'pending' }),
      newFile(bob, { size: 7 }),
    ]);
    await store.createFile(newFile(alice, { size: 300 }));
    expect(await store.fileBytesOf(alice)).toBe(6300);
    await store.appendMessage(withFiles(conversation.id, alice, [ready!]));
    expect(await store.fileBytesOf(alice)).toBe(6300);
    // A completed direct upload counts at its real size; a deleted file counts no more.
    await store.updateFile(pending!.id, { status: 'ready', size: 4000 }, ['pending']);
    expect(await store.fileBytesOf(alice)).toBe(5300);
    await store.deleteFile(ready!.id);
    expect(await store.fileBytesOf(alice)).toBe(4300);
    expect(await store.fileBytesOf(bob)).toBe(7);
    expect(await store.fileBytesOf(userId())).toBe(0);
  });

  it('lists expired unattached files oldest first, up to the limit', async () => {
    const owner = userId();
    const conversation = await store.createConversation(newConversation([owner]));
    const [late, early, due, future, attached] = await created(store, [
      newFile(owner, { expiresAt: at(300) }),
      newFile(owner, { expiresAt: at(100) }),
      newFile(owner, { expiresAt: at(500), status: 'pending' }),
      newFile(owner, { expiresAt: at(501) }),
      newFile(owner, { expiresAt: at(200) }),
    ]);
    await store.createFile(newFile(owner, { expiresAt: null }));
    await store.appendMessage(withFiles(conversation.id, owner, [attached!], { createdAt: at(50) }));
    const ids = (files: FileRecord[]) => files.map((file) => file.id);
    // At or before `now`: the one expiring at 500 exactly is due, the attached one never.
    expect(ids(await store.listExpiredFiles(at(500), 10))).toEqual([early!.id, late!.id, due!.id]);
    expect(ids(await store.listExpiredFiles(at(500), 2))).toEqual([early!.id, late!.id]);
    expect(await store.listExpiredFiles(at(99), 10)).toEqual([]);
    expect(await store.listExpiredFiles(at(10_000), 10)).toContainEqual(future);
    expect(await store.listExpiredFiles(at(500), 0)).toEqual([]);
  });
}

/** What `appendMessage` does with the `file` parts of a message: attaches them, or refuses them all. */
function attachTests(store: Store): void {
  it('attaches a message’s files in its append: conversation, message, no expiry', async () => {
    const [alice, bob] = [userId(), userId()];
    const conversation = await store.createConversation(newConversation([alice, bob]));
    const [photo, notes] = await created(store, [newFile(alice), newFile(alice, { name: 'notes.txt' })]);
    const input = withFiles(conversation.id, alice, [photo!, notes!, photo!]);
    const { message, created: isNew } = (await store.appendMessage(input))!;
    expect(isNew).toBe(true);
    expect(message.parts).toEqual(input.parts);
    const attached = { conversationId: conversation.id, messageId: message.id, expiresAt: null };
    expect(await store.getFile(photo!.id)).toEqual({ ...photo, ...attached });
    expect(await store.getFile(notes!.id)).toEqual({ ...notes, ...attached });
    expect((await store.getConversation(conversation.id))?.lastMessage).toEqual(message);
  });

  it('refuses someone else’s, a pending, an expired and an unknown file as missing, appending nothing', async () => {
    const [alice, bob] = [userId(), userId()];
    const conversation = await store.createConversation(newConversation([alice, bob]));
    const [mine, bobs, pending, expiring] = await created(store, [
      newFile(alice),
      newFile(bob),
      newFile(alice, { status: 'pending' }),
      newFile(alice, { expiresAt: at(100) }),
    ]);
    const refused = async (files: FileRecord[], overrides: Partial<NewMessage> = {}) => {
      const sending = store.appendMessage(withFiles(conversation.id, alice, files, overrides));
      await expect(sending).rejects.toBeInstanceOf(StoreFileError);
      return sending.catch((error: StoreFileError) => ({ reason: error.reason, fileId: error.fileId }));
    };
    expect(await refused([mine!, bobs!])).toEqual({ reason: 'missing', fileId: bobs!.id });
    expect(await refused([pending!, mine!])).toEqual({ reason: 'missing', fileId: pending!.id });
    // Expired at the message's time: at its expiry exactly, too.
    expect(await refused([expiring!], { createdAt: at(100) })).toEqual({
      reason: 'missing',
      fileId: expiring!.id,
    });
    const unknown = newFile(alice);
    expect(await refused([mine!, unknown])).toEqual({ reason: 'missing', fileId: unknown.id });
    expect(await refused([{ ...unknown, id: 'not-a-uuid' }])).toEqual({
      reason: 'missing',
      fileId: 'not-a-uuid',
    });
    // Nothing of a refused message was kept: no message, no attachment.
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(0);
    expect(await store.getFile(mine!.id)).toEqual(mine);
    expect(await store.listAttachedFiles(conversation.id)).toEqual([]);
    // A moment before its expiry it may still be attached.
    const sent = await store.appendMessage(
      withFiles(conversation.id, alice, [expiring!], { createdAt: at(99) }),
    );
    expect(sent?.created).toBe(true);
  });

  it('refuses a file attached elsewhere as taken, and then attaches none of the message’s files', async () => {
    const alice = userId();
    const [one, two] = [
      await store.createConversation(newConversation([alice])),
      await store.createConversation(newConversation([alice])),
    ];
    const [shared, fresh] = await created(store, [newFile(alice), newFile(alice)]);
    const first = (await store.appendMessage(withFiles(one.id, alice, [shared!])))!;
    await expect(store.appendMessage(withFiles(two.id, alice, [fresh!, shared!]))).rejects.toMatchObject({
      reason: 'taken',
      fileId: shared!.id,
    });
    // Another message of the same conversation may not take it either.
    await expect(store.appendMessage(withFiles(one.id, alice, [shared!]))).rejects.toMatchObject({
      reason: 'taken',
    });
    expect(await store.getFile(fresh!.id)).toEqual(fresh);
    expect((await store.getFile(shared!.id))?.messageId).toBe(first.message.id);
    expect((await store.getConversation(two.id))?.messageCount).toBe(0);
    expect((await store.getConversation(one.id))?.messageCount).toBe(1);
  });
}

/** Who ends up with a file: a repeat of one send, two sends racing for it, a reply naming it. */
function claimTests(store: Store): void {
  it('answers a repeat of the same clientMessageId with the first message, files and all, without error', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const [photo] = await created(store, [newFile(alice)]);
    const input = withFiles(conversation.id, alice, [photo!], { clientMessageId: 'with-photo' });
    const first = (await store.appendMessage(input))!;
    const repeat = await store.appendMessage({ ...input, id: randomUUID() });
    expect(repeat).toEqual({ message: first.message, created: false, reply: null });
    expect((await store.getFile(photo!.id))?.messageId).toBe(first.message.id);
    expect((await store.getConversation(conversation.id))?.messageCount).toBe(1);
  });

  it('lets exactly one of two racing sends attach a file, also when they name files in another order', async () => {
    const alice = userId();
    const [one, two] = [
      await store.createConversation(newConversation([alice])),
      await store.createConversation(newConversation([alice])),
    ];
    for (let round = 0; round < 3; round++) {
      const [x, y] = await created(store, [newFile(alice), newFile(alice)]);
      const results = await Promise.allSettled([
        store.appendMessage(withFiles(one.id, alice, [x!, y!])),
        store.appendMessage(withFiles(two.id, alice, [y!, x!])),
      ]);
      const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value!] : []));
      const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toEqual([expect.objectContaining({ name: 'StoreFileError', reason: 'taken' })]);
      const winner = won[0]!.message;
      expect((await store.listAttachedFiles(winner.conversationId, winner.id)).sort(byId)).toEqual(
        [x!, y!]
          .map((file) => ({
            ...file,
            conversationId: winner.conversationId,
            messageId: winner.id,
            expiresAt: null,
          }))
          .sort(byId),
      );
    }
    const counts = [
      (await store.getConversation(one.id))!.messageCount,
      (await store.getConversation(two.id))!.messageCount,
    ];
    expect(counts[0]! + counts[1]!).toBe(3);
  });

  it('never attaches the files a reply names', async () => {
    const alice = userId();
    const conversation = await store.createConversation(newConversation([alice]));
    const [photo] = await created(store, [newFile(alice)]);
    const prompt = newMessage(conversation.id, alice);
    const reply = withFiles(conversation.id, alice, [photo!], {
      senderId: null,
      role: 'assistant',
      clientMessageId: null,
    });
    const turn = (await store.appendMessage(prompt, reply))!;
    expect(turn.reply?.parts).toEqual(reply.parts);
    expect(await store.getFile(photo!.id)).toEqual(photo);
  });
}

/** The attached files: listed per conversation and per message, closed to updates, kept by deletes. */
function attachedListTests(store: Store): void {
  it('lists attached files per conversation and per message, and refuses to update them', async () => {
    const [alice, bob] = [userId(), userId()];
    const [conversation, other] = [
      await store.createConversation(newConversation([alice, bob])),
      await store.createConversation(newConversation([alice])),
    ];
    const [a1, a2, b1, elsewhere] = await created(store, [
      newFile(alice, { createdAt: at(3) }),
      newFile(alice, { createdAt: at(1) }),
      newFile(bob, { createdAt: at(2) }),
      newFile(alice),
    ]);
    const first = (await store.appendMessage(withFiles(conversation.id, alice, [a1!, a2!])))!.message;
    const second = (await store.appendMessage(withFiles(conversation.id, bob, [b1!])))!.message;
    await store.appendMessage(withFiles(other.id, alice, [elsewhere!]));
    const ids = (files: FileRecord[]) => files.map((file) => file.id);
    // Ordered by creation: a2 (1), b1 (2), a1 (3).
    expect(ids(await store.listAttachedFiles(conversation.id))).toEqual([a2!.id, b1!.id, a1!.id]);
    expect(ids(await store.listAttachedFiles(conversation.id, first.id))).toEqual([a2!.id, a1!.id]);
    expect(ids(await store.listAttachedFiles(conversation.id, second.id))).toEqual([b1!.id]);
    expect(await store.listAttachedFiles(conversation.id, randomUUID())).toEqual([]);
    expect(await store.listAttachedFiles(randomUUID())).toEqual([]);
    expect(await store.updateFile(a1!.id, { name: 'renamed' })).toBeNull();
    expect(await store.updateFile(a1!.id, { expiresAt: at(5) }, ['ready'])).toBeNull();
    expect((await store.getFile(a1!.id))?.name).toBe(a1!.name);
    // Deleting the conversation leaves the records: the services delete the bytes, then them.
    expect(await store.deleteConversation(conversation.id)).toBe(true);
    expect(ids(await store.listAttachedFiles(conversation.id))).toEqual([a2!.id, b1!.id, a1!.id]);
  });
}

/** Uploads' records, the quota, the sweep, and attaching files to messages. */
export function describeFiles(store: Store): void {
  describe('files', () => {
    recordTests(store);
    attachTests(store);
    claimTests(store);
    attachedListTests(store);
  });
}
