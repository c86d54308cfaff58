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
 * Presence and the replies being generated have their own Redis modules (redis-presence.ts,
 * replies/redis-reply-directory.ts); `redis-services.ts` opens them all together.
 */

import {
  BrokerUnavailableError,
  backoffMs,
  connectWithin,
  createBrokerClient,
  defineScript,
  describeUrl,
  luaNow,
  type RedisClient,
  startupAwareErrors,
} from '../redis/redis-client.js';
import type {
  Broker,
  BrokerListener,
  BrokerMessage,
  ReplayedEvent,
  ReplayLimits,
  StreamHead,
} from './broker.js';
import { createPublishQueue } from './publish-queue.js';

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

/** The stream key: one shared fan-out stream per prefix. */
export const eventsKey = (prefix: string) => `${prefix}events`;

/** The counter each entry's `n` is taken from. */
export const counterKey = (prefix: string) => `${prefix}events:n`;

/** KEYS: stream, counter. ARGV: maxLength, payload. One atomic step: stream order = counter order. */
const publishScript = defineScript(`
local n = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[2], 'n', n)
return n`);

/**
 * KEYS: stream, counter. The last entry's id, Redis's clock (ms) and the counter, in one atomic
 * step: where the reader starts (and its `n`), and `Broker.head`. Every later `XADD *` gets an id
 * at or above that millisecond (Redis never hands out an id below its clock or its last id), so a
 * position below `ms * 1000` is never taken after this call.
 */
const headScript = defineScript(`${luaNow}
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
return {last[1] and last[1][1] or '0-0', now(), redis.call('GET', KEYS[2]) or '0'}`);

/**
 * `Broker.head` from `headScript`'s reply. `now` = `ms * 1000 - 1`: the highest seed a process
 * started at or before this millisecond can hold (`position()`: Redis `TIME * 1000 - 1`), and
 * below every entry appended after the call (at `ms * 1000` or above) — a client resuming at or
 * below it, above everything in the stream, has missed nothing.
 */
function streamHeadOf(reply: unknown[]): StreamHead {
  return { last: positionOf(String(reply[0])) ?? 0, now: Number(reply[1]) * 1000 - 1 };
}

/** `1700000000000-3` → 1700000000000003; `undefined` for anything else. */
function positionOf(id: string): number | undefined {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) return undefined;
  return Number(match[1]) * 1000 + Number(match[2]);
}

/** One entry of a raw RESP2 `XREAD` reply: `[id, [field, value, …]]`. */
type RawEntry = [id: string, fields: string[]];

/** The entries of a raw `XREAD` reply for one stream (`null` when the block timed out). */
function entriesOf(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: RawEntry[] = [];
  for (const stream of reply) {
    if (!Array.isArray(stream) || !Array.isArray(stream[1])) continue;
    for (const entry of stream[1] as unknown[]) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1]))
        entries.push([entry[0], (entry[1] as unknown[]).map(String)]);
    }
  }
  return entries;
}

/** A position → the stream id it came from (the inverse of `positionOf` for counters below 1000). */
function idOf(position: number): string {
  return `${Math.floor(position / 1000)}-${position % 1000}`;
}

/**
 * KEYS: stream. ARGV: start, end, count. One page of a replay scan, in one atomic step with the
 * stream's oldest id and Redis's clock (ms). Trimming (`MAXLEN ~`) only ever removes the oldest
 * entries, so if the oldest entry left is at or below the replay's `after`, nothing after `after`
 * had been trimmed when this page was read: the page is complete.
 */
const replayPageScript = defineScript(`${luaNow}
local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local page = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
return {oldest[1] and oldest[1][1] or '', now(), page}`);

/** The entries of a raw RESP2 `XRANGE` reply: `[[id, [field, value, …]], …]`. */
function rangeEntriesOf(reply: unknown): RawEntry[] {
  return entriesOf([[null, reply]]);
}

/** The value of `field` in an entry's flat field list. */
function fieldOf(fields: string[], field: string): string | undefined {
  const index = fields.indexOf(field);
  return index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
}

interface ReplayScan {
  client: RedisClient;
  key: string;
  pageSize: number;
  maxScan: number;
}

/**
 * `Broker.replay` over the shared stream: pages of `XRANGE` from just before `after` to `upTo`,
 * keeping the entries addressed to `userId`. Per-user logs in Redis would make this one short
 * read, but every publish would then cost one `XADD` (and one copy) per recipient; this way a
 * publish stays one `XADD` and a resume pays for a scan of what was published while it was away.
 *
 * The reader delivers an entry at `positionOf(id)` unless that is not above the previous entry's
 * position (a counter of 1000 or more in one millisecond), when it delivers previous + 1 instead:
 * positions then no longer map back to ids. So the scan starts one millisecond before `after`
 * (an `after` handed out for such an entry is found there) and gives up on any such counter.
 */
