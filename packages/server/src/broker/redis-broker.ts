/**
 * The `Broker` over Redis, for several server processes behind one URL.
 *
 * - `publish` appends `{recipients, event}` to one Redis stream (`XADD <prefix>events MAXLEN ~ N *`).
 *   The append is the publish: it resolves once Redis has the entry, not once it was delivered —
 *   or, while Redis is down, once it is queued in memory (`publish-queue.ts`): the write it follows
 *   is committed, so it is sent, in order, when Redis is back. `available()` is false while the
 *   commands connection is not ready or that queue is full: writes are then refused up front.
 * - Each broker reads that stream on a dedicated connection (`XREAD BLOCK`, from the last id it
 *   read) and delivers each entry to its listeners. So every process sees every event published
 *   after it started, once, in the stream's order (the same in every process), and a short Redis
 *   disconnect loses nothing still in the stream: the reader resumes from its last id.
 * - Each delivery carries a position derived from the entry id (`ms * 1000 + counter`), the same
 *   in every process: the gateway uses it as the event's `seq`. It is the same scale as the
 *   gateway's own clock-seeded seqs (`Date.now() * 1000`).
 *
 * - Gaps: each entry carries `n`, the next value of a counter (`<prefix>events:n`) taken in the
 *   same script as the `XADD`, so stream order is counter order. A reader whose next entry's `n`
 *   is not its last `n + 1` lost entries (its last id was trimmed away, `MAXLEN ~`, or Redis lost
 *   data): the gap listeners are told before that entry is delivered (→ `resync` to its sockets).
 * - `position()`: the last position read, seeded at start from the stream's last entry and Redis
 *   `TIME` (whichever is later), so the gateway's seqs start on the shared scale, not its clock.
 *
 * - `replay` (a resume on a process without the user's buffer): scans the same stream from the
 *   client's position, in pages of `XRANGE`, for the entries addressed to that user — no per-user
 *   logs, so a publish stays one `XADD` however many recipients it has. `null` (→ `resync`) when
 *   the stream no longer holds everything after that position, or past the age, count and scan
 *   limits (see `replayScan`).
 * - `head()`: the stream's last position and Redis `TIME` as a position, in one script, so that a
 *   resume above this process's head can tell "caught up" from "not read yet" (broker-resume.ts).
 *
 * The stream's keys, scripts and reply parsing are in redis-stream.ts, the reader in
 * redis-stream-reader.ts, the replay scan in redis-replay.ts. Presence and the replies being
 * generated have their own Redis modules (redis-presence.ts, replies/redis-reply-directory.ts);
 * `redis-services.ts` opens them all together.
 */

import {
  BrokerUnavailableError,
  connectWithin,
  createBrokerClient,
  describeUrl,
  type RedisClient,
  startupAwareErrors,
} from '../redis/redis-client.js';
import type { Broker } from './broker.js';
import { createPublishQueue } from './publish-queue.js';
import { type ReplayScan, replayScan } from './redis-replay.js';
import { counterKey, eventsKey, headScript, publishScript, streamHeadOf } from './redis-stream.js';
import { type ReaderStart, startStreamReader } from './redis-stream-reader.js';

export { counterKey, eventsKey } from './redis-stream.js';

export interface RedisBrokerOptions {
  /** `redis://` or `rediss://`. */
  url: string;
  /** Prefix of every key this broker uses; processes that talk to each other share it. Default `chatwire:`. */
  prefix?: string;
  /** Start-up gives up after this long (node-redis would retry forever). Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Entries the stream keeps, approximately (`MAXLEN ~`). Default 100,000. */
  maxLength?: number;
  /** Entries read per `XREAD` (and per page of a replay scan). Default 500. */
  readCount?: number;
  /**
   * A replay (`auth { resumeFrom }` on a process without the user's buffer) scanning more stream
   * entries than this gives up (→ `resync`): it bounds the work a resume can cost. Default `maxLength`.
   */
  replayMaxScan?: number;
  /** Publishes kept while Redis is down, at most; at the bound `available()` is false. Default 10,000. */
  publishQueueSize?: number;
  /** Connection and delivery errors after start-up (the broker keeps going). Default: ignored. */
  onError?: (error: Error) => void;
}

