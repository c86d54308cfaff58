/**
 * The PostgreSQL store: the `Store` interface over a node-postgres pool, for deployments where
 * several server processes share one database. Each operation lives in the module of its
 * aggregate; this file owns the pool's lifecycle, migrations at start-up and error mapping.
 */
import type pg from 'pg';
import type { Store } from '../store.js';
import { StoreUnavailableError } from '../store.js';
import { createAppendQueue } from './append-queue.js';
import { selectConversation } from './conversation-select.js';
import {
  createConversation,
  deleteConversation,
  findOrCreateDirectConversation,
  listConversationsForUser,
  updateConversation,
} from './conversations.js';
import { isUnavailable, toStoreError } from './errors.js';
import {
  deleteFile,
  fileBytesOf,
  insertFile,
  listAttachedFiles,
  listExpiredFiles,
  listUnattachedFilesOf,
  selectFile,
  updateFile,
} from './files.js';
import { createMembershipReader } from './membership.js';
import { listMentioning } from './mentions.js';
import { listMessages, modifyMessage, selectMessage, updateDeleting, updateMessage } from './messages.js';
import { runMigrations } from './migrations/runner.js';
import { addParticipants, markRead, removeParticipant, setRoles } from './participants.js';
import { listPinnedMessages, setPin } from './pins.js';
import { assertSchemaName, createPool } from './pool.js';
import {
  revokeRefreshTokenFamily,
  revokeRefreshTokensOf,
  rotateRefreshToken,
  saveRefreshToken,
} from './refresh-tokens.js';
import { searchMessages } from './search.js';
import { listReplies, listThreadsOf, markThreadRead } from './threads.js';
import {
  insertUser,
  listContactIds,
  searchUsers,
  selectUser,
  selectUserByEmailKey,
  selectUsers,
  updateUser,
} from './users.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; the usual `PG*` variables fill the gaps. */
  connectionString: string;
  /** Connections in the pool. Default 10. */
  poolMax?: number;
  /** How long to wait for a connection (new or from the pool) before failing. Default 5,000 ms. */
  connectTimeoutMs?: number;
  /** Server-side limit per statement; the migration run is exempt. Default 10,000 ms. */
  statementTimeoutMs?: number;
  /**
   * The schema holding chatwire's tables: every connection's search_path, created by the
   * migrations if missing. A lower-case identifier. Default: the connection's own search_path
   * (`public`, or whatever PGOPTIONS sets).
   */
  schema?: string;
  /**
   * `auto` (default) applies pending migrations in `init()`; `off` only checks that the schema
   * is exactly at this version (for deployments that run `chatwire-server migrate` themselves).
   * Either way an edited migration or a newer database stops `init()` with a `MigrationError`.
   */
  migrate?: 'auto' | 'off';
  /**
   * Told about errors of idle pooled connections (the server restarted, the network dropped):
   * the pool discards such a connection and the next query opens a new one. Default: ignored.
   */
  onPoolError?: (error: Error) => void;
  /**
   * How many conversations' participant ids `getMembership` keeps in memory (see
   * `membership.ts`). Default 10,000.
   */
  membershipCacheSize?: number;
  /**
   * Group commit: appends to one conversation that arrive while an append transaction of it is in
   * flight share the next transaction, at most this many (see `append-queue.ts`). `1` gives every
   * append a transaction of its own. Default 64.
   */
  appendBatchMax?: number;
}

