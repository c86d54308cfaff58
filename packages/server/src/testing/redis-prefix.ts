/**
 * A Redis key prefix of one test's own: its keys are deleted afterwards, and nothing else is
 * touched (never FLUSH: the Redis server is shared).
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

/** A fresh prefix, and the cleanup that deletes every key under it. */
export function redisTestPrefix(url: string, suffix = ''): { prefix: string; cleanup: () => Promise<void> } {
  const prefix = `chatwire-test:${randomBytes(6).toString('hex')}:${suffix}`;
  return {
    prefix,
    async cleanup() {
      const admin = createClient({ url, RESP: 2 });
      admin.on('error', () => undefined);
      await admin.connect();
      try {
        const keys: string[] = [];
        for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 }))
          keys.push(...batch);
        if (keys.length > 0) await admin.del(keys);
      } finally {
        admin.destroy();
      }
    },
  };
}
