/**
 * Per-user event logs: the `seq` each delivered event carries, and a bounded buffer of recent
 * events so that a reconnecting client (`auth { resumeFrom }`) gets exactly what it missed.
 *
 * - A user's seqs are consecutive within one log: a client sees `ready.seq`, then `+1`, `+2`, …
 * - A log is seeded from the clock (`Date.now() * 1000`, and above any log this process dropped),
 *   so a restarted server, or one that forgot a user, starts above every seq already handed out:
 *   an old `resumeFrom` can never match a different event, it gets `resync`. (Colliding would
 *   take one user receiving over 1,000 events a millisecond, sustained.)
 * - Logs exist only for users with a connection, and for `maxAgeMs` after their last one closed
 *   (to allow a resume); events for anybody else cost nothing here.
 * - The buffer keeps the serialized event, shared by every recipient, not a frame per user.
 */

/** One buffered event: its seq for this user, the event JSON (shared across users), when. */
export interface LoggedEvent {
  seq: number;
  json: string;
  at: number;
}

/** One user's log. */
export interface UserLog {
  /** The last seq handed out (the seed when nothing was yet). */
  readonly seq: number;
}

export interface EventLogOptions {
  /** Events kept per user. */
  maxEvents: number;
  /** How long an event stays replayable, and a log without connections is kept, ms. */
  maxAgeMs: number;
  /** Wall clock, ms; injectable in tests. Default `Date.now`. */
  now?: () => number;
}

interface LogState extends UserLog {
  seq: number;
  /** Seq of the newest event no longer buffered (or the seed): resumable from here on. */
  floor: number;
  entries: LoggedEvent[];
  /** Index of the oldest live entry: evicting moves it instead of shifting the array. */
  head: number;
  dropTimer: NodeJS.Timeout | undefined;
}

export type ReplayResult = { ok: true; events: LoggedEvent[] } | { ok: false };

/**
 * The event logs of every user this process serves.
 *
 * @example
 * ```ts
 * const logs = createEventLogs({ maxEvents: 1000, maxAgeMs: 120_000 });
 * const log = logs.open(userId);            // on auth
 * const seq = logs.append(log, eventJson);  // on each event for userId
 * const missed = logs.replayFrom(log, resumeFrom); // { ok: false } → send `resync`
 * ```
 */
export function createEventLogs(options: EventLogOptions) {
  const now = options.now ?? Date.now;
  const logs = new Map<string, LogState>();
  /** The highest seq of any log dropped: a new log starts above it even if the clock stepped back. */
  let droppedHighWater = 0;

  function evict(log: LogState, at: number): void {
    const oldest = at - options.maxAgeMs;
    while (log.head < log.entries.length) {
      const entry = log.entries[log.head] as LoggedEvent;
      if (log.entries.length - log.head <= options.maxEvents && entry.at >= oldest) break;
      log.floor = entry.seq;
      log.head += 1;
    }
    // Compact once the dead prefix is half the array: amortized O(1) per event.
    if (log.head > 32 && log.head * 2 >= log.entries.length) {
      log.entries = log.entries.slice(log.head);
      log.head = 0;
    }
  }

  return {
    /** The user's log, created (seeded from the clock) if there is none; cancels a pending drop. */
    open(userId: string): UserLog {
      let log = logs.get(userId);
      if (!log) {
        const seed = Math.max(Math.floor(now()) * 1000, droppedHighWater + 1);
        log = { seq: seed, floor: seed, entries: [], head: 0, dropTimer: undefined };
        logs.set(userId, log);
      }
      clearTimeout(log.dropTimer);
      log.dropTimer = undefined;
      return log;
    },

    /** The user's log if this process keeps one. */
    get(userId: string): UserLog | undefined {
      return logs.get(userId);
    },

    /** Records an event for the log's user; returns its seq. */
    append(userLog: UserLog, json: string): number {
      const log = userLog as LogState;
      const at = now();
      log.seq += 1;
      log.entries.push({ seq: log.seq, json, at });
      if (
        log.entries.length - log.head > options.maxEvents ||
        (log.entries[log.head]?.at ?? at) < at - options.maxAgeMs
      ) {
        evict(log, at);
      }
      return log.seq;
    },

    /**
     * The events after `resumeFrom`, oldest first, or `{ ok: false }` when that position is not
     * (or no longer, or never was) in this log: the client must resync.
     */
    replayFrom(userLog: UserLog, resumeFrom: number): ReplayResult {
      const log = userLog as LogState;
      evict(log, now());
      if (resumeFrom < log.floor || resumeFrom > log.seq) return { ok: false };
      return { ok: true, events: log.entries.slice(log.head + (resumeFrom - log.floor)) };
    },

    /** Forgets the user's log after `maxAgeMs` unless `open` is called again before. */
    dropLater(userId: string): void {
      const log = logs.get(userId);
      if (!log) return;
      clearTimeout(log.dropTimer);
      log.dropTimer = setTimeout(() => {
        droppedHighWater = Math.max(droppedHighWater, log.seq);
        logs.delete(userId);
      }, options.maxAgeMs);
      log.dropTimer.unref();
    },

    /** Stops every timer (the process is shutting down). */
    close(): void {
      for (const log of logs.values()) clearTimeout(log.dropTimer);
      logs.clear();
    },
  };
}

export type EventLogs = ReturnType<typeof createEventLogs>;
