import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStore, storeFixtures } from '../../testing/describe-store.js';
import {
  createTestSchema,
  describePostgres,
  type TestSchema,
  truncateStoreTables,
} from '../../testing/test-database.js';
import { type Store, StoreUnavailableError } from '../store.js';
import { createPostgresStore } from './postgres-store.js';

const { at, newConversation, newMessage, newUser, participant } = storeFixtures;

describePostgres('PostgreSQL store', (connectionString) => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema(connectionString);
  });
  afterAll(async () => {
    await schema?.drop();
  });

  const makeStore = async (): Promise<Store> => {
    const store = createPostgresStore({ connectionString, schema: schema.name, poolMax: 5 });
    await store.init();
    await truncateStoreTables(schema);
    return store;
  };

  describeStore('postgres', makeStore);

  describe('details of the PostgreSQL store', () => {
    it('treats a null sender as one sender: an assistant reply is idempotent on its client id', async () => {
      const store = await makeStore();
      try {
        const conversation = await store.createConversation(newConversation([randomUUID()]));
        const first = await store.appendMessage(
          newMessage(conversation.id, null, { clientMessageId: 'reply' }),
        );
        const again = await store.appendMessage(
          newMessage(conversation.id, null, { clientMessageId: 'reply' }),
        );
        expect(again).toEqual({ message: first?.message, created: false, reply: null });
      } finally {
        await store.close();
      }
    });

    it('answers "not found" for ids that are not UUIDs instead of failing', async () => {
      const store = await makeStore();
      try {
        expect(await store.getUser('nope')).toBeNull();
        expect(await store.getUsers(['nope'])).toEqual([]);
        expect(await store.getConversation('nope')).toBeNull();
        expect(await store.getMembership('nope', 'nope')).toBeNull();
        expect(await store.getMessage('nope', 'nope')).toBeNull();
        expect(await store.listMessages('nope', { limit: 5 })).toEqual([]);
        expect(await store.appendMessage(newMessage('nope', randomUUID()))).toBeNull();
        expect(await store.markRead('nope', 'nope', 'nope')).toBeNull();
        expect(await store.deleteConversation('nope')).toBe(false);
        expect(await store.listConversationsForUser('nope', 5)).toEqual([]);
        expect(await store.getFile('nope')).toBeNull();
        expect(await store.updateFile('nope', { name: 'x' })).toBeNull();
        expect(await store.deleteFile('nope')).toBe(false);
        expect(await store.fileBytesOf('nope')).toBe(0);
        expect(await store.listAttachedFiles('nope')).toEqual([]);
        expect(await store.listAttachedFiles(randomUUID(), 'nope')).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('orders search by code point, as a keyset cursor compares', async () => {
      const store = await makeStore();
      try {
        for (const displayName of ['Émile', 'zoe', 'Zack', 'éa'])
          await store.createUser(newUser({ displayName }));
        const names = (await store.searchUsers('', 10)).map((user) => user.displayName.toLowerCase());
        expect(names).toEqual([...names].sort());
        expect(names).toEqual(['zack', 'zoe', 'éa', 'émile']);
      } finally {
        await store.close();
      }
    });

    it('sees membership changes made by another process at once, without any message between them', async () => {
      const here = await makeStore();
      const there = await makeStore();
      try {
        const [owner, guest, late] = [randomUUID(), randomUUID(), randomUUID()];
        const conversation = await here.createConversation(newConversation([owner, guest]));
        // Cached here, then changed there.
        expect((await here.getMembership(conversation.id, guest))?.participantIds).toEqual([owner, guest]);
        await there.removeParticipant(conversation.id, guest, at(5));
        expect(await here.getMembership(conversation.id, guest)).toBeNull();
        await there.addParticipants(conversation.id, [participant(late)], at(6));
        const after = await here.getMembership(conversation.id, owner);
        expect(after?.participantIds).toEqual([owner, late]);
        await there.deleteConversation(conversation.id);
        expect(await here.getMembership(conversation.id, owner)).toBeNull();
      } finally {
        await Promise.all([here.close(), there.close()]);
      }
    });

    it('keeps participant ids by version: it reads them again only when the version moves', async () => {
      const store = await makeStore();
      try {
        const [owner, sneaked, added] = [randomUUID(), randomUUID(), randomUUID()];
        const conversation = await store.createConversation(newConversation([owner]));
        expect((await store.getMembership(conversation.id, owner))?.participantIds).toEqual([owner]);
        // A row written behind the store's back, version untouched: the cached list stands.
        await schema.admin.query(
          `INSERT INTO participants (conversation_id, user_id, position, role, joined_at, read_count)
           VALUES ($1, $2, 100, 'member', now(), 0)`,
          [conversation.id, sneaked],
        );
        expect((await store.getMembership(conversation.id, owner))?.participantIds).toEqual([owner]);
        // The sneaked-in row answers for itself (the check reads its own row), with the cached list.
        expect((await store.getMembership(conversation.id, sneaked))?.participantIds).toEqual([owner]);
        await store.addParticipants(conversation.id, [participant(added)], at(5));
        expect((await store.getMembership(conversation.id, owner))?.participantIds).toEqual([
          owner,
          sneaked,
          added,
        ]);
      } finally {
        await store.close();
      }
    });

    it('keeps the schema it was given: tables land there, nowhere else', async () => {
      const store = await makeStore();
      await store.close();
      const tables = await schema.admin.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema.name],
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual([
        'conversations',
        'files',
        'message_mentions',
        'messages',
        'participants',
        'refresh_tokens',
        'schema_migrations',
        'thread_reads',
        'users',
      ]);
    });
  });
});

describe('PostgreSQL store without a database', () => {
  it('fails init() with StoreUnavailableError, naming the target but not the password', async () => {
    const store = createPostgresStore({
      connectionString: 'postgres://chatwire:secret@127.0.0.1:1/nowhere',
      connectTimeoutMs: 1_000,
    });
    const failure = await store.init().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toContain('127.0.0.1:1/nowhere');
    expect((failure as Error).message).not.toContain('secret');
    expect(await store.ping()).toBe(false);
    await store.close();
  });

  it('refuses a schema name that would need quoting', () => {
    expect(() => createPostgresStore({ connectionString: 'postgres://x', schema: 'Bad-Name' })).toThrow(
      /lower-case identifier/,
    );
  });
});
