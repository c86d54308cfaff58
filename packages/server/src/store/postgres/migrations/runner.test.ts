import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestSchema, describePostgres, type TestSchema } from '../../../testing/test-database.js';
import { createPostgresStore } from '../postgres-store.js';
import { embeddedMigrations } from './embedded.js';

/** The version the code migrates to, and file names for migrations after it. */
const latest = embeddedMigrations.length;
const numbered = (version: number, name: string) => `${String(version).padStart(4, '0')}_${name}.sql`;
const future = numbered(latest + 1, 'future');

import { migrateDatabase } from './migrate-database.js';
import { MigrationError, prepareMigrations } from './migration.js';
import { runMigrations } from './runner.js';

describePostgres('migration runner', (connectionString) => {
  const schemas: TestSchema[] = [];
  /** A fresh, empty schema of this test's own, dropped after the file. */
  const freshSchema = async () => {
    const schema = await createTestSchema(connectionString);
    schemas.push(schema);
    return schema;
  };
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await Promise.all(schemas.map((schema) => schema.drop()));
  });

  it('lets two runners start together: one applies, the other waits and finds nothing to do', async () => {
    const { name } = await freshSchema();
    await client.query(`DROP SCHEMA ${name}`); // the runners must create it
    const reports = await Promise.all([
      migrateDatabase({ connectionString, schema: name }),
      migrateDatabase({ connectionString, schema: name }),
    ]);
    expect(reports.map((report) => report.applied.length).sort()).toEqual([0, embeddedMigrations.length]);
    expect(reports.map((report) => report.version)).toEqual([latest, latest]);
    expect(await migrateDatabase({ connectionString, schema: name })).toEqual({
      applied: [],
      version: latest,
    });
  });

  it('refuses a migration edited after it was applied, naming the file', async () => {
    const schema = await freshSchema();
    await migrateDatabase({ connectionString, schema: schema.name });
    const edited = prepareMigrations(
      embeddedMigrations.map((source) => ({ ...source, sql: `${source.sql}\n-- an afterthought\n` })),
    );
    const failure = await withSchemaClient(schema.name, (db) =>
      runMigrations(db, { mode: 'apply', schema: schema.name, migrations: edited }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect(failure).toMatchObject({ code: 'edited', message: expect.stringContaining('0001_initial.sql') });
    expect((failure as Error).message).toMatch(/new migration/);
  });

  it('refuses a database newer than the code, and start-up of a store on it', async () => {
    const schema = await freshSchema();
    await migrateDatabase({ connectionString, schema: schema.name });
    await schema.admin.query(`INSERT INTO schema_migrations (version, file, checksum) VALUES ($1, $2, 'x')`, [
      latest + 1,
      future,
    ]);
    const store = createPostgresStore({ connectionString, schema: schema.name });
    const failure = await store.init().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect(failure).toMatchObject({ code: 'newer', message: expect.stringContaining(future) });
    expect(await store.ping()).toBe(false); // not half-started
    await store.close();
  });

  it('with migrate off, refuses a schema that is behind and accepts one that is current', async () => {
    const schema = await freshSchema();
    const off = () => createPostgresStore({ connectionString, schema: schema.name, migrate: 'off' });
    const behind = off();
    await expect(behind.init()).rejects.toMatchObject({
      code: 'pending',
      message: /chatwire-server migrate/,
    });
    await behind.close();
    const tables = await schema.admin.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = $1`,
      [schema.name],
    );
    expect(tables.rowCount).toBe(0); // `off` changed nothing

    await migrateDatabase({ connectionString, schema: schema.name });
    const current = off();
    await current.init();
    expect(await current.ping()).toBe(true);
    await current.close();
  });

  it('rolls a failing migration back whole', async () => {
    const schema = await freshSchema();
    const broken = prepareMigrations([
      ...embeddedMigrations,
      {
        file: numbered(latest + 1, 'broken'),
        sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();',
      },
    ]);
    await expect(
      withSchemaClient(schema.name, (db) =>
        runMigrations(db, { mode: 'apply', schema: schema.name, migrations: broken }),
      ),
    ).rejects.toThrow(/no_such_function/);
    const tables = await schema.admin.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = $1`,
      [schema.name],
    );
    expect(tables.rowCount).toBe(0);
  });

  it('0005 makes each message stored before parts one text part (none when it said nothing)', async () => {
    const schema = await freshSchema();
    const before = prepareMigrations(embeddedMigrations.filter((m) => m.file < '0005'));
    const conversation = randomUUID();
    const [said, silent] = [randomUUID(), randomUUID()];
    const text = 'Hello — “quoted” \\ "text" 🙂\n\n- item';
    await withSchemaClient(schema.name, async (db) => {
      await runMigrations(db, { mode: 'apply', schema: schema.name, migrations: before });
      await db.query(
        `INSERT INTO conversations (id, type, created_at, updated_at, message_count, last_message_id, last_activity_at)
         VALUES ($1, 'assistant', now(), now(), 2, $2, now())`,
        [conversation, said],
      );
      await db.query(
        `INSERT INTO messages (conversation_id, id, conv_seq, sender_id, role, content, status, created_at)
         VALUES ($1, $2, 1, NULL, 'assistant', $4, 'complete', now()),
                ($1, $3, 2, NULL, 'assistant', '', 'error', now())`,
        [conversation, said, silent, text],
      );
    });
    const store = createPostgresStore({ connectionString, schema: schema.name });
    await store.init(); // applies 0005
    try {
      expect(await store.getMessage(conversation, said)).toMatchObject({
        content: text,
        parts: [{ type: 'text', text }],
        clientTools: null,
      });
      expect(await store.getMessage(conversation, silent)).toMatchObject({ parts: [], clientTools: null });
      expect((await store.getConversation(conversation))?.lastMessage?.parts).toEqual([
        { type: 'text', text },
      ]);
    } finally {
      await store.close();
    }
  });

  async function withSchemaClient<T>(schema: string, work: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  }
});
