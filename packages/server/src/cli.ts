#!/usr/bin/env node
/**
 * `chatwire-server`: environment → options → listen, with a graceful shutdown that stops running
 * replies (stored as `aborted`) and flushes storage.
 */
import { buildApp } from './app.js';
import { ConfigError, type DatabaseConfig, loadConfig, type RedisConfig } from './config.js';
import type { Broker } from './events/broker.js';
import { createRedisBroker } from './events/redis-broker.js';
import { createRedisRateLimitStore, type SharedRateLimitStore } from './http/redis-rate-limit-store.js';
import { resolveModels } from './providers/registry.js';
import { createPostgresStore, migrateDatabase } from './store/postgres/index.js';
import type { Store } from './store/store.js';

/** PostgreSQL when configured; opened here (bounded by its connect timeout) so a failure stops start-up. */
async function openDatabase(database: DatabaseConfig | undefined): Promise<Store | undefined> {
  if (!database) return undefined;
  const store = createPostgresStore({
    connectionString: database.connectionString,
    migrate: database.migrate,
    ...(database.poolMax ? { poolMax: database.poolMax } : {}),
    onPoolError: (error) => console.error(`PostgreSQL pool error: ${error.message}`),
  });
  await store.init();
  return store;
}

/** The Redis broker when configured; connected here (bounded) so an unreachable Redis stops start-up. */
async function openBroker(redis: RedisConfig | undefined): Promise<Broker | undefined> {
  if (!redis) return undefined;
  return createRedisBroker({
    url: redis.url,
    ...(redis.prefix ? { prefix: redis.prefix } : {}),
    connectTimeoutMs: 5000,
    onError: (error) => console.error(`Redis broker error: ${error.message}`),
  });
}

/** With Redis, rate limits are counted there: N processes must not grant N× the limit. */
async function openRateLimitStore(redis: RedisConfig | undefined): Promise<SharedRateLimitStore | undefined> {
  if (!redis) return undefined;
  return createRedisRateLimitStore({
    url: redis.url,
    prefix: `${redis.prefix ?? 'chatwire:'}ratelimit:`,
    connectTimeoutMs: 5000,
    onError: (error) => console.error(`Redis rate-limit store error: ${error.message}`),
  });
}

async function migrate(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.database)
    throw new ConfigError('chatwire-server migrate needs DATABASE_URL (lowdb needs no migrations)');
  const report = await migrateDatabase({ connectionString: config.database.connectionString });
  console.log(
    report.applied.length > 0
      ? `applied ${report.applied.join(', ')}`
      : `up to date (version ${report.version})`,
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === 'migrate') return migrate();
  const config = loadConfig(process.env);
  // The broker first: connecting has no side effects, while opening the database may migrate it.
  const broker = await openBroker(config.redis);
  let store: Store | undefined;
  let rateLimitStore: SharedRateLimitStore | undefined;
  try {
    rateLimitStore = await openRateLimitStore(config.redis);
    store = await openDatabase(config.database);
  } catch (error) {
    await rateLimitStore?.close();
    await broker?.close();
    throw error;
  }
  const app = await buildApp({
    ...config.app,
    ...(store ? { store } : {}),
    ...(broker ? { broker } : {}),
    ...(rateLimitStore ? { rateLimitStore } : {}),
    models: resolveModels(process.env),
  });
  // Passed in, so the CLI's to close (buildApp leaves what it was given open).
  app.addHook('onClose', async () => {
    await rateLimitStore?.close();
    await broker?.close();
    await store?.close();
  });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Plain text for people, whatever the log level: where to go next.
  console.log(
    `chatwire is ready: http://${config.host}:${port}  (API docs: http://${config.host}:${port}/docs)`,
  );
}

main().catch((error: unknown) => {
  const known = [
    'ConfigError',
    'ModelConfigError',
    'MigrationError',
    'StoreUnavailableError',
    'BrokerUnavailableError',
  ];
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error(`Port ${process.env.PORT ?? 8787} is already in use: stop what runs there or set PORT.`);
  } else if (error instanceof Error && known.includes(error.name)) {
    console.error(error.message);
  } else {
    console.error('chatwire-server failed to start:', error);
  }
  process.exit(1);
});
