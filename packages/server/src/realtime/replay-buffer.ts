/**
 * One user's replay buffer: references to the shared stream entries addressed to them, bounded by
 * count and age, and the stream position from which it is complete (`coveredFrom`). The event
 * stream and the buffers of every user are in event-log.ts, which explains why it works this way.
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

/** One user's replay buffer (opaque outside the event log). */
export interface UserLog {
  /** Resumable from any stream position at or above this one. */
  readonly coveredFrom: number;
}

/** What a buffer keeps: the event log's options. */
export interface BufferLimits {
  /** Events kept per user. */
  maxEvents: number;
  /** How long an event stays replayable, ms. */
  maxAgeMs: number;
}

export interface ReplayBuffer<Frame> extends UserLog {
  coveredFrom: number;
  entries: StreamEntry<Frame>[];
  /** Index of the oldest live entry: evicting moves it instead of shifting the array. */
  head: number;
  dropTimer: NodeJS.Timeout | undefined;
}

export type ReplayResult<Frame> = { ok: true; entries: StreamEntry<Frame>[] } | { ok: false };

/** An empty buffer, complete from `coveredFrom` (the stream head when it is opened). */
export function emptyBuffer<Frame>(coveredFrom: number): ReplayBuffer<Frame> {
  return { coveredFrom, entries: [], head: 0, dropTimer: undefined };
}

/** Drops the entries over the count or older than `maxAgeMs` at `at`, moving `coveredFrom` up. */
export function evict<Frame>(log: ReplayBuffer<Frame>, at: number, limits: BufferLimits): void {
  const oldest = at - limits.maxAgeMs;
  while (log.head < log.entries.length) {
    const entry = log.entries[log.head] as StreamEntry<Frame>;
    if (log.entries.length - log.head <= limits.maxEvents && entry.at >= oldest) break;
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
function firstAfter<Frame>(log: ReplayBuffer<Frame>, seq: number): number {
  let low = log.head;
  let high = log.entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((log.entries[middle] as StreamEntry<Frame>).seq <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether the buffer holds every event for its user above `position` (after evicting the old at `at`). */
export function completeAbove<Frame>(
  log: ReplayBuffer<Frame>,
  position: number,
  at: number,
  limits: BufferLimits,
): boolean {
  evict(log, at, limits);
  return position >= log.coveredFrom;
}

/** The entries above `position`, oldest first, or `{ ok: false }` when the buffer is not complete from there. */
export function entriesAbove<Frame>(
  log: ReplayBuffer<Frame>,
  position: number,
  at: number,
  limits: BufferLimits,
): ReplayResult<Frame> {
  if (!completeAbove(log, position, at, limits)) return { ok: false };
  return { ok: true, entries: log.entries.slice(firstAfter(log, position)) };
}

/** Empties the buffer: it covers only what comes after `from`. */
export function restartFrom<Frame>(log: ReplayBuffer<Frame>, from: number): void {
  log.coveredFrom = from;
  log.entries = [];
  log.head = 0;
}
