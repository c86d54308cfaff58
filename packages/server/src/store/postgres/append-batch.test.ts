/**
 * Group commit on PostgreSQL (append-queue.ts, append-batch.ts), against a real database: appends
 * to one conversation made while one of its transactions is in flight share the next transaction,
 * and each ends as it would have alone. That they shared a transaction is read from the rows'
 * `xmin` (the id of the transaction that inserted them), not from timing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFixtures } from '../../testing/describe-store.js';
import { startTcpProxy } from '../../testing/tcp-proxy.js';
import { createTestSchema, describePostgres, type TestSchema } from '../../testing/test-database.js';
import {
  type AppendResult,
  type NewMessage,
  type Store,
  StoreConflictError,
  StoreFileError,
  StoreParentError,
} from '../store.js';
import { createPostgresStore, type PostgresStoreOptions } from './postgres-store.js';

const { at, filePart, newConversation, newFile, newMessage } = storeFixtures;

describePostgres('PostgreSQL group commit', (connectionString) => {
  let schema: TestSchema;
  const opened: Store[] = [];
  beforeAll(async () => {
    schema = await createTestSchema(connectionString);
  });
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
    await schema?.drop();
  });

  const openStore = async (options: Partial<PostgresStoreOptions> = {}): Promise<Store> => {
    const store = createPostgresStore({ connectionString, schema: schema.name, poolMax: 4, ...options });
    opened.push(store);
    await store.init();
    return store;
  };

  /** How many transactions inserted the conversation's messages. */
  const transactionsOf = async (conversationId: string): Promise<number> => {
    const result = await schema.admin.query<{ transactions: number }>(
      'SELECT count(DISTINCT xmin::text)::integer AS transactions FROM messages WHERE conversation_id = $1',
      [conversationId],
    );
    return result.rows[0]!.transactions;
  };

  const seqsOf = (results: readonly (AppendResult | null)[]) => results.map((result) => result!.message.seq);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  describe('sharing', () => {
    it('puts appends that arrive during a transaction into the next one, seqs in arrival order', async () => {
      const store = await openStore();
      const [alice, bob] = [randomUUID(), randomUUID()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      const sent = range(1, 20).map((n) =>
        newMessage(conversation.id, n % 2 ? alice : bob, { content: `m${n}`, createdAt: at(10 + n) }),
      );
      const first = store.appendMessage(sent[0]!);
      // The first one's transaction is under way (a round trip to PostgreSQL takes longer).
      await new Promise((resolve) => setImmediate(resolve));
      const results = [first, ...sent.slice(1).map((message) => store.appendMessage(message))];
      const answered = await Promise.all(results);

      expect(seqsOf(answered)).toEqual(range(1, 20));
      expect(answered.map((result) => result!.message.content)).toEqual(sent.map((m) => m.content));
      expect(answered.every((result) => result!.created && result!.reply === null)).toBe(true);
      // The first alone (nothing was in flight), the 19 that arrived meanwhile together.
      expect(await transactionsOf(conversation.id)).toBe(2);
      const stored = await store.listMessages(conversation.id, { limit: 50 });
      expect(stored).toEqual(answered.map((result) => result!.message));
      const after = await store.getConversation(conversation.id);
      expect(after?.messageCount).toBe(20);
      expect(after?.lastMessage?.id).toBe(sent[19]!.id);
      expect(after?.lastActivityAt).toBe(at(30));
      const readCounts = Object.fromEntries(after!.participants.map((p) => [p.userId, p.readCount]));
      expect(readCounts).toEqual({ [alice]: 19, [bob]: 20 });
    });

    it('writes appends submitted together in one transaction', async () => {
      const store = await openStore();
      const alice = randomUUID();
      const conversation = await store.createConversation(newConversation([alice]));
      const results = await Promise.all(
        range(1, 12).map(() => store.appendMessage(newMessage(conversation.id, alice))),
      );
      expect(seqsOf(results)).toEqual(range(1, 12));
      expect(await transactionsOf(conversation.id)).toBe(1);
    });

    it('caps a batch at appendBatchMax', async () => {
      const store = await openStore({ appendBatchMax: 4 });
      const alice = randomUUID();
      const conversation = await store.createConversation(newConversation([alice]));
      const results = await Promise.all(
        range(1, 9).map(() => store.appendMessage(newMessage(conversation.id, alice))),
      );
      expect(seqsOf(results)).toEqual(range(1, 9));
      expect(await transactionsOf(conversation.id)).toBe(3); // 4, 4, then 1
    });

    it('gives every append a transaction of its own with appendBatchMax 1', async () => {
      const store = await openStore({ appendBatchMax: 1 });
      const alice = randomUUID();
      const conversation = await store.createConversation(newConversation([alice]));
      const results = await Promise.all(
        range(1, 6).map(() => store.appendMessage(newMessage(conversation.id, alice))),
      );
      expect(seqsOf(results).sort((a, b) => a - b)).toEqual(range(1, 6));
      expect(await transactionsOf(conversation.id)).toBe(6);
    });

    it('refuses an appendBatchMax below 1', () => {
      expect(() => createPostgresStore({ connectionString, appendBatchMax: 0 })).toThrow(RangeError);
    });

    it('batches each conversation apart: one unknown conversation answers null alone', async () => {
      const store = await openStore();
      const alice = randomUUID();
      const [one, two] = [
        await store.createConversation(newConversation([alice])),
        await store.createConversation(newConversation([alice])),
      ];
      const missing = randomUUID();
      const results = await Promise.all(
        [one.id, two.id, missing, one.id, two.id, missing].map((id) =>
          store.appendMessage(newMessage(id, alice)),
        ),
      );
      expect(results.map((result) => result?.message.seq ?? null)).toEqual([1, 1, null, 2, 2, null]);
    });

    it('indexes the mentions of every message of a batch', async () => {
      const store = await openStore();
      const [alice, bob] = [randomUUID(), randomUUID()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      const results = await Promise.all(
        range(1, 5).map((n) =>
          store.appendMessage(newMessage(conversation.id, alice, { mentions: n % 2 ? [bob, alice] : [] })),
        ),
      );
      const mentioning = await store.listMentioning(conversation.id, bob, { limit: 10 });
      expect(mentioning.map((message) => message.seq)).toEqual([1, 3, 5]);
      expect(await store.listMentioning(conversation.id, alice, { limit: 10 })).toEqual([]);
      expect(seqsOf(results)).toEqual(range(1, 5));
    });
  });

  describe('idempotency inside a batch', () => {
    it('answers the second of two sends with one client id as a repeat of the first', async () => {
      const store = await openStore();
      const alice = randomUUID();
      const conversation = await store.createConversation(newConversation([alice]));
      const first = newMessage(conversation.id, alice, { clientMessageId: 'same' });
      const retry = { ...first, id: randomUUID() };
      const [lead, original, other, repeat] = await Promise.all([
        store.appendMessage(newMessage(conversation.id, alice)),
        store.appendMessage(first),
        store.appendMessage(newMessage(conversation.id, alice)),
        store.appendMessage(retry),
      ]);
      expect(seqsOf([lead, original, other])).toEqual([1, 2, 3]);
      expect(original?.created).toBe(true);
      expect(repeat).toEqual({ message: original?.message, created: false, reply: null });
      expect((await store.getConversation(conversation.id))?.messageCount).toBe(3);
    });

    it('answers a repeat of a message stored before the batch, and its reply, without a seq gap', async () => {
      const store = await openStore();
      const alice = randomUUID();
      const conversation = await store.createConversation(newConversation([alice]));
      const prompt = newMessage(conversation.id, alice, { clientMessageId: 'asked' });
      const answer = newMessage(conversation.id, null, { promptId: prompt.id });
      const stored = await store.appendMessage(prompt, answer);
      const [lead, repeat, after] = await Promise.all([
        store.appendMessage(newMessage(conversation.id, alice)),
        store.appendMessage({ ...prompt, id: randomUUID() }),
        store.appendMessage(newMessage(conversation.id, alice)),
      ]);
      expect(repeat).toEqual({ message: stored?.message, created: false, reply: stored?.reply });
      expect(seqsOf([lead, after])).toEqual([3, 4]);
      expect((await store.getConversation(conversation.id))?.messageCount).toBe(4);
    });
  });

  describe('a failing member', () => {
    it('fails alone: an unknown parent and a taken file reject, their batch-mates are stored', async () => {
      const store = await openStore();
      const alice = randomUUID();
      const conversation = await store.createConversation(newConversation([alice]));
      const elsewhere = await store.createConversation(newConversation([alice]));
      const file = await store.createFile(newFile(alice));
      const withFile = (conversationId: string): NewMessage =>
        newMessage(conversationId, alice, { parts: [{ type: 'text', text: 'look' }, filePart(file)] });
      await store.appendMessage(withFile(elsewhere.id)); // the file is attached there now

      const settled = await Promise.allSettled([
        store.appendMessage(newMessage(conversation.id, alice)),
        store.appendMessage(newMessage(conversation.id, alice)),
        store.appendMessage(newMessage(conversation.id, alice, { parentId: randomUUID() })),
        store.appendMessage(withFile(conversation.id)),
        store.appendMessage(newMessage(conversation.id, alice)),
      ]);
      expect(settled.map((result) => result.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'rejected',
        'fulfilled',
      ]);
      expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(StoreParentError);
      expect((settled[3] as PromiseRejectedResult).reason).toBeInstanceOf(StoreFileError);
      const stored = settled.flatMap((result) =>
        result.status === 'fulfilled' ? [result.value!.message] : [],
      );
      expect(stored.map((message) => message.seq)).toEqual([1, 2, 3]);
      expect(await store.listMessages(conversation.id, { limit: 10 })).toEqual(stored);
    });

    it('fails alone in a batch of plain messages: a taken message id is a conflict for that one only', async () => {
      const store = await openStore();
      const alice = randomUUID();
      const conversation = await store.createConversation(newConversation([alice]));
      const taken = await store.appendMessage(newMessage(conversation.id, alice));
      const settled = await Promise.allSettled([
        store.appendMessage(newMessage(conversation.id, alice)),
        store.appendMessage(newMessage(conversation.id, alice)),
        store.appendMessage(newMessage(conversation.id, alice, { id: taken!.message.id })),
        store.appendMessage(newMessage(conversation.id, alice)),
      ]);
      expect(settled.map((result) => result.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflictError);
      const seqs = settled.flatMap((result) =>
        result.status === 'fulfilled' ? [result.value!.message.seq] : [],
      );
      expect(seqs).toEqual([2, 3, 4]);
    });

    it('appends thread replies and assistant replies in a batch at the seqs they would have had alone', async () => {
      const store = await openStore();
      const alice = randomUUID();
      const conversation = await store.createConversation(newConversation([alice]));
      const parent = await store.appendMessage(newMessage(conversation.id, alice));
      const prompt = newMessage(conversation.id, alice);
      const [lead, reply, asked, last] = await Promise.all([
        store.appendMessage(newMessage(conversation.id, alice)),
        store.appendMessage(newMessage(conversation.id, alice, { parentId: parent!.message.id })),
        store.appendMessage(prompt, newMessage(conversation.id, null, { promptId: prompt.id })),
        store.appendMessage(newMessage(conversation.id, alice)),
      ]);
      expect(seqsOf([lead, reply, asked])).toEqual([2, 3, 4]);
      expect(asked?.reply?.seq).toBe(5);
      expect(last?.message.seq).toBe(6);
      const threaded = await store.getMessage(conversation.id, parent!.message.id);
      expect(threaded?.thread?.replyCount).toBe(1);
    });
  });

  describe('across processes and crashes', () => {
    it('keeps seqs consecutive when two stores (two processes) batch into one conversation', async () => {
      const [here, there] = [await openStore(), await openStore()];
      const alice = randomUUID();
      const conversation = await here.createConversation(newConversation([alice]));
      const shared = newMessage(conversation.id, alice, { clientMessageId: 'both' });
      const sends = range(1, 40).map((n) => {
        const store = n % 2 ? here : there;
        if (n === 20 || n === 21) return store.appendMessage({ ...shared, id: randomUUID() });
        return store.appendMessage(newMessage(conversation.id, alice));
      });
      const results = await Promise.all(sends);
      const created = results.filter((result) => result!.created);
      expect(created).toHaveLength(39);
      expect(seqsOf(created).sort((a, b) => a - b)).toEqual(range(1, 39));
      const both = [results[19]!, results[20]!];
      expect(both.map((result) => result.created).sort()).toEqual([false, true]);
      expect(both[0]!.message).toEqual(both[1]!.message);
    });

    it('loses nothing it acknowledged when the connection dies mid-batch', async () => {
      const url = new URL(connectionString);
      const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
      try {
        const store = await openStore({ connectionString: proxy.urlFor(connectionString) });
        const alice = randomUUID();
        const conversation = await store.createConversation(newConversation([alice]));
        let acknowledged = 0;
        const sent = range(1, 300).map(() => newMessage(conversation.id, alice));
        const settled = await Promise.allSettled(
          sent.map((message) =>
            store.appendMessage(message).then((result) => {
              acknowledged += 1;
              if (acknowledged === 70) proxy.cut();
              return result;
            }),
          ),
        );
        const acked = settled.flatMap((result) =>
          result.status === 'fulfilled' ? [result.value!.message] : [],
        );
        expect(acked.length).toBeGreaterThanOrEqual(70);
        expect(acked.length).toBeLessThan(300);

        const direct = await openStore();
        const stored = await direct.listMessages(conversation.id, { limit: 1000 });
        const byId = new Map(stored.map((message) => [message.id, message]));
        for (const message of acked) expect(byId.get(message.id)).toEqual(message);
        // What the cut left is whole: consecutive seqs, the count at the last one.
        expect(stored.map((message) => message.seq)).toEqual(range(1, stored.length));
        expect((await direct.getConversation(conversation.id))?.messageCount).toBe(stored.length);
      } finally {
        await proxy.close();
      }
    });
  });
});
