#!/usr/bin/env node
/**
 * `chatwire-server`: environment → options → listen, with a graceful shutdown that stops running
 * replies (stored as `aborted`) and flushes storage.
 */
import { buildApp } from './app.js';
import { isClusterWorker, runPrimary } from './cluster.js';
import {
  ConfigError,
  type DatabaseConfig,
  loadConfig,
  type RedisConfig,
  type ToolsConfig,
} from './config.js';
import { resolveModels } from './providers/registry.js';
import { createRedisServices } from './redis-services.js';
import { createPostgresStore, migrateDatabase } from './store/postgres/index.js';
import type { Store } from './store/store.js';
import { type ToolDefinition, ToolDefinitionError } from './tools/define-tool.js';
import { demoTools } from './tools/demo/index.js';
import { loadToolModule, ToolModuleError } from './tools/load-tool-module.js';
import { createToolRegistry } from './tools/tool-registry.js';

/** PostgreSQL when configured; opened here (bounded by its connect timeout) so a failure stops start-up. */
async function openDatabase(database: DatabaseConfig | undefined): Promise<Store | undefined> {
  if (!database) return undefined;
  const store = createPostgresStore({
    connectionString: database.connectionString,
    migrate: database.migrate,
    ...(database.poolMax ? { poolMax: database.poolMax } : {}),
    ...(database.appendBatchMax ? { appendBatchMax: database.appendBatchMax } : {}),
    onPoolError: (error) => console.error(`PostgreSQL pool error: ${error.message}`),
  });
  await store.init();
  return store;
}

/**
 * With Redis, the broker, presence, the replies being generated and the rate limits are shared by
 * every process; connected here (bounded) so an unreachable Redis stops start-up.
 */
async function openRedis(redis: RedisConfig | undefined, presenceGraceMs: number | undefined) {
  if (!redis) return undefined;
  return createRedisServices({
    url: redis.url,
    ...(redis.prefix ? { prefix: redis.prefix } : {}),
    ...(presenceGraceMs !== undefined ? { presenceGraceMs } : {}),
    connectTimeoutMs: 5000,
    onError: (part, error) => console.error(`Redis (${part}) error: ${error.message}`),
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

const usage = 'Usage: chatwire-server [--workers N] [--tools ./tools.js] | chatwire-server migrate';

/** What each argument sets, validated with the rest of the environment. */
const argumentVariables: Record<string, string> = { workers: 'CHATWIRE_WORKERS', tools: 'CHATWIRE_TOOLS' };

/** `--workers N` / `--workers=N` → `CHATWIRE_WORKERS`, `--tools ./tools.js` → `CHATWIRE_TOOLS`. */
function environmentWithArguments(args: readonly string[]): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const [, name, inline] = /^--([a-z]+)(?:=(.*))?$/.exec(arg) ?? [];
    const variable = name === undefined ? undefined : argumentVariables[name];
    if (variable && inline !== undefined) env[variable] = inline;
    else if (variable && i + 1 < args.length) env[variable] = args[++i];
    else throw new ConfigError(`Unknown argument ${JSON.stringify(arg)}\n${usage}`);
  }
  return env;
}

/**
 * The server tools: the demo ones (`CHATWIRE_DEMO_TOOLS`) and a module's (`CHATWIRE_TOOLS`,
 * `--tools`), registered once here so that a bad module stops start-up naming the variable.
 */
async function loadTools(config: ToolsConfig): Promise<ToolDefinition[]> {
  const tools: ToolDefinition[] = config.demo ? [...demoTools] : [];
  if (!config.module) return tools;
  try {
    tools.push(...(await loadToolModule(config.module)));
    createToolRegistry(tools); // two tools of one name, an input with no JSON Schema
  } catch (error) {
    if (error instanceof ToolModuleError || ToolDefinitionError.isInstance(error))
      throw new ConfigError(`Invalid configuration:\n  CHATWIRE_TOOLS (--tools): ${error.message}`);
    throw error;
  }
  return tools;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'migrate') return migrate();
  const config = loadConfig(environmentWithArguments(process.argv.slice(2)));
  // Before workers are forked, so that a bad module is reported once (each worker loads it too).
  const tools = await loadTools(config.tools);
  if (config.workers > 1 && !isClusterWorker()) {
    // Every worker signs with JWT_SECRET: config refuses REDIS_URL (which --workers needs) without it.
    runPrimary({
      workers: config.workers,
      log: (line) => console.error(`chatwire-server: ${line}`),
      onReady: ({ port }) =>
        console.log(
          `chatwire is ready: http://${config.host}:${port}  (${config.workers} workers; API docs: http://${config.host}:${port}/docs)`,
        ),
    });
    return;
  }
  // Redis first: connecting has no side effects, while opening the database may migrate it.
  const redis = await openRedis(config.redis, config.app.realtime?.presenceGraceMs);
  let store: Store | undefined;
  try {
    store = await openDatabase(config.database);
  } catch (error) {
    await redis?.close();
    throw error;
  }
  const app = await buildApp({
    ...config.app,
    ...(store ? { store } : {}),
    ...redis?.options,
    models: resolveModels(process.env),
    tools,
  });
  // Passed in, so the CLI's to close (buildApp leaves what it was given open).
  app.addHook('onClose', async () => {
    // After the app: its replies were stopped, stored and released by then.
    await redis?.close();
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
  // A worker whose primary died (kill -9) would otherwise serve on, unsupervised.
  if (isClusterWorker()) process.on('disconnect', () => void shutdown('primary exited'));
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Plain text for people, whatever the log level: where to go next (a cluster's primary says it once).
  if (!isClusterWorker())
    console.log(
      `chatwire is ready: http://${config.host}:${port}  (API docs: http://${config.host}:${port}/docs)${
        tools.length > 0 ? `\n  tools: ${tools.map((tool) => tool.name).join(', ')}` : ''
      }`,
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
