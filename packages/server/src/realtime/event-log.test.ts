import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventLogs, type EventLogs, type UserLog } from './event-log.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Publishes one event (the frame is its name) to the recipients that have a buffer, as fan-out does. */
function publish(logs: EventLogs<string>, frame: string, recipients: UserLog[]): number {
  const seq = logs.next();
  const entry = logs.entry(seq, frame);
  for (const log of recipients) logs.record(log, entry);
  return seq;
}

function replay(logs: EventLogs<string>, log: UserLog, from: number): string[] | 'resync' {
  const result = logs.replayFrom(log, from);
  // `covers` is the same test, without taking the entries.
  expect(logs.covers(log, from)).toBe(result.ok);
  return result.ok ? result.entries.map((entry) => entry.frame) : 'resync';
}

describe('event stream and replay buffers', () => {
  it('seeds from the clock; one seq per publish, increasing, shared by every recipient', () => {
    const logs = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 60_000, now: () => 5_000_000 });
    expect(logs.head).toBeGreaterThanOrEqual(5_000_000_000);
    const [a, b] = [logs.open('a'), logs.open('b')];
    const seq = publish(logs, 'both', [a, b]);
    expect(seq).toBe(logs.head);
    publish(logs, 'only b', [b]);
    const third = publish(logs, 'a again', [a]);
    expect(third).toBeGreaterThan(seq);
    const fromStart = (log: UserLog) => logs.replayFrom(log, seq - 1);
    const [ra, rb] = [fromStart(a), fromStart(b)];
    if (!ra.ok || !rb.ok) throw new Error('expected a replay');
    // The same entry object (one frame in memory) in both buffers; a's seqs skip b's event.
    expect(ra.entries[0]).toBe(rb.entries[0]);
    expect(ra.entries.map((entry) => entry.seq)).toEqual([seq, third]);
    expect(third - seq).toBe(2);
  });

  it("starts from a broker's seed instead of the clock, so a position just above it is taken as is", () => {
    const logs = createEventLogs<string>({
      maxEvents: 10,
      maxAgeMs: 60_000,
      now: () => 9e12,
      seed: 1_000_000,
    });
    expect(logs.head).toBe(1_000_000);
    expect(logs.next(1_000_005)).toBe(1_000_005);
    // A seed that is not a positive integer is ignored: the clock seeds.
    expect(
      createEventLogs<string>({ maxEvents: 1, maxAgeMs: 1, now: () => 7e9, seed: 0 }).head,
    ).toBeGreaterThanOrEqual(7e12);
  });

  it('after a gap (invalidate), a position from before it resyncs and one handed out after it resumes', () => {
    const logs = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 60_000, now: () => 5_000_000 });
    const a = logs.open('a');
    const first = publish(logs, 'one', [a]);
    expect(replay(logs, a, first - 1)).toEqual(['one']);
    logs.invalidate();
    expect(replay(logs, a, first - 1)).toBe('resync');
    expect(replay(logs, a, first)).toBe('resync');
    const ready = logs.head;
    publish(logs, 'two', [a]);
    expect(replay(logs, a, ready)).toEqual(['two']);
  });

  it("takes a shared broker's position as the seq when it is above the head, else clamps to head + 1", () => {
    const logs = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 60_000, now: () => 5_000_000 });
    const seed = logs.head;
    const a = logs.open('a');
    expect(logs.next(seed + 500)).toBe(seed + 500);
    // Not above the head (a clock behind the seed, a position gone backwards): still increasing.
    expect(logs.next(seed + 500)).toBe(seed + 501);
    expect(logs.next(seed + 10)).toBe(seed + 502);
    expect(logs.next(Number.NaN)).toBe(seed + 503);
    // Without a position the log numbers the event itself, as with the in-process broker.
    expect(logs.next()).toBe(seed + 504);
    const seq = logs.next(seed + 1000);
    logs.record(a, logs.entry(seq, 'x'));
    expect(replay(logs, a, seed + 504)).toEqual(['x']);
    expect(replay(logs, a, seed + 1000)).toEqual([]);
    expect(replay(logs, a, seed + 1001)).toBe('resync');
  });

  it('replayAbove answers for a position above the head (caught up elsewhere): what arrives above it', () => {
    const logs = createEventLogs<string>({ maxEvents: 2, maxAgeMs: 60_000, seed: 1_000 });
    const a = logs.open('a');
    // A client that got `ready` at 1_500 on a process seeded later: nothing exists up to there.
    expect(replay(logs, a, 1_500)).toBe('resync');
    const above = (position: number) => {
      const result = logs.replayAbove(a, position);
      return result.ok ? result.entries.map((entry) => entry.frame) : 'resync';
    };
    expect(above(1_500)).toEqual([]);
    for (const [position, frame] of [
      [1_200, 'below'],
      [1_600, 'x'],
      [1_700, 'y'],
    ] as const)
      logs.record(a, logs.entry(logs.next(position), frame));
    expect(above(1_500)).toEqual(['x', 'y']);
    expect(above(1_600)).toEqual(['y']);
    // The buffer evicted `below` (maxEvents 2): complete only from 1_200.
    expect(above(1_100)).toBe('resync');
    expect(above(1_200)).toEqual(['x', 'y']);
    // One more eviction (coveredFrom 1_600): 1_500 is no longer covered.
    logs.record(a, logs.entry(logs.next(1_800), 'z'));
    expect(above(1_500)).toBe('resync');
  });

  it('replays exactly the entries after resumeFrom, from any position the buffer covers', () => {
    const logs = createEventLogs<string>({ maxEvents: 3, maxAgeMs: 60_000, now: () => 1 });
    const [u, other] = [logs.open('u'), logs.open('other')];
    const start = logs.head;
    const seqs: number[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      seqs.push(publish(logs, `u${n}`, [u]));
      publish(logs, `other${n}`, [other]); // positions u never sees
    }
    const [, s2, s3, s4, s5] = seqs as [number, number, number, number, number];
    expect(replay(logs, u, s2)).toEqual(['u3', 'u4', 'u5']);
    expect(replay(logs, u, s3 + 1)).toEqual(['u4', 'u5']); // another user's position: fine
    expect(replay(logs, u, s4)).toEqual(['u5']);
    expect(replay(logs, u, s5)).toEqual([]);
    expect(replay(logs, u, logs.head)).toEqual([]); // caught up, head = `ready.seq`
    // u2 was evicted (3 kept): positions before it are no longer covered, however close.
    expect(replay(logs, u, s2 - 1)).toBe('resync');
    expect(replay(logs, u, start)).toBe('resync');
    expect(replay(logs, u, logs.head + 1)).toBe('resync'); // never handed out
  });

  it('a new buffer covers from the head: a position before it resyncs even if nothing was for this user', () => {
    const logs = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 60_000, now: () => 1 });
    const before = logs.head;
    publish(logs, 'for somebody not connected', []);
    const log = logs.open('u');
    expect(replay(logs, log, before)).toBe('resync');
    expect(replay(logs, log, logs.head)).toEqual([]);
  });

  it('evicts by age', () => {
    let now = 0;
    const logs = createEventLogs<string>({ maxEvents: 100, maxAgeMs: 1000, now: () => now });
    const log = logs.open('u');
    const start = logs.head;
    const a = publish(logs, 'a', [log]);
    now = 800;
    publish(logs, 'b', [log]);
    now = 1500;
    expect(replay(logs, log, start)).toBe('resync');
    expect(replay(logs, log, a)).toEqual(['b']);
  });

  it('compacts without losing order over many events', () => {
    const logs = createEventLogs<string>({ maxEvents: 50, maxAgeMs: 60_000, now: () => 5 });
    const log = logs.open('u');
    const seqs: number[] = [];
    for (let n = 0; n < 1000; n += 1) {
      seqs.push(publish(logs, String(n), n % 3 === 0 ? [] : [log]));
    }
    const mine = seqs.filter((_, n) => n % 3 !== 0);
    expect(replay(logs, log, mine.at(-51) as number)).toEqual(
      mine.slice(-50).map((seq) => String(seqs.indexOf(seq))),
    );
    expect(replay(logs, log, mine.at(-52) as number)).toBe('resync');
  });

  it('a buffer dropped and reopened resyncs an old position', () => {
    vi.useFakeTimers();
    const logs = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 100, now: () => 10 });
    const log = logs.open('u');
    const last = publish(logs, 'x', [log]);
    logs.dropLater('u');
    vi.advanceTimersByTime(100);
    expect(logs.get('u')).toBeUndefined();
    publish(logs, 'missed while dropped', []);
    const reopened = logs.open('u');
    expect(replay(logs, reopened, last)).toBe('resync');
  });

  it('a new stream in the same process starts above every seq handed out, even if the clock stepped back', () => {
    const first = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 100, now: () => 10 });
    for (let n = 0; n < 5_000; n += 1) first.next(); // ahead of the clock: 10 ms × 1000 + 5000
    const last = first.head;
    const second = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 100, now: () => 9 });
    expect(second.head).toBeGreaterThan(last);
    const log = second.open('u');
    expect(replay(second, log, last)).toBe('resync');
  });

  it('reopening before the drop keeps the buffer', () => {
    vi.useFakeTimers();
    const logs = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 100, now: () => 1 });
    const log = logs.open('u');
    logs.dropLater('u');
    vi.advanceTimersByTime(50);
    expect(logs.open('u')).toBe(log);
    vi.advanceTimersByTime(100);
    expect(logs.get('u')).toBe(log);
  });
});

