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
 * - A stream entry (seq, encoded frame, time) is shared: a user's buffer holds references to the
 *   entries addressed to them, bounded by count and age, so memory is one frame per publish, not
 *   one per recipient.
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

/** One published event as it is sent: shared by every recipient's buffer. */
export interface StreamEntry<Frame> {
  /** Its position in the stream. */
  readonly seq: number;
  /** The encoded `event` frame, the same for every recipient. */
  readonly frame: Frame;
  /** When it was published (ms): it stays replayable for `maxAgeMs`. */
  readonly at: number;
}

/** One user's replay buffer (opaque outside this module). */
export interface UserLog {
  /** Resumable from any stream position at or above this one. */
  readonly coveredFrom: number;
}

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

interface LogState<Frame> extends UserLog {
  coveredFrom: number;
  entries: StreamEntry<Frame>[];
  /** Index of the oldest live entry: evicting moves it instead of shifting the array. */
  head: number;
  dropTimer: NodeJS.Timeout | undefined;
}

export type ReplayResult<Frame> = { ok: true; entries: StreamEntry<Frame>[] } | { ok: false };

/**
 * The highest seq any stream of this process handed out. A gateway built again in the same
 * process (a restart in tests, an embedding app rebuilding its server) starts above it even if
 * the clock stepped back.
 */
let highestSeqInProcess = 0;

