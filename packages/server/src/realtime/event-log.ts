/**
 * The event stream and the per-user replay buffers: the `seq` each delivered event carries, and
 * what a reconnecting client (`auth { resumeFrom }`) gets replayed.
 *
 * Stream seqs, not per-user counters:
 * - `seq` is a position in this process's event stream: every publish takes the next one, and all
 *   recipients of that event see the same seq. So the `event` frame is the same bytes for every
 *   recipient and is encoded once per publish (fan-out does no per-user or per-socket work beyond
 *   the write), and across processes one shared position per publish (a Redis stream id, one
 *   INCR) can replace a counter per recipient.
 * - A user sees strictly increasing seqs, but not consecutive ones: they skip the events meant for
 *   others. Clients only compare (`seq <= last` is a duplicate) and resume from the last one seen.
 * - The stream is seeded from the clock (`Date.now() * 1000`, and above any seq this process has
 *   handed out), so a restarted server starts above every seq a client may hold: an old
 *   `resumeFrom` can never match a different event, it gets `resync`. (Colliding would take a
 *   previous run publishing over 1,000 events a millisecond on average since it started.)
 *
 * Replay:
 * - A stream entry (seq, encoded frame, time) is shared: it sits once in this process's ring
 *   (stream-ring.ts), and a user's buffer holds the ring indexes of the entries addressed to them,
 *   as runs, bounded by count and age. So memory is one frame per publish, not one per recipient,
 *   and a user who gets every event of a stretch (a busy group's members) holds two numbers for
 *   all of them. An entry leaves the ring when the last buffer holding it lets go; a buffer lets go
 *   of an old entry when it is next touched, or at the latest in the sweep of every buffer that a
 *   publish runs when the ring's oldest entry is past `maxAgeMs` (at most every `maxAgeMs / 4`),
 *   so an idle user's old entries do not keep the ring from shrinking.
 * - Each buffer knows from which stream position it is complete (`coveredFrom`): it holds every
 *   event for its user with a seq above it. That starts at the stream head when the buffer is
 *   created (it records everything published after) and moves up to the seq of each entry evicted.
 *   Seqs are not consecutive per user, so "is the gap still here" cannot be answered by seq
 *   arithmetic; it is `coveredFrom <= resumeFrom <= head`, and the replay is then every entry
 *   with a seq above `resumeFrom`.
 * - Every publish advances the head, recipients here or not: a user with no buffer (never
 *   connected here, or dropped) gets a new one covered from a head above every event they missed,
 *   so an old position resyncs instead of replaying nothing.
 * - Buffers exist only for users with a connection, and for `maxAgeMs` after their last one
 *   closed (to allow a resume); events for anybody else cost nothing here but the seq.
 *
 * Across processes (a shared broker, whose positions are the seqs of every process): a client
 * resuming here with a position this buffer does not cover is replayed from the broker's stream
 * up to the head, then from a buffer opened before that (realtime/broker-resume.ts). A client
 * from a process that had read further than this one can wait for the head here to reach its
 * position (`whenHeadReaches`): until then, this process would send it events it already has.
 * A client whose position is above this head although the shared stream holds nothing there (it
 * got `ready` on a process started later, whose seed is above every entry) is caught up: it gets
 * the buffer's entries above its position (`replayAbove`), none until the next publish.
 */

import { abandonAll, type HeadWaiters, waitForHead, wakeReached } from './head-waiters.js';
import {
  completeAbove,
  emptyBuffer,
  entriesAbove,
  evict,
  keepEntry,
  type ReplayBuffer,
  type ReplayResult,
  restartFrom,
  type UserLog,
} from './replay-buffer.js';
import { emptyRing, newEntry, oldestHeld, type RingEntry, type StreamEntry } from './stream-ring.js';

export type { ReplayResult, StreamEntry, UserLog } from './replay-buffer.js';