async function replayScan(
  scan: ReplayScan,
  userId: string,
  after: number,
  upTo: number,
  limits: ReplayLimits,
): Promise<ReplayedEvent[] | null> {
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(upTo) || after < 0 || upTo < after) return null;
  const events: ReplayedEvent[] = [];
  // A cheap test before parsing: the recipients list holds the id as a JSON string.
  const quotedUser = JSON.stringify(userId);
  const end = idOf(upTo);
  let start = `${Math.max(Math.floor(after / 1000) - 1, 0)}-0`;
  let scanned = 0;
  let oldestAllowed: number | undefined;
  for (;;) {
    const reply = (await replayPageScript.run(
      scan.client,
      [scan.key],
      [start, end, scan.pageSize],
    )) as unknown[];
    const oldest = positionOf(String(reply[0]));
    // An empty stream (Redis lost it, or nothing was ever published) or entries after `after`
    // trimmed away: what the client missed cannot be known.
    if (oldest === undefined || oldest > after) return null;
    oldestAllowed ??= Number(reply[1]) - limits.maxAgeMs;
    const page = rangeEntriesOf(reply[2]);
    for (const [id, fields] of page) {
      const [ms, counter] = id.split('-').map(Number) as [number, number];
      if (counter >= 1000) return null;
      const position = ms * 1000 + counter;
      if (position <= after) continue;
      scanned += 1;
      if (scanned > scan.maxScan) return null;
      const payload = fieldOf(fields, 'm');
      if (payload === undefined || !payload.includes(quotedUser)) continue;
      let message: BrokerMessage;
      try {
        message = JSON.parse(payload) as BrokerMessage;
      } catch {
        continue; // the reader skipped it too: nobody got it
      }
      if (!message.recipients.includes(userId)) continue;
      if (ms < oldestAllowed) return null;
      events.push({ position, event: message.event });
      if (events.length > limits.maxEvents) return null;
    }
    const last = page[page.length - 1];
    if (page.length < scan.pageSize || !last) return events;
    start = `(${last[0]}`;
  }
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
  let lastId: string;
  /** The `n` of the last entry read (the counter's value at start). */
  let lastN: number;
  let startPosition: number;
  try {
    await Promise.all([
      connectWithin(commands, connectTimeoutMs, where),
      connectWithin(reader, connectTimeoutMs, where),
    ]);
    // Read from the stream's current end: an event published once this function has resolved is
    // delivered here. (`$` on each XREAD would lose entries added between two reads.)
    const start = (await headScript.run(commands, [key, counter], [])) as unknown[];
    lastId = String(start[0]);
    lastN = Number(start[2]);
    const head = streamHeadOf(start);
    startPosition = Math.max(head.last, head.now);
  } catch (error) {
    for (const client of [commands, reader]) if (client.isOpen) client.destroy();
    throw errors.explain(error);
  }
  errors.started();

  let lastPosition = startPosition;

  const listeners = new Set<BrokerListener>();
  const gapListeners = new Set<() => void>();

  function reportGap(id: string, n: number): void {
    onError(new Error(`Redis broker: entries before ${id} were lost (n ${lastN} → ${n}): resync`));
    for (const listener of gapListeners) {
      try {
        listener();
      } catch (error) {
        onError(error as Error);
      }
    }
  }
  let closing = false;

  function deliver([id, fields]: RawEntry): void {
    // Guarded to keep increasing: more than 1,000 entries in one millisecond would otherwise
    // reach into the next millisecond's range.
    lastPosition = Math.max(positionOf(id) ?? 0, lastPosition + 1);
    const n = Number(fieldOf(fields, 'n'));
    if (Number.isSafeInteger(n)) {
      if (n !== lastN + 1) reportGap(id, n);
      lastN = n;
    }
    let message: BrokerMessage;
    try {
      message = JSON.parse(fieldOf(fields, 'm') ?? '') as BrokerMessage;
    } catch (error) {
      onError(new Error(`Redis broker: unreadable entry ${id} skipped`, { cause: error }));
      return;
    }
    for (const listener of listeners) {
      try {
        listener(message, lastPosition);
      } catch (error) {
        // One failing listener must not stop delivery to the others, nor the reader.
        onError(error as Error);
      }
    }
  }

  async function readLoop(): Promise<void> {
    let failures = 0;
    while (!closing) {
      try {
        const reply = await reader.sendCommand([
          'XREAD',
          'COUNT',
          String(readCount),
          'BLOCK',
          '0',
          'STREAMS',
          key,
          lastId,
        ]);
        failures = 0;
        for (const entry of entriesOf(reply)) {
          lastId = entry[0];
          deliver(entry);
        }
      } catch (error) {
        if (closing) return;
        onError(error as Error);
        // Redis is down or reconnecting (the offline queue is off, so this fails at once): wait
        // a little, then read again from the last id.
        failures += 1;
        await new Promise((resolve) => setTimeout(resolve, backoffMs(failures)));
      }
    }
  }
  const reading = readLoop();
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

  return {
    kind: 'redis',
    async publish(message) {
      const payload = JSON.stringify({ recipients: message.recipients, event: message.event });
      await queue.publish(payload);
    },
    available: () => commands.isReady && !queue.full,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribeGaps(listener) {
      gapListeners.add(listener);
      return () => gapListeners.delete(listener);
    },
    position: () => lastPosition,
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
      listeners.clear();
      gapListeners.clear();
      const unsent = queue.close();
      if (unsent > 0) onError(new Error(`Redis broker closed with ${unsent} events not yet published`));
      // The reader is blocked in XREAD: destroying its connection is what ends the call.
      if (reader.isOpen) reader.destroy();
      await reading;
      if (commands.isOpen) await commands.close();
    },
  };
}
