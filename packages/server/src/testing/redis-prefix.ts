/**
 * A Redis key prefix of one test's own: its keys are deleted afterwards, and nothing else is
 * touched (never FLUSH: the Redis server is shared).
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { describe, it } from './vitest.js';

/** `REDIS_URL` (unset when empty). */
export const redisUrl: string | undefined = process.env.REDIS_URL || undefined;

/**
 * `describe`, run only when `REDIS_URL` is set; skipped with a note otherwise, unless
 * `CHATWIRE_REQUIRE_SERVICES=1` (CI), where a missing Redis is a failure.
 */
export function describeRedis(name: string, suite: (url: string) => void): void {
  if (redisUrl !== undefined) {
    describe(name, () => suite(redisUrl));
    return;
  }
  if (process.env.CHATWIRE_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error('CHATWIRE_REQUIRE_SERVICES=1 but REDIS_URL is not set: export the Redis URL');
      });
    });
    return;
  }
  console.info(`Skipping "${name}": REDIS_URL is not set (e.g. redis://127.0.0.1:6379).`);
  describe.skip(name, () => suite(''));
}

/** A plain connection (RESP2, errors ignored) for a test to look at or poke its own keys; destroy it after. */
export async function redisAdmin(url: string) {
  const admin = createClient({ url, RESP: 2 });
  admin.on('error', () => undefined);
  await admin.connect();
  return admin;
}
/** A connection from {@link redisAdmin}. */
export type RedisAdmin = Awaited<ReturnType<typeof redisAdmin>>;

/** Deletes every key under `prefix` (and nothing else); resolves with how many there were. */
export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  const admin = await redisAdmin(url);
  try {
    const keys: string[] = [];
    for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
    if (keys.length > 0) await admin.del(keys);
    return keys.length;
  } finally {
    admin.destroy();
  }
}

/**
 * A fresh prefix, and the cleanup that deletes every key under it.
 *
 * @example
 * ```ts
 * const { prefix, cleanup } = redisTestPrefix(url);
 * const broker = await createRedisBroker({ url, prefix });
 * // …
 * await broker.close();
 * await cleanup();
 * ```
 */
export function redisTestPrefix(url: string, suffix = ''): { prefix: string; cleanup: () => Promise<void> } {
  const prefix = `chatwire-test:${randomBytes(6).toString('hex')}:${suffix}`;
  return {
    prefix,
    async cleanup() {
      await deleteKeysUnder(url, prefix);
    },
  };
}

/** A test file's cleanups, run (in reverse) by its `afterEach`. */
export type Cleanups = (() => Promise<unknown>)[];

/**
 * What a Redis test file needs, each undone through its `cleanups`: a fresh key prefix per test
 * (`suffix` appended) and admin connections.
 *
 * @example
 * ```ts
 * const cleanups: Cleanups = [];
 * afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup(); });
 * const { testPrefix, adminClient } = redisTestKit(cleanups, 'presence:');
 * ```
 */
export function redisTestKit(cleanups: Cleanups, suffix = '') {
  return {
    testPrefix(url: string): string {
      const { prefix, cleanup } = redisTestPrefix(url, suffix);
      cleanups.push(cleanup);
      return prefix;
    },
    async adminClient(url: string): Promise<RedisAdmin> {
      const admin = await redisAdmin(url);
      cleanups.push(async () => admin.destroy());
      return admin;
    },
  };
}
