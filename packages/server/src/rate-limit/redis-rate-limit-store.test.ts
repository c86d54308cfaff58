import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../testing/http.js';
import { describeRedis, redisTestPrefix } from '../testing/redis-prefix.js';
import { startTestServer } from '../testing/start-server.js';
import { startTcpProxy, targetOf } from '../testing/tcp-proxy.js';
import { createRedisRateLimitStore } from './redis-rate-limit-store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A key prefix of this test's own, cleaned up after it. */
function testPrefix(url: string): string {
  const { prefix, cleanup } = redisTestPrefix(url, 'ratelimit:');
  cleanups.push(cleanup);
  return prefix;
}

const suite = (url: string) => {
  it('two apps sharing one Redis store hit the per-IP auth limit together', async () => {
    const prefix = testPrefix(url);
    const shared = await createRedisRateLimitStore({ url, prefix, connectTimeoutMs: 2000 });
    cleanups.push(() => shared.close());
    const servers = [
      await startTestServer({ rateLimits: { authPerMinute: 3 }, rateLimitStore: shared }),
      await startTestServer({ rateLimits: { authPerMinute: 3 }, rateLimitStore: shared }),
    ];
    cleanups.push(...servers.map((server) => () => server.close()));
    // A new email each time: only the per-IP limit (3 a minute, shared) can stop these.
    const attempt = async (i: number) =>
      (
        await call(`${servers[i % 2]?.url}/v1/auth/login`, {
          body: { email: `nobody-${i}@example.com`, password: 'Wrong-pass-1' },
        })
      ).status;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push(await attempt(i));
    expect(statuses).toEqual([401, 401, 401, 429, 429]);

    // The counts live in Redis under the prefix, with the window as their expiry.
    const admin = createClient({ url, RESP: 2 });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const keys: string[] = [];
      for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
      expect(keys.some((key) => key.includes('auth-ip:'))).toBe(true);
      for (const key of keys) {
        const ttl = await admin.pTTL(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
    } finally {
      admin.destroy();
    }
  });

  it('while Redis is unreachable each process counts alone: requests are limited, not refused', async () => {
    const proxy = await startTcpProxy(targetOf(url, 6379));
    cleanups.push(() => proxy.close());
    const shared = await createRedisRateLimitStore({
      url: proxy.urlFor(url),
      prefix: testPrefix(url),
      connectTimeoutMs: 2000,
    });
    cleanups.push(() => shared.close());
    const server = await startTestServer({ rateLimits: { authPerMinute: 3 }, rateLimitStore: shared });
    cleanups.push(() => server.close());
    proxy.cut();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push(
        (
          await call(`${server.url}/v1/auth/login`, {
            body: { email: `outage-${i}@example.com`, password: 'Wrong-pass-1' },
          })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
};

describeRedis('Redis rate-limit store', suite);

describe('rate limits without a shared store', () => {
  it('without a shared store each app counts alone (the in-memory default)', async () => {
    const servers = [
      await startTestServer({ rateLimits: { authPerMinute: 3 } }),
      await startTestServer({ rateLimits: { authPerMinute: 3 } }),
    ];
    cleanups.push(...servers.map((server) => () => server.close()));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push(
        (
          await call(`${servers[i % 2]?.url}/v1/auth/login`, {
            body: { email: `nobody-${i}@example.com`, password: 'Wrong-pass-1' },
          })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
  });
});