describe('waiting for the head (a resume from a process that had read further)', () => {
  it('resolves at once when the head is there, and as soon as a publish takes it there', async () => {
    const logs = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 60_000, seed: 1_000 });
    await expect(logs.whenHeadReaches(1_000, 10_000)).resolves.toBe(true);
    const waited = logs.whenHeadReaches(1_005, 10_000);
    let settled: boolean | undefined;
    void waited.then((reached) => (settled = reached));
    logs.next(1_003);
    await Promise.resolve();
    expect(settled).toBeUndefined();
    logs.next(1_007);
    await expect(waited).resolves.toBe(true);
  });

  it('resolves false when the head does not get there in time, or the logs close', async () => {
    vi.useFakeTimers();
    const logs = createEventLogs<string>({ maxEvents: 10, maxAgeMs: 60_000, seed: 1_000 });
    const late = logs.whenHeadReaches(2_000, 100);
    const forever = logs.whenHeadReaches(3_000, 10_000);
    logs.next(1_500);
    vi.advanceTimersByTime(100);
    await expect(late).resolves.toBe(false);
    // The later waiter is still waiting; a publish past it after the first timed out still wakes it.
    const third = logs.whenHeadReaches(2_500, 10_000);
    logs.next(2_600);
    await expect(third).resolves.toBe(true);
    logs.close();
    await expect(forever).resolves.toBe(false);
  });
});
