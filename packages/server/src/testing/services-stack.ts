/**
 * `CHATWIRE_TEST_STACK=services`: the journeys written against the zero-set-up defaults run once
 * more on what several processes use — PostgreSQL (a schema of the test's own) and Redis (a key
 * prefix of its own) — without changing a line of them. `startTestServer` asks here for the
 * pieces; a restart on the same data dir gets the same schema and prefix back, as a restarted
 * process finds the same database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AppOptionsInput } from '../options.js';
import { createRedisServices } from '../redis-services.js';
import { createPostgresStore } from '../store/postgres/index.js';
import { redisTestPrefix } from './redis-prefix.js';

/** Whether this run asked for the services stack. */
export const servicesStackRequested = process.env.CHATWIRE_TEST_STACK === 'services';

interface StackData {
  schema: string;
  prefix: string;
  cleanupRedis: () => Promise<void>;
}

/** Schema and prefix by data dir: what a restarted server must find again. */
const byDataDir = new Map<string, StackData>();

export interface ServicesStack {
  options: Pick<AppOptionsInput, 'store' | 'broker' | 'presence' | 'replies'>;
  /** Closes what was opened; unless `keepData`, drops the schema and deletes the keys. */
  close(keepData: boolean): Promise<void>;
}

function required(name: 'DATABASE_URL' | 'REDIS_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`CHATWIRE_TEST_STACK=services needs ${name}`);
  return value;
}

/** Opens the PostgreSQL store and the Redis broker, presence and replies for a test server keeping its data under `dataDir`. */
export async function openServicesStack(dataDir: string): Promise<ServicesStack> {
  const databaseUrl = required('DATABASE_URL');
  const redisUrl = required('REDIS_URL');
  let data = byDataDir.get(dataDir);
  if (!data) {
    const { prefix, cleanup } = redisTestPrefix(redisUrl, 'stack:');
    data = { schema: `chatwire_stack_${randomBytes(6).toString('hex')}`, prefix, cleanupRedis: cleanup };
    byDataDir.set(dataDir, data);
  }
  const { schema, prefix, cleanupRedis } = data;
  const store = createPostgresStore({ connectionString: databaseUrl, schema, poolMax: 4 });
  await store.init();
  // Not the rate-limit store: tests set their own limits, counted per app.
  const redis = await createRedisServices({
    url: redisUrl,
    prefix,
    connectTimeoutMs: 2000,
    rateLimits: false,
  });
  const { broker, presence, replies } = redis.options;
  return {
    options: { store, broker, presence, replies },
    async close(keepData) {
      await redis.close();
      await store.close();
      if (keepData) return;
      byDataDir.delete(dataDir);
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
      await cleanupRedis();
    },
  };
}