/**
 * Connects to Redis (two connections: commands, and the blocking reader) and starts reading the
 * stream from its current end. Rejects with {@link BrokerUnavailableError} when Redis cannot be
 * reached within `connectTimeoutMs`.
 *
 * @example
 * ```ts
 * const broker = await createRedisBroker({ url: process.env.REDIS_URL });
 * const app = await buildApp({ store, broker });
 * ```
 */
export async function createRedisBroker(options: RedisBrokerOptions): Promise<Broker> {
  const prefix = options.prefix ?? 'chatwire:';
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const maxLength = options.maxLength ?? 100_000;
  const readCount = options.readCount ?? 500;
  const reportError = options.onError ?? (() => undefined);
  const errors = startupAwareErrors(reportError);
  const { onError } = errors;
  const key = eventsKey(prefix);
  const counter = counterKey(prefix);
  const where = describeUrl(options.url);

  const newClient = (role: string): RedisClient =>
    createBrokerClient(options.url, `${prefix}${role}`, connectTimeoutMs, onError);

  const commands = newClient('commands');
  const reader = newClient('reader');
  let start: ReaderStart;
  try {
    await Promise.all([
      connectWithin(commands, connectTimeoutMs, where),
      connectWithin(reader, connectTimeoutMs, where),
    ]);
    // Read from the stream's current end: an event published once this function has resolved is
    // delivered here. (`$` on each XREAD would lose entries added between two reads.)
    const reply = (await headScript.run(commands, [key, counter], [])) as unknown[];
    const head = streamHeadOf(reply);
    start = { lastId: String(reply[0]), lastN: Number(reply[2]), position: Math.max(head.last, head.now) };
  } catch (error) {
    for (const client of [commands, reader]) if (client.isOpen) client.destroy();
    throw errors.explain(error);
  }
  errors.started();

  const stream = startStreamReader({ reader, key, readCount, start, onError });
  const replayScanOf: ReplayScan = {
    client: commands,
    key,
    pageSize: readCount,
    maxScan: options.replayMaxScan ?? maxLength,
  };

  // A publish that fails waits here, in order, and goes out when Redis is back (see publish-queue.ts).
  const queue = createPublishQueue<string>({
    send: async (payload) => {
      await publishScript.run(commands, [key, counter], [maxLength, payload]);
    },
    // A skipped counter value: every reader sees `n` jump at the next entry and resyncs.
    markLoss: async () => {
      await commands.sendCommand(['INCR', counter]);
    },
    maxSize: options.publishQueueSize ?? 10_000,
    onError: (error) => onError(error),
  });
  // Reconnected: send what waits now rather than after the queue's backoff.
  commands.on('ready', () => queue.retryNow());

  let closing = false;
  return {
    kind: 'redis',
    async publish(message) {
      const payload = JSON.stringify({ recipients: message.recipients, event: message.event });
      await queue.publish(payload);
    },
    available: () => commands.isReady && !queue.full,
    subscribe: stream.subscribe,
    subscribeGaps: stream.subscribeGaps,
    position: stream.position,
    replay: (userId, after, upTo, limits) => replayScan(replayScanOf, userId, after, upTo, limits),
    head: async () => streamHeadOf((await headScript.run(commands, [key, counter], [])) as unknown[]),
    async ping() {
      try {
        return (await commands.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (closing) return;
      closing = true;
      const unsent = queue.close();
      if (unsent > 0) onError(new Error(`Redis broker closed with ${unsent} events not yet published`));
      await stream.stop();
      if (commands.isOpen) await commands.close();
    },
  };
}
