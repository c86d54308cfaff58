/**
 * The migration runner: brings a schema up to this code's version in one transaction, or checks
 * that it already is.
 *
 * Several processes may start together against one database: each takes a transaction-scoped
 * advisory lock first, so one applies the migrations while the others wait, then find nothing
 * left to do. Nothing is half-applied: a failing migration rolls the whole run back.
 */
import type { ClientBase } from 'pg';
import { embeddedMigrations } from './embedded.js';
import { type Migration, MigrationError, prepareMigrations } from './migration.js';

/** What a run found and did. */
export interface MigrationReport {
  /** Files applied by this run, in order (empty when the schema was up to date). */
  applied: string[];
  /** The schema's version after the run. */
  version: number;
}

export interface MigrationRunOptions {
  /**
   * `apply` creates the schema (when `schema` is set) and applies what is missing; `verify`
   * changes nothing and refuses a schema that is not exactly at this code's version.
   */
  mode: 'apply' | 'verify';
  /** The schema the connection's search_path points at; created by `apply` if missing. */
  schema?: string | undefined;
  /** Defaults to the migrations shipped with this package; tests pass edited copies. */
  migrations?: readonly Migration[];
}

interface AppliedRow {
  version: number;
  file: string;
  checksum: string;
}

/**
 * Runs on `client`, which must not be inside a transaction. The caller owns the client.
 *
 * @throws MigrationError when the schema was edited, is newer than this code, or (in `verify`
 * mode) is behind it.
 */
export async function runMigrations(
  client: ClientBase,
  options: MigrationRunOptions,
): Promise<MigrationReport> {
  const migrations = options.migrations ?? prepareMigrations(embeddedMigrations);
  await client.query(options.mode === 'apply' ? 'BEGIN' : 'BEGIN READ ONLY');
  try {
    const report =
      options.mode === 'apply'
        ? await applyPending(client, migrations, options.schema)
        : await verifyApplied(client, migrations);
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function applyPending(
  client: ClientBase,
  migrations: readonly Migration[],
  schema: string | undefined,
): Promise<MigrationReport> {
  // Waiting for another runner's lock, or a long migration, must not trip the per-statement
  // timeout meant for requests.
  await client.query('SET LOCAL statement_timeout = 0');
  // One lock per search_path: runners on different schemas (parallel test files) do not wait
  // for each other.
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('chatwire.migrations:' || current_setting('search_path'), 0))`,
  );
  if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    file text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied = await selectApplied(client);
  compare(applied, migrations);
  const pending = migrations.filter((migration) => migration.version > applied.length);
  for (const migration of pending) {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, file, checksum) VALUES ($1, $2, $3)', [
      migration.version,
      migration.file,
      migration.checksum,
    ]);
  }
  return { applied: pending.map((migration) => migration.file), version: migrations.length };
}

async function verifyApplied(client: ClientBase, migrations: readonly Migration[]): Promise<MigrationReport> {
  const exists = await client.query<{ found: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS found`,
  );
  const applied = exists.rows[0]?.found ? await selectApplied(client) : [];
  compare(applied, migrations);
  const pending = migrations.slice(applied.length);
  if (pending.length > 0) {
    throw new MigrationError(
      'pending',
      `The database lacks ${pending.length} migration(s), from ${pending[0]!.file}, and migrations are ` +
        `off (CHATWIRE_MIGRATE=off): run \`chatwire-server migrate\`, or start with CHATWIRE_MIGRATE=auto.`,
    );
  }
  return { applied: [], version: applied.length };
}

async function selectApplied(client: ClientBase): Promise<AppliedRow[]> {
  const result = await client.query<AppliedRow>(
    'SELECT version, file, checksum FROM schema_migrations ORDER BY version',
  );
  return result.rows;
}

/** Refuses a schema whose history is not a prefix of `migrations`. */
function compare(applied: readonly AppliedRow[], migrations: readonly Migration[]): void {
  const latest = migrations.at(-1)?.file ?? 'none';
  for (const [index, row] of applied.entries()) {
    const known = migrations[index];
    if (row.version !== index + 1 || known === undefined) {
      throw new MigrationError(
        'newer',
        `The database has migration ${row.file} (version ${row.version}), which this chatwire-server ` +
          `does not know (its latest is ${latest}): a newer version ran on this database. Upgrade ` +
          `chatwire-server, or point it at another database.`,
      );
    }
    if (row.checksum !== known.checksum || row.file !== known.file) {
      throw new MigrationError(
        'edited',
        `Migration ${known.file} differs from the ${row.file} this database applied (checksum ` +
          `${row.checksum.slice(0, 12)}… applied, ${known.checksum.slice(0, 12)}… now): applied ` +
          `migrations must not change. Restore the file as released and put the change in a new migration.`,
      );
    }
  }
}

/** Quotes a schema name for SQL; callers have validated it already. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
