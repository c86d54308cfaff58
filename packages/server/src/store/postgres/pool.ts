/**
 * The connection pool and the one way the store runs a transaction on it.
 */
import pg, { type PoolClient, type QueryResult, type QueryResultRow } from 'pg';

/** Anything that runs a parameterised query: the pool, or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

export interface PoolSettings {
  connectionString: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /** Sets the search_path of every connection; absent, the connection string or PGOPTIONS decide. */
  schema: string | undefined;
  onPoolError: (error: Error) => void;
}

/** Schema names the store accepts: plain lower-case identifiers, no quoting surprises. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** @throws RangeError when `schema` is not a plain lower-case identifier. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(
      `PostgreSQL schema ${JSON.stringify(schema)} must be a lower-case identifier (letters, digits, _)`,
    );
  }
}

export function createPool(settings: PoolSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    // Server side: a runaway statement is cancelled and its connection stays usable.
    statement_timeout: settings.statementTimeoutMs,
    // Client side, a little later: a connection whose server vanished without closing the
    // socket (a cut network) would otherwise hold the request forever.
    query_timeout: settings.statementTimeoutMs + 2_000,
    keepAlive: true,
    application_name: 'chatwire-server',
    ...(settings.schema === undefined ? {} : { options: `-c search_path=${settings.schema}` }),
  });
  // An idle client whose connection dies (server restart, network cut) emits `error` on the
  // pool; unhandled, that would crash the process. The pool drops the client and the next
  // query connects afresh.
  pool.on('error', settings.onPoolError);
  return pool;
}

/**
 * Runs `work` in one transaction on one client: COMMIT when it resolves, ROLLBACK when it throws.
 * A client that failed is destroyed rather than returned to the pool, in case its connection
 * is the problem.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // The pool listens for errors of idle clients only: a checked-out one whose connection drops
  // between two queries would emit an unheard `error` and crash the process. The query in flight
  // (or the next) rejects with it anyway.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  const release = (error?: Error | boolean): void => {
    client.off('error', ignore);
    client.release(error);
  };
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    release();
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
      release();
    } catch (rollbackError) {
      release(rollbackError instanceof Error ? rollbackError : true);
    }
    throw error;
  }
}
