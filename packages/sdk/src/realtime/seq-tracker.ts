/**
 * Where the client is in its user's event stream. `lastSeq` is what `auth { resumeFrom }` asks
 * the server to continue from, and what de-duplicates: an event at or below it was seen already.
 */
export interface SeqTracker {
  /** The seq of the last event seen (or the head adopted from `ready`); `undefined` before any. */
  readonly last: number | undefined;
  /** A new socket: forget the previous socket's `ready`. */
  opened(): void;
  /**
   * `ready { seq }`: the head of the stream now. A first connection starts from it; a resumed one
   * keeps its own position, as the replay of what it missed (seqs up to the head) follows.
   */
  ready(seq: number): void;
  /** `resync`: the gap cannot be replayed; continue from this socket's head, after a REST refetch. */
  resync(): void;
  /** Whether the event at `seq` is new (and then moves `last` to it). */
  accept(seq: number): boolean;
}

export function createSeqTracker(): SeqTracker {
  let last: number | undefined;
  let head: number | undefined;
  return {
    get last() {
      return last;
    },
    opened() {
      head = undefined;
    },
    ready(seq) {
      head = seq;
      last ??= seq;
    },
    resync() {
      // Before this socket's `ready`, `undefined`: the coming `ready` is then adopted as the start.
      last = head;
    },
    accept(seq) {
      if (last !== undefined && seq <= last) return false;
      last = seq;
      return true;
    },
  };
}
