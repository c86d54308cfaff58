/**
 * A Redis store for @fastify/rate-limit on node-redis (the plugin's own Redis store needs ioredis),
 * so that several server processes share one count per key: N processes do not grant N× the limit.
 *
 * The plugin's store contract (see its `store/RedisStore.js`): `incr(key, callback, timeWindow,
 * max)` answers `{ current, ttl }` after counting one hit, and `child(routeOptions)` makes the store
 * of one limiter. The count is the same Lua as the plugin's: `INCR`, and the window (`PEXPIRE`) set
 * on the first hit (or renewed while exceeding with `continueExceeding`, doubled per hit over the
 * limit with `exponentialBackoff`), otherwise the remaining `PTTL`.
 *
 * While Redis is unreachable a hit fails (the offline queue is off): the request fails rather than
 * going unlimited.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { connectWithin, createBrokerClient, describeUrl, type RedisClient } from '../events/redis-broker.js';

/** KEYS: the counter. ARGV: timeWindow ms, max, continueExceeding, exponentialBackoff. */
const incrScript = `
local timeWindow = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local continueExceeding = ARGV[3] == 'true'
local exponentialBackoff = ARGV[4] == 'true'
local current = redis.call('INCR', KEYS[1])
if current == 1 or (continueExceeding and current > max) then
  redis.call('PEXPIRE', KEYS[1], timeWindow)
elseif exponentialBackoff and current > max then
  timeWindow = math.min(timeWindow * (2 ^ (current - max - 1)), 2 ^ 53 - 1)
  redis.call('PEXPIRE', KEYS[1], timeWindow)
else
  timeWindow = redis.call('PTTL', KEYS[1])
end
return {current, timeWindow}`;

/** A shared rate-limit store: `Store` goes to the plugin's `store` option; `close` is the owner's. */
export interface SharedRateLimitStore {
  readonly Store: FastifyRateLimitStoreCtor;
  close(): Promise<void>;
}

export interface RedisRateLimitStoreOptions {
  /** `redis://` or `rediss://`. */
  url: string;
  /** Prefix of every counter key. Default `chatwire:ratelimit:`. */
  prefix?: string;
  /** Start-up gives up after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Connection errors after start-up. Default: ignored. */
  onError?: (error: Error) => void;
}

interface Flags {
  continueExceeding: boolean;
  exponentialBackoff: boolean;
}

function makeStore(client: RedisClient, prefix: string, flags: Flags): FastifyRateLimitStore {
  return {
    incr(key, callback, timeWindow, max) {
      client
        .sendCommand([
          'EVAL',
          incrScript,
          '1',
          `${prefix}${key}`,
          String(timeWindow),
          String(max),
          String(flags.continueExceeding),
          String(flags.exponentialBackoff),
        ])
        .then(
          (reply) => {
            const [current, ttl] = reply as unknown as [number, number];
            callback(null, { current: Number(current), ttl: Number(ttl) });
          },
          (error: Error) => callback(error),
        );
    },
    child(routeOptions) {
      // `createRateLimit` passes no route (our limiters' keys are already distinct by name).
      const options = routeOptions as unknown as Partial<Flags> & {
        routeInfo?: { method?: string; url?: string };
      };
      const route = options.routeInfo?.method
        ? `${options.routeInfo.method}${options.routeInfo.url ?? ''}-`
        : '';
      return makeStore(client, `${prefix}${route}`, {
        continueExceeding: options.continueExceeding === true,
        exponentialBackoff: options.exponentialBackoff === true,
      });
    },
  };
}

/**
 * Connects (one connection) and returns the store; rejects with a BrokerUnavailableError when Redis
 * cannot be reached within `connectTimeoutMs`.
 *
 * @example
 * ```ts
 * const rateLimitStore = await createRedisRateLimitStore({ url: process.env.REDIS_URL });
 * const app = await buildApp({ store, broker, rateLimitStore });
 * ```
 */
export async function createRedisRateLimitStore(
  options: RedisRateLimitStoreOptions,
): Promise<SharedRateLimitStore> {
  const prefix = options.prefix ?? 'chatwire:ratelimit:';
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  let started = false;
  const client = createBrokerClient(options.url, `${prefix}client`, connectTimeoutMs, (error) => {
    if (started) options.onError?.(error);
  });
  await connectWithin(client, connectTimeoutMs, describeUrl(options.url));
  started = true;
  // The plugin constructs the store with its global options (the flags for its own routes).
  const Store = function (this: unknown, globalOptions: Partial<Flags>) {
    return makeStore(client, prefix, {
      continueExceeding: globalOptions.continueExceeding === true,
      exponentialBackoff: globalOptions.exponentialBackoff === true,
    });
  } as unknown as FastifyRateLimitStoreCtor;
  return {
    Store,
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
