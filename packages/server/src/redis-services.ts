/**
 * Everything several server processes share through Redis, opened together: the broker (events,
 * replay), presence leases, the directory of assistant replies being generated, and the rate-limit
 * counts. One call for the CLI and for an app that embeds the server, so that none is forgotten —
 * a process with the Redis broker but in-process presence would announce people offline who are
 * still online elsewhere.
 */

import type { Broker } from './broker/broker.js';
import { createRedisBroker } from './broker/redis-broker.js';
import type { PresenceDirectory } from './presence/presence-directory.js';
import { createRedisPresence } from './presence/redis-presence.js';
import { createRedisRateLimitStore, type SharedRateLimitStore } from './rate-limit/redis-rate-limit-store.js';
import { createRedisReplyDirectory } from './replies/redis-reply-directory.js';
import type { ReplyDirectory } from './replies/reply-directory.js';

export interface RedisServicesOptions {
  /** `redis://` or `rediss://`. */
  url: string;
  /** Prefix of every key; the processes serving one URL share it. Default `chatwire:`. */
  prefix?: string;
  /** Start-up gives up after this long (each connection). Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * The presence grace period (`realtime.presenceGraceMs`): on shutdown this process's presence
   * lease is cut to it, so people reconnecting elsewhere by then are never announced offline.
   */
  presenceGraceMs?: number;
  /**
   * Whether to open the shared rate-limit store (`options.rateLimitStore`). Default `true`; `false`
   * for an app that counts its limits itself (then `options` has no `rateLimitStore`).
   */
  rateLimits?: boolean;
  /** Errors after start-up, with the part they come from. Default: ignored. */
  onError?: (part: 'broker' | 'presence' | 'replies' | 'rate limits', error: Error) => void;
}

/**
 * The Redis-backed parts of `buildApp`'s options, and how to close them (after the app);
 * `rateLimitStore` unless opened with `rateLimits: false`.
 */
export interface RedisServices<WithRateLimits extends boolean = true> {
  /** Spread into `buildApp`'s options. */
  options: {
    broker: Broker;
    presence: PresenceDirectory;
    replies: ReplyDirectory;
  } & (WithRateLimits extends true ? { rateLimitStore: SharedRateLimitStore } : unknown);
  close(): Promise<void>;
}

/** Something opened that can be closed. */
interface Closable {
  close(): Promise<void>;
}

/**
 * Connects every part (in parallel); if one cannot connect within `connectTimeoutMs`, closes the
 * others and rejects with its error (a `BrokerUnavailableError` naming Redis).
 *
 * @example
 * ```ts
 * const redis = await createRedisServices({ url: process.env.REDIS_URL! });
 * const app = await buildApp({ store, ...redis.options });
 * app.addHook('onClose', () => redis.close());
 * ```
 */
export function createRedisServices(
  options: RedisServicesOptions & { rateLimits: false },
): Promise<RedisServices<false>>;
export function createRedisServices(options: RedisServicesOptions): Promise<RedisServices>;
export async function createRedisServices(options: RedisServicesOptions): Promise<RedisServices<boolean>> {
  const prefix = options.prefix ?? 'chatwire:';
  const common = { url: options.url, prefix, connectTimeoutMs: options.connectTimeoutMs ?? 5000 };
  const report = (part: Parameters<NonNullable<RedisServicesOptions['onError']>>[0]) => (error: Error) =>
    options.onError?.(part, error);
  const withRateLimits = options.rateLimits !== false;
  const opening: Promise<Closable>[] = [
    createRedisBroker({ ...common, onError: report('broker') }),
    createRedisPresence({
      ...common,
      ...(options.presenceGraceMs !== undefined ? { releaseMs: options.presenceGraceMs } : {}),
      onError: report('presence'),
    }),
    createRedisReplyDirectory({ ...common, onError: report('replies') }),
    ...(withRateLimits
      ? [
          createRedisRateLimitStore({
            ...common,
            prefix: `${prefix}ratelimit:`,
            onError: report('rate limits'),
          }),
        ]
      : []),
  ];
  const settled = await Promise.allSettled(opening);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(
      settled.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
    );
    throw failed.reason;
  }
  const [broker, presence, replies, rateLimitStore] = settled.map(
    (result) => (result as PromiseFulfilledResult<Closable>).value,
  ) as [Broker, PresenceDirectory, ReplyDirectory, SharedRateLimitStore | undefined];
  return {
    options: { broker, presence, replies, ...(rateLimitStore ? { rateLimitStore } : {}) },
    async close() {
      // Replies first (their leases released), the broker last: the others may still publish.
      await replies.close();
      await presence.close();
      await rateLimitStore?.close();
      await broker.close();
    },
  };
}
