/**
 * A Redis key prefix of one test's own: its keys are deleted afterwards, and nothing else is
 * touched (never FLUSH: the Redis server is shared).
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { describe, it } from 'vitest';

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

/** Deletes every key under `prefix` (and nothing else); resolves with how many there were. */
export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  const admin = createClient({ url, RESP: 2 });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const keys: string[] = [];
    for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
    if (keys.length > 0) await admin.del(keys);
    return keys.length;
  } finally {
    admin.destroy();
  }
}

/** A fresh prefix, and the cleanup that deletes every key under it. */
export function redisTestPrefix(url: string, suffix = ''): { prefix: string; cleanup: () => Promise<void> } {
  const prefix = `chatwire-test:${randomBytes(6).toString('hex')}:${suffix}`;
  return {
    prefix,
    async cleanup() {
      await deleteKeysUnder(url, prefix);
    },
  };
}
