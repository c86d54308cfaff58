/**
 * Migrating a database on its own connection, outside any store: what `chatwire-server migrate`
 * runs before rolling out processes started with `CHATWIRE_MIGRATE=off`.
 */
import pg from 'pg';
import { StoreUnavailableError } from '../../store.js';
import { isUnavailable } from '../errors.js';
import { assertSchemaName } from '../pool.js';
import { type MigrationReport, runMigrations } from './runner.js';

export interface MigrateDatabaseOptions {
  connectionString: string;
  /** As in `PostgresStoreOptions.schema`. */
  schema?: string;
  /** Default 5,000 ms. */
  connectTimeoutMs?: number;
}

/**
 * Applies the pending migrations and reports which.
 *
 * @throws MigrationError when the schema was edited or is newer than this code;
 * StoreUnavailableError when the database cannot be reached.
 * @example
 * ```ts
 * const { applied } = await migrateDatabase({ connectionString: process.env.DATABASE_URL! });
 * console.log(applied.length ? `applied ${applied.join(', ')}` : 'up to date');
 * ```
 */
export async function migrateDatabase(options: MigrateDatabaseOptions): Promise<MigrationReport> {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  const client = new pg.Client({
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    application_name: 'chatwire-server migrate',
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // A connection error after connect() would otherwise be an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await runMigrations(client, { mode: 'apply', schema: options.schema });
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    throw new StoreUnavailableError(`Cannot migrate PostgreSQL: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