/**
 * Creates a PostgreSQL-backed `Store`. Nothing connects until `init()`, which also migrates.
 *
 * Failures to reach or use the database reject with `StoreUnavailableError` (→ `503`); a resolved
 * promise means the transaction committed (keep `synchronous_commit` on for that to mean durable).
 *
 * @example
 * ```ts
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL!, schema: 'chatwire' });
 * await store.init(); // applies pending migrations
 * const app = await buildApp({ store });
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): Store {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  const settings = {
    connectionString: options.connectionString,
    poolMax: options.poolMax ?? 10,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
    schema: options.schema,
    onPoolError: options.onPoolError ?? (() => undefined),
  };
  let current: pg.Pool | null = null;
  const memberships = createMembershipReader(options.membershipCacheSize);
  const appends = createAppendQueue(appendBatchMaxOf(options));

  const pool = (): pg.Pool => {
    if (current === null) throw new Error('The PostgreSQL store is not open: call init() first');
    return current;
  };
  /** Every operation goes through here, so a lost database always surfaces the same way. */
  const guard = async <T>(operation: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    try {
      return await operation(pool());
    } catch (error) {
      throw toStoreError(error);
    }
  };

  return {
    kind: 'postgres',

    async init() {
      if (current !== null) return;
      current = createPool(settings);
      try {
        const client = await current.connect();
        try {
          await runMigrations(client, {
            mode: options.migrate === 'off' ? 'verify' : 'apply',
            schema: settings.schema,
          });
          client.release();
        } catch (error) {
          client.release(true);
          throw error;
        }
      } catch (error) {
        // Never half-started: the pool goes, and `init()` may be called again.
        const failed = current;
        current = null;
        await failed.end().catch(() => undefined);
        if (isUnavailable(error)) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new StoreUnavailableError(
            `Cannot reach PostgreSQL at ${describeTarget(options.connectionString)}: ${reason}`,
            { cause: error },
          );
        }
        throw error;
      }
    },

    async close() {
      const open = current;
      current = null;
      memberships.clear();
      await open?.end();
    },

    async ping() {
      if (current === null) return false;
      try {
        await current.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },

    createUser: (user) => guard((db) => insertUser(db, user)),
    getUser: (id) => guard((db) => selectUser(db, id)),
    getUserByEmail: (emailKey) => guard((db) => selectUserByEmailKey(db, emailKey)),
    getUsers: (ids) => guard((db) => selectUsers(db, ids)),
    searchUsers: (query, limit, after) => guard((db) => searchUsers(db, query, limit, after)),
    updateUser: (id, patch) => guard((db) => updateUser(db, id, patch)),
    listContactIds: (userId) => guard((db) => listContactIds(db, userId)),

    saveRefreshToken: (token) => guard((db) => saveRefreshToken(db, token)),
    rotateRefreshToken: (hash, next, now) => guard((db) => rotateRefreshToken(db, hash, next, now)),
    revokeRefreshTokenFamily: (hash, now) => guard((db) => revokeRefreshTokenFamily(db, hash, now)),
    revokeRefreshTokensOf: (userId, now) => guard((db) => revokeRefreshTokensOf(db, userId, now)),

    createConversation: (conversation) => guard((db) => createConversation(db, conversation)),
    findOrCreateDirectConversation: (conversation) =>
      guard((db) => findOrCreateDirectConversation(db, conversation)),
    getConversation: (id) => guard((db) => selectConversation(db, id)),
    getMembership: (id, userId) => guard((db) => memberships.read(db, id, userId)),
    listConversationsForUser: (userId, limit, after) =>
      guard((db) => listConversationsForUser(db, userId, limit, after)),
    updateConversation: (id, patch) => guard((db) => updateConversation(db, id, patch)),
    deleteConversation: (id) =>
      guard(async (db) => {
        memberships.forget(id);
        return deleteConversation(db, id);
      }),
    addParticipants: (id, participants, now, becomes) =>
      guard((db) => addParticipants(db, id, participants, now, becomes)),
    removeParticipant: (id, userId, now) => guard((db) => removeParticipant(db, id, userId, now)),
    markRead: (id, userId, messageId) => guard((db) => markRead(db, id, userId, messageId)),
    setRoles: (id, changes, now) => guard((db) => setRoles(db, id, changes, now)),

    appendMessage: (message, reply) => guard((db) => appends.append(db, message, reply)),
    getMessage: (conversationId, messageId) => guard((db) => selectMessage(db, conversationId, messageId)),
    listMessages: (conversationId, query) => guard((db) => listMessages(db, conversationId, query)),
    listMentioning: (conversationId, userId, query) =>
      guard((db) => listMentioning(db, conversationId, userId, query)),
    updateMessage: (conversationId, messageId, patch, whileStatus) =>
      guard((db) =>
        patch.status === 'deleted'
          ? updateDeleting(db, conversationId, messageId, patch, whileStatus)
          : updateMessage(db, conversationId, messageId, patch, whileStatus),
      ),
    modifyMessage: (conversationId, messageId, change) =>
      guard((db) => modifyMessage(db, conversationId, messageId, change)),
    listReplies: (conversationId, parentId, query) =>
      guard((db) => listReplies(db, conversationId, parentId, query)),
    markThreadRead: (conversationId, parentId, userId, messageId) =>
      guard((db) => markThreadRead(db, conversationId, parentId, userId, messageId)),
    listThreadsOf: (conversationId, userId, limit) =>
      guard((db) => listThreadsOf(db, conversationId, userId, limit)),
    setPin: (conversationId, messageId, pin, maxPins) =>
      guard((db) => setPin(db, conversationId, messageId, pin, maxPins)),
    listPinnedMessages: (conversationId) => guard((db) => listPinnedMessages(db, conversationId)),

    createFile: (file) => guard((db) => insertFile(db, file)),
    getFile: (id) => guard((db) => selectFile(db, id)),
    updateFile: (id, patch, whileStatus) => guard((db) => updateFile(db, id, patch, whileStatus)),
    deleteFile: (id) => guard((db) => deleteFile(db, id)),
    fileBytesOf: (ownerId) => guard((db) => fileBytesOf(db, ownerId)),
    listExpiredFiles: (now, limit) => guard((db) => listExpiredFiles(db, now, limit)),
    listUnattachedFilesOf: (ownerId) => guard((db) => listUnattachedFilesOf(db, ownerId)),
    listAttachedFiles: (conversationId, messageId) =>
      guard((db) => listAttachedFiles(db, conversationId, messageId)),
    searchMessages: (userId, search, page) => guard((db) => searchMessages(db, userId, search, page)),
  };
}

/** @throws RangeError when `appendBatchMax` is not a whole number of at least 1. */
function appendBatchMaxOf(options: PostgresStoreOptions): number {
  const batchMax = options.appendBatchMax ?? 64;
  if (!Number.isInteger(batchMax) || batchMax < 1)
    throw new RangeError(`appendBatchMax must be a whole number of at least 1, not ${batchMax}`);
  return batchMax;
}

/** `host:port/database` of a connection string, for messages: never the password. */
function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'the configured connection string';
  }
}
