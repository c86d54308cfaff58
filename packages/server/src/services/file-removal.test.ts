import { describe, expect, it } from 'vitest';
import { createMemoryBroker } from '../broker/broker.js';
import type { ConversationRecord, FileRecord, Store } from '../store/store.js';
import { systemClock } from './clock.js';
import { createConversationService } from './conversations.js';
import { Unavailable } from './errors.js';
import { createFileRemoval } from './file-removal.js';

const file = (id: string, messageId: string): FileRecord => ({
  id,
  ownerId: 'ada',
  name: `${id}.png`,
  mediaType: 'image/png',
  size: 1,
  sha256: '',
  width: null,
  height: null,
  storageKey: `k/${id}`,
  status: 'ready',
  conversationId: 'c1',
  messageId,
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: null,
});

/** A store and a storage that write down what was done to them, in order. */
function recorded(files: FileRecord[], failDelete = false) {
  const log: string[] = [];
  const store = {
    async listAttachedFiles(conversationId: string, messageId?: string) {
      return files.filter(
        (f) => f.conversationId === conversationId && (!messageId || f.messageId === messageId),
      );
    },
    async listUnattachedFilesOf(ownerId: string) {
      return files.filter((f) => f.ownerId === ownerId && f.conversationId === null);
    },
    async deleteFile(id: string) {
      log.push(`record ${id}`);
      return true;
    },
  };
  const storage = {
    async delete(key: string) {
      if (failDelete) throw new Error('storage down');
      log.push(`bytes ${key}`);
    },
  };
  return { log, removal: createFileRemoval({ store, storage }) };
}

describe('file removal', () => {
  it("removes each file's bytes before its record, only the message's own", async () => {
    const { log, removal } = recorded([file('a', 'm1'), file('b', 'm2')]);
    await removal.ofMessage('c1', 'm1');
    expect(log).toEqual(['bytes k/a', 'record a']);
  });

  it('removes every file of a conversation', async () => {
    const files = Array.from({ length: 11 }, (_, i) => file(`f${i}`, `m${i % 3}`));
    const { log, removal } = recorded(files);
    await removal.ofConversation('c1');
    expect(log.filter((entry) => entry.startsWith('record')).sort()).toEqual(
      files.map((f) => `record ${f.id}`).sort(),
    );
    for (const f of files)
      expect(log.indexOf(`bytes ${f.storageKey}`)).toBeLessThan(log.indexOf(`record ${f.id}`));
  });

  it('keeps the record when the bytes cannot be deleted, and says to retry', async () => {
    const { log, removal } = recorded([file('a', 'm1')], true);
    const failure = await removal.ofMessage('c1', 'm1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Unavailable);
    expect(failure).toMatchObject({ code: 'unavailable', retryAfterSeconds: 5 });
    expect(log).toEqual([]);
  });

  it('after the conversation is deleted, a pass that fails is reported and the deletion announced', async () => {
    // The first pass finds nothing; a send that raced the delete attached `late` before the second.
    const late = file('late', 'm9');
    let deleted = false;
    const conversation = {
      id: 'c1',
      type: 'direct',
      participants: [{ userId: 'ada', role: 'member' }],
    } as unknown as ConversationRecord;
    const store = {
      getConversation: async () => (deleted ? null : conversation),
      deleteConversation: async () => {
        deleted = true;
        return true;
      },
      listAttachedFiles: async () => (deleted ? [late] : []),
      deleteFile: async () => true,
    } as unknown as Store;
    const reported: unknown[] = [];
    const removal = createFileRemoval({
      store,
      storage: {
        delete: async () => {
          throw new Error('storage down');
        },
      },
      onError: (error) => reported.push(error),
    });
    const broker = createMemoryBroker();
    const published: string[] = [];
    broker.subscribe((message) => published.push(message.event.type));
    const conversations = createConversationService({
      store,
      broker,
      clock: systemClock,
      models: { list: () => [] } as never,
      present: {} as never,
      files: removal,
    });
    await conversations.remove('ada', 'c1');
    expect(published).toEqual(['conversation.deleted']);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(Unavailable);
  });
});
