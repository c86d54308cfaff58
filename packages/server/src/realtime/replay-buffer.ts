/**
 * One user's replay buffer: the ring indexes (stream-ring.ts) of the shared stream entries
 * addressed to them, bounded by count and age, and the stream position from which it is complete
 * (`coveredFrom`). The event stream and the buffers of every user are in event-log.ts, which
 * explains why it works this way.
 *
 * The indexes are kept as runs: an index, optionally followed by `-k` for the `k` indexes right
 * after it. A user who gets every event of a stretch of the stream (a busy group) holds one run
 * for all of them; a user whose events are scattered holds one number per event, as a reference
 * per event would cost. A buffer with no entries holds no array at all.
 */
import { entryAt, hold, type RingEntry, release, type StreamEntry, type StreamRing } from './stream-ring.js';

export type { StreamEntry } from './stream-ring.js';

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

export interface ReplayBuffer extends UserLog {
  coveredFrom: number;
  /** The ring indexes held, oldest first from `first`, as runs; `undefined` while none. */
  runs: number[] | undefined;
  /** Offset in `runs` of the oldest index (never a run's `-k`): evicting moves it instead of shifting. */
  first: number;
  /** How many entries it holds. */
  count: number;
  dropTimer: NodeJS.Timeout | undefined;
}

export type ReplayResult<Frame> = { ok: true; entries: StreamEntry<Frame>[] } | { ok: false };

/** An empty buffer, complete from `coveredFrom` (the stream head when it is opened). */
export function emptyBuffer(coveredFrom: number): ReplayBuffer {
  return { coveredFrom, runs: undefined, first: 0, count: 0, dropTimer: undefined };
}

/** Adds the ring index `index`, above every index held. */
function append(log: ReplayBuffer, index: number): void {
  log.count += 1;
  if (!log.runs) {
    log.runs = [index];
    return;
  }
  const { runs } = log;
  const last = runs[runs.length - 1] as number;
  if (last < 0) {
    // A run `start, -k`: extended when `index` comes right after its end.
    if ((runs[runs.length - 2] as number) - last + 1 === index) runs[runs.length - 1] = last - 1;
    else runs.push(index);
  } else if (last + 1 === index) {
    // A one-index array made a run: a new two-element array, since a push would reserve 17
    // slots, and a run that keeps growing needs no more than these two.
    if (runs.length === 1) log.runs = [last, -1];
    else runs.push(-1);
  } else runs.push(index);
}

/** Removes the oldest index held (there is one). */
function dropOldest(log: ReplayBuffer): void {
  const runs = log.runs as number[];
  const index = runs[log.first] as number;
  const next = runs[log.first + 1];
  log.count -= 1;
  if (log.count === 0) {
    log.runs = undefined;
    log.first = 0;
    return;
  }
  if (next !== undefined && next < 0) {
    // `index, -k` becomes `index + 1, -(k - 1)`; `index, -1` becomes `index + 1` alone.
    if (next === -1) {
      runs[log.first + 1] = index + 1;
      log.first += 1;
    } else {
      runs[log.first] = index + 1;
      runs[log.first + 1] = next + 1;
    }
  } else log.first += 1;
  // Compact once the dead prefix is half the array: amortized O(1) per event.
  if (log.first > 32 && log.first * 2 >= runs.length) {
    log.runs = runs.slice(log.first);
    log.first = 0;
  }
}

/** Calls `visit` with each run held (its first ring index and its length), oldest first. */
function forEachRun(log: ReplayBuffer, visit: (start: number, length: number) => void): void {
  const { runs } = log;
  if (!runs) return;
  for (let at = log.first; at < runs.length; ) {
    const next = runs[at + 1];
    const length = next !== undefined && next < 0 ? 1 - next : 1;
    visit(runs[at] as number, length);
    at += length > 1 ? 2 : 1;
  }
}

/** Keeps `entry` for the buffer's user (entries come in stream order), then evicts what is over the limits. */
export function keepEntry<Frame>(
  ring: StreamRing<Frame>,
  log: ReplayBuffer,
  entry: RingEntry<Frame>,
  limits: BufferLimits,
): void {
  append(log, hold(ring, entry));
  const oldest = entryAt(ring, (log.runs as number[])[log.first] as number);
  if (log.count > limits.maxEvents || oldest.at < entry.at - limits.maxAgeMs)
    evict(ring, log, entry.at, limits);
}

/** Drops the entries over the count or older than `maxAgeMs` at `at`, moving `coveredFrom` up. */
export function evict<Frame>(
  ring: StreamRing<Frame>,
  log: ReplayBuffer,
  at: number,
  limits: BufferLimits,
): void {
  const oldest = at - limits.maxAgeMs;
  while (log.count > 0) {
    const index = (log.runs as number[])[log.first] as number;
    const entry = entryAt(ring, index);
    if (log.count <= limits.maxEvents && entry.at >= oldest) break;
    // Everything for this user after the evicted entry is still here.
    log.coveredFrom = entry.seq;
    dropOldest(log);
    release(ring, index);
  }
}

/** Whether the buffer holds every event for its user above `position` (after evicting the old at `at`). */
export function completeAbove<Frame>(
  ring: StreamRing<Frame>,
  log: ReplayBuffer,
  position: number,
  at: number,
  limits: BufferLimits,
): boolean {
  evict(ring, log, at, limits);
  return position >= log.coveredFrom;
}

/** The entries above `position`, oldest first, or `{ ok: false }` when the buffer is not complete from there. */
export function entriesAbove<Frame>(
  ring: StreamRing<Frame>,
  log: ReplayBuffer,
  position: number,
  at: number,
  limits: BufferLimits,
): ReplayResult<Frame> {
  if (!completeAbove(ring, log, position, at, limits)) return { ok: false };
  const entries: StreamEntry<Frame>[] = [];
  forEachRun(log, (start, length) => {
    // A run wholly at or below `position` is skipped by looking at its last entry only.
    if (entryAt(ring, start + length - 1).seq <= position) return;
    for (let index = start; index < start + length; index += 1) {
      const entry = entryAt(ring, index);
      if (entry.seq > position) entries.push(entry);
    }
  });
  return { ok: true, entries };
}

/** Lets go of every entry: the buffer is empty, complete from `from`. */
export function restartFrom<Frame>(ring: StreamRing<Frame>, log: ReplayBuffer, from: number): void {
  forEachRun(log, (start, length) => {
    for (let index = start; index < start + length; index += 1) release(ring, index);
  });
  log.coveredFrom = from;
  log.runs = undefined;
  log.first = 0;
  log.count = 0;
}