/**
 * The event stream and the replay buffers of every user this process serves. `Frame` is the
 * encoded frame type the gateway sends (kept generic: this module never looks inside).
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
export function createEventLogs<Frame>(options: EventLogOptions) {
  const now = options.now ?? Date.now;
  const logs = new Map<string, LogState<Frame>>();
  /**
   * The last seq handed out, or the seed before any: a position no earlier stream of this process
   * reached, so a buffer opened now is complete from a point after every old client's position.
   */
  let head =
    options.seed !== undefined && Number.isSafeInteger(options.seed) && options.seed > 0
      ? options.seed
      : Math.max(Math.floor(now()) * 1000, highestSeqInProcess + 1);

  interface HeadWaiter {
    seq: number;
    resolve: (reached: boolean) => void;
    timer: NodeJS.Timeout;
  }
  const headWaiters = new Set<HeadWaiter>();
  /** The lowest seq a waiter waits for: the publish path only compares against it. */
  let wakeAt = Number.POSITIVE_INFINITY;

  function settle(waiter: HeadWaiter, reached: boolean): void {
    clearTimeout(waiter.timer);
    headWaiters.delete(waiter);
    waiter.resolve(reached);
  }

  function wakeWaiters(): void {
    wakeAt = Number.POSITIVE_INFINITY;
    for (const waiter of headWaiters) {
      if (waiter.seq <= head) settle(waiter, true);
      else wakeAt = Math.min(wakeAt, waiter.seq);
    }
  }

  function evict(log: LogState<Frame>, at: number): void {
    const oldest = at - options.maxAgeMs;
    while (log.head < log.entries.length) {
      const entry = log.entries[log.head] as StreamEntry<Frame>;
      if (log.entries.length - log.head <= options.maxEvents && entry.at >= oldest) break;
      // Everything for this user after the evicted entry is still here.
      log.coveredFrom = entry.seq;
      log.head += 1;
    }
    // Compact once the dead prefix is half the array: amortized O(1) per event.
    if (log.head > 32 && log.head * 2 >= log.entries.length) {
      log.entries = log.entries.slice(log.head);
      log.head = 0;
    }
  }

  /** Index of the first live entry with a seq above `seq` (entries are in seq order). */
  function firstAfter(log: LogState<Frame>, seq: number): number {
    let low = log.head;
    let high = log.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((log.entries[middle] as StreamEntry<Frame>).seq <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Whether the buffer holds every event for its user above `position` (after evicting the old). */
  function completeAbove(log: LogState<Frame>, position: number): boolean {
    evict(log, now());
    return position >= log.coveredFrom;
  }

  function replayAbove(userLog: UserLog, position: number): ReplayResult<Frame> {
    const log = userLog as LogState<Frame>;
    if (!completeAbove(log, position)) return { ok: false };
    return { ok: true, entries: log.entries.slice(firstAfter(log, position)) };
  }

  /** Moves the head to `to` (above it) and wakes the waiters it reaches. */
  function advance(to: number): void {
    head = to;
    if (head > highestSeqInProcess) highestSeqInProcess = head;
    if (head >= wakeAt) wakeWaiters();
  }

  return {
    /** The last seq handed out: `ready.seq`, the position a fresh connection starts from. */
    get head(): number {
      return head;
    },

    /**
     * Takes the next stream position: once per publish, whoever the recipients are. `position`
     * is the broker's (the same in every process, see broker.ts) and becomes the seq when it is
     * above the head; anything else (a clock behind this process's seed, a broker position that
     * went backwards) is clamped to the head + 1, because seqs here must only increase.
     */
    next(position?: number): number {
      advance(
        position !== undefined && Number.isSafeInteger(position) && position > head ? position : head + 1,
      );
      return head;
    },

    /**
     * Resolves `true` once the head is at or above `seq` (at once if it is), `false` after
     * `timeoutMs` or on `close`. A resuming client that comes from a process which had read
     * further waits here: the events up to its position reach this process a moment later.
     */
    whenHeadReaches(seq: number, timeoutMs: number): Promise<boolean> {
      if (head >= seq) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter: HeadWaiter = {
          seq,
          resolve,
          timer: setTimeout(() => settle(waiter, false), timeoutMs),
        };
        headWaiters.add(waiter);
        wakeAt = Math.min(wakeAt, seq);
      });
    },

    /** The shared entry for a publish (timestamped now), to `record` for each recipient. */
    entry(seq: number, frame: Frame): StreamEntry<Frame> {
      return { seq, frame, at: now() };
    },

    /** The user's buffer, created (complete from the current head) if there is none; cancels a pending drop. */
    open(userId: string): UserLog {
      let log = logs.get(userId);
      if (!log) {
        log = { coveredFrom: head, entries: [], head: 0, dropTimer: undefined };
        logs.set(userId, log);
      }
      clearTimeout(log.dropTimer);
      log.dropTimer = undefined;
      return log;
    },

    /** The user's buffer if this process keeps one. */
    get(userId: string): UserLog | undefined {
      return logs.get(userId);
    },

    /** Keeps an entry for the buffer's user; entries come in stream order. */
    record(userLog: UserLog, entry: StreamEntry<Frame>): void {
      const log = userLog as LogState<Frame>;
      log.entries.push(entry);
      if (
        log.entries.length - log.head > options.maxEvents ||
        (log.entries[log.head] as StreamEntry<Frame>).at < entry.at - options.maxAgeMs
      ) {
        evict(log, entry.at);
      }
    },

    /**
     * The user's entries after `resumeFrom`, oldest first, or `{ ok: false }` when the buffer does
     * not cover that position (evicted, too old, from before this buffer or this server run, or
     * never handed out): the client must resync.
     */
    replayFrom(userLog: UserLog, resumeFrom: number): ReplayResult<Frame> {
      if (resumeFrom > head) return { ok: false };
      return replayAbove(userLog, resumeFrom);
    },

    /** Whether `replayFrom(log, resumeFrom)` would be `ok`, without taking the entries. */
    covers(userLog: UserLog, resumeFrom: number): boolean {
      return resumeFrom <= head && completeAbove(userLog as LogState<Frame>, resumeFrom);
    },

    /**
     * The user's entries with a seq above `position`, oldest first, or `{ ok: false }` when the
     * buffer is not complete from there. Unlike `replayFrom`, `position` may be above the head:
     * for a caller that knows no event exists between the head and `position` (a shared broker's
     * stream said so, broker-resume.ts); the buffer then holds whatever arrives above it.
     */
    replayAbove,

    /** Forgets the user's buffer after `maxAgeMs` unless `open` is called again before. */
    dropLater(userId: string): void {
      const log = logs.get(userId);
      if (!log) return;
      clearTimeout(log.dropTimer);
      log.dropTimer = setTimeout(() => logs.delete(userId), options.maxAgeMs);
      log.dropTimer.unref();
    },

    /**
     * Events were lost before reaching this process (a broker gap): no buffer is complete any
     * more. The head steps past the lost events (one position stands for them all) and each
     * buffer covers only what comes after it: a `resumeFrom` from before the gap gets `resync`,
     * a `ready.seq` handed out after it resumes.
     */
    invalidate(): void {
      advance(head + 1);
      for (const log of logs.values()) {
        log.coveredFrom = head;
        log.entries = [];
        log.head = 0;
      }
    },

    /** Stops every timer (the process is shutting down). */
    close(): void {
      for (const log of logs.values()) clearTimeout(log.dropTimer);
      logs.clear();
      for (const waiter of headWaiters) settle(waiter, false);
    },
  };
}

export type EventLogs<Frame> = ReturnType<typeof createEventLogs<Frame>>;