export interface EventLogOptions {
  /** Events kept per user. */
  maxEvents: number;
  /** How long an event stays replayable, and a buffer without connections is kept, ms. */
  maxAgeMs: number;
  /** Wall clock, ms; injectable in tests. Default `Date.now`. */
  now?: () => number;
  /**
   * The stream head to start from instead of the clock: a shared broker's position (see
   * `Broker.position`), so that processes with different clocks stamp the same seqs. Ignored
   * unless a positive safe integer.
   */
  seed?: number;
}

/** The event stream and the replay buffers of every user this process serves. */
export interface EventLogs<Frame> {
  /** The last seq handed out: `ready.seq`, the position a fresh connection starts from. */
  readonly head: number;
  /**
   * Takes the next stream position: once per publish, whoever the recipients are. `position`
   * is the broker's (the same in every process, see broker.ts) and becomes the seq when it is
   * above the head; anything else (a clock behind this process's seed, a broker position that
   * went backwards) is clamped to the head + 1, because seqs here must only increase.
   */
  next(position?: number): number;
  /**
   * Resolves `true` once the head is at or above `seq` (at once if it is), `false` after
   * `timeoutMs` or on `close`. A resuming client that comes from a process which had read
   * further waits here: the events up to its position reach this process a moment later.
   */
  whenHeadReaches(seq: number, timeoutMs: number): Promise<boolean>;
  /** The shared entry for a publish (timestamped now), to `record` for each recipient. */
  entry(seq: number, frame: Frame): StreamEntry<Frame>;
  /** The user's buffer, created (complete from the current head) if there is none; cancels a pending drop. */
  open(userId: string): UserLog;
  /** The user's buffer if this process keeps one. */
  get(userId: string): UserLog | undefined;
  /** Keeps an entry for the buffer's user; entries come in stream order. */
  record(userLog: UserLog, entry: StreamEntry<Frame>): void;
  /**
   * The user's entries after `resumeFrom`, oldest first, or `{ ok: false }` when the buffer does
   * not cover that position (evicted, too old, from before this buffer or this server run, or
   * never handed out): the client must resync.
   */
  replayFrom(userLog: UserLog, resumeFrom: number): ReplayResult<Frame>;
  /** Whether `replayFrom(log, resumeFrom)` would be `ok`, without taking the entries. */
  covers(userLog: UserLog, resumeFrom: number): boolean;
  /**
   * The user's entries with a seq above `position`, oldest first, or `{ ok: false }` when the
   * buffer is not complete from there. Unlike `replayFrom`, `position` may be above the head:
   * for a caller that knows no event exists between the head and `position` (a shared broker's
   * stream said so, broker-resume.ts); the buffer then holds whatever arrives above it.
   */
  replayAbove(userLog: UserLog, position: number): ReplayResult<Frame>;
  /** Forgets the user's buffer after `maxAgeMs` unless `open` is called again before. */
  dropLater(userId: string): void;
  /**
   * Events were lost before reaching this process (a broker gap): no buffer is complete any
   * more. The head steps past the lost events (one position stands for them all) and each
   * buffer covers only what comes after it: a `resumeFrom` from before the gap gets `resync`,
   * a `ready.seq` handed out after it resumes.
   */
  invalidate(): void;
  /** Stops every timer (the process is shutting down). */
  close(): void;
}

/**
 * The highest seq any stream of this process handed out. A gateway built again in the same
 * process (a restart in tests, an embedding app rebuilding its server) starts above it even if
 * the clock stepped back.
 */
let highestSeqInProcess = 0;

/**
 * The last seq handed out before any publish: the seed, or a position no earlier stream of this
 * process reached, so a buffer opened now is complete from a point after every old client's position.
 */
function startingHead(options: EventLogOptions, now: () => number): number {
  return options.seed !== undefined && Number.isSafeInteger(options.seed) && options.seed > 0
    ? options.seed
    : Math.max(Math.floor(now()) * 1000, highestSeqInProcess + 1);
}

