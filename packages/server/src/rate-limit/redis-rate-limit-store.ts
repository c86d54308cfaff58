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
 * While Redis is unreachable (the offline queue is off, so a hit fails at once) each process counts
 * alone, in memory, with a fixed window: reads keep working through a Redis outage and nothing goes
 * unlimited — N processes grant up to N× the limit until Redis is back.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import {
  connectWithin,
  createBrokerClient,
  defineScript,
  describeUrl,
  type RedisClient,
  startupAwareErrors,
} from '../redis/redis-client.js';

/** KEYS: the counter. ARGV: timeWindow ms, max, continueExceeding, exponentialBackoff. */
const incrScript = defineScript(`
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
return {current, timeWindow}`);

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

/** The per-process counts used while Redis cannot be reached. */
type LocalCounts = Map<string, { current: number; resetAt: number }>;

function countLocally(
  counts: LocalCounts,
  key: string,
  timeWindow: number,
): { current: number; ttl: number } {
  const now = Date.now();
  let entry = counts.get(key);
  if (!entry || entry.resetAt <= now) {
    // Expired entries go on the next miss: the map stays as small as the keys of one window.
    if (counts.size > 10_000) for (const [k, e] of counts) if (e.resetAt <= now) counts.delete(k);
    entry = { current: 0, resetAt: now + timeWindow };
    counts.set(key, entry);
  }
  entry.current += 1;
  return { current: entry.current, ttl: entry.resetAt - now };
}

function makeStore(
  client: RedisClient,
  prefix: string,
  flags: Flags,
  local: LocalCounts,
  onFallback: (error: Error) => void,
): FastifyRateLimitStore {
  return {
    incr(key, callback, timeWindow, max) {
      incrScript
        .run(
          client,
          [`${prefix}${key}`],
          [timeWindow, max, String(flags.continueExceeding), String(flags.exponentialBackoff)],
        )
        .then(
          (reply) => {
            const [current, ttl] = reply as unknown as [number, number];
            callback(null, { current: Number(current), ttl: Number(ttl) });
          },
          (error: Error) => {
            onFallback(error);
            callback(null, countLocally(local, `${prefix}${key}`, timeWindow));
          },
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
      return makeStore(
        client,
        `${prefix}${route}`,
        {
          continueExceeding: options.continueExceeding === true,
          exponentialBackoff: options.exponentialBackoff === true,
        },
        local,
        onFallback,
      );
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
  const errors = startupAwareErrors((error) => options.onError?.(error));
  const client = createBrokerClient(options.url, `${prefix}client`, connectTimeoutMs, errors.onError);
  try {
    await connectWithin(client, connectTimeoutMs, describeUrl(options.url));
  } catch (error) {
    throw errors.explain(error);
  }
  errors.started();
  const local: LocalCounts = new Map();
  // Said once per outage, not once per request.
  let reportedAt = 0;
  const onFallback = (error: Error) => {
    if (Date.now() - reportedAt < 60_000) return;
    reportedAt = Date.now();
    options.onError?.(
      new Error(`rate limits counted per process while Redis is unreachable: ${error.message}`),
    );
  };
  // The plugin constructs the store with its global options (the flags for its own routes).
  const Store = function (this: unknown, globalOptions: Partial<Flags>) {
    return makeStore(
      client,
      prefix,
      {
        continueExceeding: globalOptions.continueExceeding === true,
        exponentialBackoff: globalOptions.exponentialBackoff === true,
      },
      local,
      onFallback,
    );
  } as unknown as FastifyRateLimitStoreCtor;
  return {
    Store,
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
