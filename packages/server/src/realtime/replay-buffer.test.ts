import { describe, expect, it } from 'vitest';
import { createEventLogs, type UserLog } from './event-log.js';
import { emptyBuffer, entriesAbove, keepEntry, type ReplayBuffer, restartFrom } from './replay-buffer.js';
import { emptyRing, newEntry, type StreamRing } from './stream-ring.js';

const limits = { maxEvents: 4, maxAgeMs: 60_000 };
const live = (ring: StreamRing<string>) => ring.slots.filter((slot) => slot !== undefined).length;
const frames = (ring: StreamRing<string>, log: ReplayBuffer, position: number) => {
  const result = entriesAbove(ring, log, position, 0, limits);
  return result.ok ? result.entries.map((entry) => entry.frame) : 'resync';
};

describe('replay buffers over the shared stream ring', () => {
  it('a user who gets every event of a stretch holds one run: two numbers, however many events', () => {
    const ring = emptyRing<string>();
    const [member, other] = [emptyBuffer(0), emptyBuffer(0)];
    const limitsOf100 = { maxEvents: 100, maxAgeMs: 60_000 };
    for (let seq = 1; seq <= 50; seq += 1) {
      const entry = newEntry(seq, `e${seq}`, 0);
      keepEntry(ring, member, entry, limitsOf100);
      keepEntry(ring, other, entry, limitsOf100);
    }
    expect(member.runs).toHaveLength(2);
    expect(member.count).toBe(50);
    // One event for `other` only: `member`'s next event starts a new run.
    keepEntry(ring, other, newEntry(51, 'only other', 0), limitsOf100);
    keepEntry(ring, member, newEntry(52, 'e52', 0), limitsOf100);
    expect(member.runs).toHaveLength(3);
    const replay = entriesAbove(ring, member, 48, 0, limitsOf100);
    expect(replay.ok && replay.entries.map((entry) => entry.frame)).toEqual(['e49', 'e50', 'e52']);
  });

  it('evicts by count across runs and single indexes, moving coveredFrom to the last evicted', () => {
    const ring = emptyRing<string>();
    const [u, v] = [emptyBuffer(0), emptyBuffer(0)];
    // u gets 1, 2, 3 (a run), v only gets 4, u gets 5 and 7 (single indexes), v 6.
    for (let seq = 1; seq <= 7; seq += 1) {
      const entry = newEntry(seq, `e${seq}`, 0);
      if (seq !== 4 && seq !== 6) keepEntry(ring, u, entry, limits);
      if (seq >= 4) keepEntry(ring, v, entry, limits);
    }
    // u keeps four: 2, 3, 5, 7 (1 evicted).
    expect(u.coveredFrom).toBe(1);
    expect(frames(ring, u, 1)).toEqual(['e2', 'e3', 'e5', 'e7']);
    expect(frames(ring, u, 3)).toEqual(['e5', 'e7']);
    expect(frames(ring, u, 0)).toBe('resync');
    keepEntry(ring, u, newEntry(8, 'e8', 0), limits);
    keepEntry(ring, u, newEntry(9, 'e9', 0), limits);
    expect(u.coveredFrom).toBe(3);
    expect(frames(ring, u, 3)).toEqual(['e5', 'e7', 'e8', 'e9']);
  });

  it('an entry leaves the ring once every buffer holding it let go of it', () => {
    const ring = emptyRing<string>();
    const [a, b] = [emptyBuffer(0), emptyBuffer(0)];
    for (let seq = 1; seq <= 10; seq += 1) {
      const entry = newEntry(seq, `e${seq}`, 0);
      keepEntry(ring, a, entry, limits);
      if (seq <= 6) keepEntry(ring, b, entry, limits);
    }
    // a holds 7–10, b holds 3–6: 3–10 are live.
    expect(live(ring)).toBe(8);
    restartFrom(ring, b, 10);
    expect(live(ring)).toBe(4);
    expect(b.runs).toBeUndefined();
    restartFrom(ring, a, 10);
    expect(live(ring)).toBe(0);
  });

  it("a publish lets an idle user's buffer drop what is past maxAgeMs, without that user being touched", () => {
    let now = 0;
    const logs = createEventLogs<string>({ maxEvents: 100, maxAgeMs: 1000, now: () => now });
    const [idle, busy] = [logs.open('idle'), logs.open('busy')];
    const publish = (recipients: UserLog[]) => {
      const seq = logs.next();
      const entry = logs.entry(seq, String(seq));
      for (const log of recipients) logs.record(log, entry);
      return seq;
    };
    const opened = idle.coveredFrom;
    const old = publish([idle, busy]);
    now = 500;
    publish([busy]);
    expect(idle.coveredFrom).toBe(opened);
    now = 1600;
    publish([busy]);
    expect(idle.coveredFrom).toBe(old);
  });
});
