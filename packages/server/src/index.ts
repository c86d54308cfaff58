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
  type Broker,
  type BrokerListener,
  type BrokerMessage,
  createMemoryBroker,
  type ReplayedEvent,
  type ReplayLimits,
  type StreamHead,
} from './broker/broker.js';
export { createRedisBroker, type RedisBrokerOptions } from './broker/redis-broker.js';
export {
  ConfigError,
  type DatabaseConfig,
  loadConfig,
  type RedisConfig,
  type ServerConfig,
  type ToolsConfig,
} from './config.js';
export { createFileStorage, type FileStorageConfig } from './files/default-storage.js';
export { createDiskStorage, type DiskStorageOptions } from './files/disk-storage.js';
export {
  type ByteRange,
  type FileStorage,
  ObjectTooLargeError,
  type PresignedPut,
  type StoredObject,
} from './files/file-storage.js';
export type { S3StorageOptions } from './files/s3-storage.js';
export {
  type AppOptions,
  type AppOptionsInput,
  defaultOptions,
  type Limits,
  type RateLimits,
  type RealtimeOptions,
  type UploadLimits,
} from './options.js';
export {
  createMemoryPresence,
  type PresenceChanges,
  type PresenceDirectory,
} from './presence/presence-directory.js';
export {
  createRedisPresence,
  type RedisPresence,
  type RedisPresenceOptions,
} from './presence/redis-presence.js';
export * from './providers/index.js';
export type { ToolSpec } from './providers/provider.js';
export {
  createRedisRateLimitStore,
  type RedisRateLimitStoreOptions,
  type SharedRateLimitStore,
} from './rate-limit/redis-rate-limit-store.js';
export { BrokerUnavailableError } from './redis/redis-client.js';
export {
  createRedisServices,
  type RedisServices,
  type RedisServicesOptions,
} from './redis-services.js';
export {
  createRedisReplyDirectory,
  type RedisReplyDirectoryOptions,
} from './replies/redis-reply-directory.js';
export {
  type ClaimedReply,
  type ClaimResult,
  createLocalReplyDirectory,
  type ReplyDirectory,
  type ReplyEntry,
  type ReplyRegistration,
  type ReplySnapshot,
} from './replies/reply-directory.js';
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
export { highlightSpans, parseSearch, type SearchTerms } from './store/search-terms.js';
export * from './store/store.js';
export {
  type ApprovalRule,
  defineTool,
  isToolDefinition,
  type ToolContext,
  type ToolDefinition,
  ToolDefinitionError,
} from './tools/define-tool.js';
export { demoTools } from './tools/demo/index.js';
export { createToolRegistry, type ToolRegistry } from './tools/tool-registry.js';
