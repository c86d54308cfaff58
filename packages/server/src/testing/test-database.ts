/**
 * Test support for suites that need PostgreSQL: whether to run them, and a throw-away schema
 * per test file so files run in parallel without touching each other (or anything else in the
 * database).
 *
 * `DATABASE_URL` unset → the suites are skipped with a note saying why; unless
 * `CHATWIRE_REQUIRE_SERVICES=1` (CI), where a missing database is a failure, not a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from './vitest.js';

/** `DATABASE_URL` (unset when empty). */
export const databaseUrl: string | undefined = process.env.DATABASE_URL || undefined;

/**
 * `describe`, run only when `DATABASE_URL` is set; skipped with a note otherwise, unless
 * `CHATWIRE_REQUIRE_SERVICES=1` (CI), where a missing database is a failure.
 *
 * @example
 * ```ts
 * describePostgres('my store on PostgreSQL', (connectionString) => {
 *   let schema: TestSchema;
 *   beforeAll(async () => { schema = await createTestSchema(connectionString); });
 *   afterAll(() => schema.drop());
 *   it('…', async () => {
 *     const store = createPostgresStore({ connectionString, schema: schema.name });
 *   });
 * });
 * ```
 */
export function describePostgres(name: string, suite: (connectionString: string) => void): void {
  if (databaseUrl !== undefined) {
    describe(name, () => suite(databaseUrl));
    return;
  }
  if (process.env.CHATWIRE_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error('CHATWIRE_REQUIRE_SERVICES=1 but DATABASE_URL is not set: export the database URL');
      });
    });
    return;
  }
  console.info(`Skipping "${name}": DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test).`);
  describe.skip(name, () => suite(''));
}

/** A schema of its own for one test file; `drop()` removes it and everything in it. */
export interface TestSchema {
  name: string;
  /** A pool whose connections use the schema: for test set-up and assertions. */
  admin: pg.Pool;
  drop(): Promise<void>;
}

/** Creates `chatwire_test_<random>` (empty: the store's migrations fill it). */
export async function createTestSchema(connectionString: string): Promise<TestSchema> {
  const name = `chatwire_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString, max: 2, options: `-c search_path=${name}` });
  admin.on('error', () => undefined);
  await admin.query(`CREATE SCHEMA ${name}`);
  return {
    name,
    admin,
    async drop() {
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Empties every table of the store, keeping the schema and its migration history. */
export async function truncateStoreTables(schema: TestSchema): Promise<void> {
  await schema.admin.query(
    'TRUNCATE thread_reads, users, refresh_tokens, conversations, participants, messages, files, message_mentions',
  );
}
