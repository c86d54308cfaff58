/**
 * The process's shared ring of stream entries: every event kept for at least one user here, in
 * stream order, each at a ring index (0, 1, 2, … over the process's life, one per entry kept).
 * The users' replay buffers (replay-buffer.ts) hold ring indexes, as runs, rather than a reference
 * per event: a user who gets every event of a stretch of the stream (the members of a busy group)
 * holds two numbers for all of them, where a reference per event and recipient was most of a
 * busy gateway's heap. Each entry counts the buffers holding it; the last one to let go frees its
 * slot, and the ring drops its oldest slots once they are free.
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

/** A stream entry as the ring keeps it. */
export interface RingEntry<Frame> extends StreamEntry<Frame> {
  /** Its ring index once a buffer holds it (-1 before). */
  index: number;
  /** How many buffers hold it. */
  holders: number;
}

export interface StreamRing<Frame> {
  /** The entries from ring index `base` on; `undefined` where nobody holds one any more. */
  slots: (RingEntry<Frame> | undefined)[];
  /** Offset in `slots` of the oldest slot kept: dropping slots moves it instead of shifting the array. */
  first: number;
  /** The ring index of `slots[0]`. */
  base: number;
}

export function emptyRing<Frame>(): StreamRing<Frame> {
  return { slots: [], first: 0, base: 0 };
}

/** A new entry, not in the ring until a buffer holds it. */
export function newEntry<Frame>(seq: number, frame: Frame, at: number): RingEntry<Frame> {
  return { seq, frame, at, index: -1, holders: 0 };
}

/** The entry at `index`, which the caller's buffer holds (so it is there). */
export function entryAt<Frame>(ring: StreamRing<Frame>, index: number): RingEntry<Frame> {
  return ring.slots[index - ring.base] as RingEntry<Frame>;
}

/** The oldest entry somebody holds, if any. */
export function oldestHeld<Frame>(ring: StreamRing<Frame>): RingEntry<Frame> | undefined {
  return ring.slots[ring.first];
}

/** One more buffer holds `entry` (entries come in stream order): its ring index. */
export function hold<Frame>(ring: StreamRing<Frame>, entry: RingEntry<Frame>): number {
  // Not in the ring yet, or let go by every buffer since (then it comes back at a new index: it
  // is still the newest entry, since entries are held in the publish that makes them).
  if (ring.slots[entry.index - ring.base] !== entry) {
    entry.index = ring.base + ring.slots.length;
    ring.slots.push(entry);
  }
  entry.holders += 1;
  return entry.index;
}

/** A buffer lets go of the entry at `index`; the last one frees its slot. */
export function release<Frame>(ring: StreamRing<Frame>, index: number): void {
  const entry = entryAt(ring, index);
  entry.holders -= 1;
  if (entry.holders > 0) return;
  ring.slots[index - ring.base] = undefined;
  while (ring.first < ring.slots.length && ring.slots[ring.first] === undefined) ring.first += 1;
  // Compact once the dead prefix is half the array: amortized O(1) per entry.
  if (ring.first > 32 && ring.first * 2 >= ring.slots.length) {
    ring.slots = ring.slots.slice(ring.first);
    ring.base += ring.first;
    ring.first = 0;
  }
}
