/**
 * The chatwire reference server.
 *
 * @example
 * ```ts
 * import { buildApp } from '@chatwire/server';
 *
 * const app = await buildApp({ dataDir: './.chatwire' });
 * await app.listen({ port: 8787, host: '127.0.0.1' });
 * ```
 * @module
 */
export { buildApp } from './app.js';
export {
  ConfigError,
  type DatabaseConfig,
  loadConfig,
  type RedisConfig,
  type ServerConfig,
} from './config.js';
export {
  type Broker,
  type BrokerListener,
  type BrokerMessage,
  createMemoryBroker,
  type ReplayedEvent,
  type ReplayLimits,
  type StreamHead,
} from './events/broker.js';
export {
  createMemoryPresence,
  type PresenceChanges,
  type PresenceDirectory,
} from './events/presence-directory.js';
export { createRedisBroker, type RedisBrokerOptions } from './events/redis-broker.js';
export { BrokerUnavailableError } from './events/redis-client.js';
export {
  createRedisPresence,
  type RedisPresence,
  type RedisPresenceOptions,
} from './events/redis-presence.js';
export { createRedisReplyDirectory, type RedisReplyDirectoryOptions } from './events/redis-replies.js';
export {
  createRedisServices,
  type RedisServices,
  type RedisServicesOptions,
} from './events/redis-services.js';
export {
  createRedisRateLimitStore,
  type RedisRateLimitStoreOptions,
  type SharedRateLimitStore,
} from './http/redis-rate-limit-store.js';
export {
  type AppOptions,
  type AppOptionsInput,
  defaultOptions,
  type Limits,
  type RateLimits,
  type RealtimeOptions,
} from './options.js';
export * from './providers/index.js';
export {
  type ClaimedReply,
  type ClaimResult,
  createLocalReplyDirectory,
  type ReplyDirectory,
  type ReplyRegistration,
  type ReplySnapshot,
} from './services/reply-directory.js';
export {
  createLowdbStore,
  type ImportOptions,
  importConversation,
  type LowdbStoreOptions,
} from './store/lowdb/index.js';
export {
  createPostgresStore,
  type MigrateDatabaseOptions,
  MigrationError,
  type MigrationErrorCode,
  type MigrationReport,
  migrateDatabase,
  type PostgresStoreOptions,
} from './store/postgres/index.js';
export * from './store/store.js';