/**
 * The event stream and the replay buffers of every user this process serves. `Frame` is the
 * encoded frame type the gateway sends (kept generic: this module never looks inside).
 *
 * `next`, `get`, `entry` and `record` are the fan-out's, once per publish or per recipient.
 *
 * @example
 * ```ts
 * const logs = createEventLogs<Buffer>({ maxEvents: 1000, maxAgeMs: 120_000 });
 * const log = logs.open(userId);                 // on auth; `ready.seq` is `logs.head`
 * const seq = logs.next(position);               // once per publish (position: the broker's, if any)
 * const entry = logs.entry(seq, encode(seq));    // once per publish, if anybody here gets it
 * logs.record(log, entry);                       // per recipient with a buffer
 * const missed = logs.replayFrom(log, resumeFrom); // { ok: false } → send `resync`
 * ```
 */
export function createEventLogs<Frame>(options: EventLogOptions): EventLogs<Frame> {
  const now = options.now ?? Date.now;
  const logs = new Map<string, ReplayBuffer>();
  let ring = emptyRing<Frame>();
  let head = startingHead(options, now);
  const headWaiters: HeadWaiters = new Set();
  /** The lowest seq a waiter waits for: the publish path only compares against it. */
  let wakeAt = Number.POSITIVE_INFINITY;

  /** Moves the head to `to` (above it) and wakes the waiters it reaches. */
  function advance(to: number): void {
    head = to;
    if (head > highestSeqInProcess) highestSeqInProcess = head;
    if (head >= wakeAt) wakeAt = wakeReached(headWaiters, head);
  }

  const replayAbove = (userLog: UserLog, position: number): ReplayResult<Frame> =>
    entriesAbove(ring, userLog as ReplayBuffer, position, now(), options);

  /** When a publish may next sweep every buffer for entries past `maxAgeMs`. */
  let nextSweepAt = Number.NEGATIVE_INFINITY;
  /** Lets every buffer evict what is too old, if the ring's oldest entry is (see the header). */
  function sweepOld(at: number): void {
    nextSweepAt = at + options.maxAgeMs / 4;
    const oldest = oldestHeld(ring);
    if (!oldest || oldest.at >= at - options.maxAgeMs) return;
    for (const log of logs.values()) evict(ring, log, at, options);
  }

  return {
    get head(): number {
      return head;
    },
    next(position) {
      advance(
        position !== undefined && Number.isSafeInteger(position) && position > head ? position : head + 1,
      );
      return head;
    },
    whenHeadReaches(seq, timeoutMs) {
      if (head >= seq) return Promise.resolve(true);
      const reached = waitForHead(headWaiters, seq, timeoutMs);
      wakeAt = Math.min(wakeAt, seq);
      return reached;
    },
    entry(seq, frame) {
      const at = now();
      if (at >= nextSweepAt) sweepOld(at);
      return newEntry(seq, frame, at);
    },
    open(userId) {
      let log = logs.get(userId);
      if (!log) {
        log = emptyBuffer(head);
        logs.set(userId, log);
      }
      clearTimeout(log.dropTimer);
      log.dropTimer = undefined;
      return log;
    },
    get(userId) {
      return logs.get(userId);
    },
    record(userLog, entry) {
      keepEntry(ring, userLog as ReplayBuffer, entry as RingEntry<Frame>, options);
    },
    replayFrom(userLog, resumeFrom) {
      if (resumeFrom > head) return { ok: false };
      return replayAbove(userLog, resumeFrom);
    },
    covers(userLog, resumeFrom) {
      return resumeFrom <= head && completeAbove(ring, userLog as ReplayBuffer, resumeFrom, now(), options);
    },
    replayAbove,
    dropLater(userId) {
      const log = logs.get(userId);
      if (!log) return;
      clearTimeout(log.dropTimer);
      log.dropTimer = setTimeout(() => {
        logs.delete(userId);
        restartFrom(ring, log, log.coveredFrom);
      }, options.maxAgeMs);
      log.dropTimer.unref();
    },
    invalidate() {
      advance(head + 1);
      for (const log of logs.values()) restartFrom(ring, log, head);
    },
    close() {
      for (const log of logs.values()) clearTimeout(log.dropTimer);
      logs.clear();
      ring = emptyRing<Frame>();
      abandonAll(headWaiters);
    },
  };
}
