/**
 * Two processes sharing PostgreSQL and Redis, as two deployments of one app: two servers in this
 * test process, each with its own pool, its own broker and its own reply directory (so that a
 * reply generated on one can be followed and stopped from the other), on one schema and one key
 * prefix.
 */
import {
  type AppOptionsInput,
  type Broker,
  createPostgresStore,
  createRedisBroker,
  createRedisPresence,
  createRedisReplyDirectory,
  type Store,
} from '@chatwire/server';
import {
  createTestSchema,
  describePostgres,
  describeRedis,
  redisTestPrefix,
  startTestServer,
  type TestSchema,
  type TestServer,
} from '@chatwire/server/testing';
import { afterAll, beforeAll } from 'vitest';

/** The two servers, set once `beforeAll` has run. */
export interface TwoProcesses {
  one: TestServer;
  two: TestServer;
}

/** Options of {@link describeOnTwoProcesses}. */
export interface TwoProcessesOptions {
  /** Share who is online through a Redis presence directory too (default: each process its own). */
  redisPresence?: boolean;
  /** More options for both servers. */
  app?: AppOptionsInput;
}

/**
 * Registers `suite` as `<name>` › `(PostgreSQL + Redis)` when both `REDIS_URL` and `DATABASE_URL`
 * are set, with two servers started before its tests (keys under a prefix starting `keyPrefix`)
 * and stopped, with their schema and keys, after them.
 */
export function describeOnTwoProcesses(
  name: string,
  keyPrefix: string,
  suite: (servers: TwoProcesses) => void,
  options: TwoProcessesOptions = {},
): void {
  describeRedis(name, (redisUrl) => {
    describePostgres('(PostgreSQL + Redis)', (connectionString) => {
      let schema: TestSchema;
      let cleanupPrefix: () => Promise<void>;
      const stores: Store[] = [];
      const brokers: Broker[] = [];
      const closers: Array<() => Promise<void>> = [];
      const servers = {} as TwoProcesses;

      /** A server with a pool, a broker and a reply directory of its own, on the shared schema and prefix. */
      async function startProcess(prefix: string): Promise<TestServer> {
        const store = createPostgresStore({ connectionString, schema: schema.name, poolMax: 4 });
        stores.push(store);
        await store.init();
        const broker = await createRedisBroker({ url: redisUrl, prefix, connectTimeoutMs: 2000 });
        brokers.push(broker);
        const replies = await createRedisReplyDirectory({ url: redisUrl, prefix, connectTimeoutMs: 2000 });
        closers.push(() => replies.close());
        if (!options.redisPresence) return startTestServer({ ...options.app, store, broker, replies });
        const presence = await createRedisPresence({ url: redisUrl, prefix });
        closers.push(() => presence.close());
        return startTestServer({ ...options.app, store, broker, replies, presence });
      }

      beforeAll(async () => {
        schema = await createTestSchema(connectionString);
        const { prefix, cleanup } = redisTestPrefix(redisUrl, keyPrefix);
        cleanupPrefix = cleanup;
        servers.one = await startProcess(prefix);
        servers.two = await startProcess(prefix);
      });
      afterAll(async () => {
        for (const server of [servers.one, servers.two]) await server?.close();
        for (const close of closers) await close();
        for (const broker of brokers) await broker.close();
        for (const store of stores) await store.close();
        await schema?.drop();
        await cleanupPrefix?.();
      });

      suite(servers);
    });
  });
}
