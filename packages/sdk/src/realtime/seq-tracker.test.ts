import { describe, expect, it } from 'vitest';
import { createSeqTracker } from './seq-tracker.js';

// Seqs are positions in the server's event stream, shared by every user: a user's seqs increase
// but skip the events meant for others. Nothing here may assume `+1`.
describe('seq tracker', () => {
  it('accepts increasing, non-consecutive seqs and drops anything at or below the last one', () => {
    const seqs = createSeqTracker();
    seqs.opened();
    seqs.ready(1_000);
    expect(seqs.last).toBe(1_000);
    expect([1_007, 1_007, 1_003, 1_042].map((seq) => seqs.accept(seq))).toEqual([true, false, false, true]);
    expect(seqs.last).toBe(1_042);
  });

  it('a resumed socket keeps its position through the replay, whatever the head', () => {
    const seqs = createSeqTracker();
    seqs.opened();
    seqs.ready(1_000);
    seqs.accept(1_010);
    // Dropped; the new socket resumes from 1_010. The head moved on by other users' events too.
    seqs.opened();
    seqs.ready(2_000);
    expect(seqs.last).toBe(1_010);
    expect([1_500, 1_010, 1_999].map((seq) => seqs.accept(seq))).toEqual([true, false, true]);
    expect(seqs.accept(2_003)).toBe(true); // live, after the replay
  });

  it('resync continues from the new socket’s head', () => {
    const seqs = createSeqTracker();
    seqs.opened();
    seqs.ready(1_000);
    seqs.accept(1_010);
    seqs.opened();
    seqs.resync(); // before ready: the coming ready is adopted
    seqs.ready(9_000_000);
    expect(seqs.last).toBe(9_000_000);
    expect(seqs.accept(9_000_017)).toBe(true);
  });
});
