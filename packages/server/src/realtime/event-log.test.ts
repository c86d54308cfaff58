import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventLogs } from './event-log.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('event logs', () => {
  it('seeds from the clock and hands out consecutive seqs', () => {
    const logs = createEventLogs({ maxEvents: 10, maxAgeMs: 60_000, now: () => 1_000 });
    const log = logs.open('u');
    expect(log.seq).toBe(1_000_000);
    expect([logs.append(log, '{}'), logs.append(log, '{}')]).toEqual([1_000_001, 1_000_002]);
  });

  it('replays exactly the events after resumeFrom, and refuses positions it does not hold', () => {
    const logs = createEventLogs({ maxEvents: 3, maxAgeMs: 60_000, now: () => 1 });
    const log = logs.open('u');
    const seed = log.seq;
    for (const n of [1, 2, 3, 4, 5]) logs.append(log, `{"n":${n}}`);
    const replay = (from: number) => {
      const result = logs.replayFrom(log, from);
      return result.ok ? result.events.map((event) => event.json) : 'resync';
    };
    expect(replay(seed + 2)).toEqual(['{"n":3}', '{"n":4}', '{"n":5}']);
    expect(replay(seed + 4)).toEqual(['{"n":5}']);
    expect(replay(seed + 5)).toEqual([]);
    expect(replay(seed + 1)).toBe('resync'); // event 2 was evicted (3 kept)
    expect(replay(seed + 6)).toBe('resync'); // a seq this log never handed out
  });

  it('evicts by age', () => {
    let now = 0;
    const logs = createEventLogs({ maxEvents: 100, maxAgeMs: 1000, now: () => now });
    const log = logs.open('u');
    const seed = log.seq;
    logs.append(log, 'a');
    now = 800;
    logs.append(log, 'b');
    now = 1500;
    expect(logs.replayFrom(log, seed).ok).toBe(false);
    const fromA = logs.replayFrom(log, seed + 1);
    expect(fromA.ok && fromA.events.map((event) => event.json)).toEqual(['b']);
  });

  it('compacts without losing order over many events', () => {
    const logs = createEventLogs({ maxEvents: 50, maxAgeMs: 60_000, now: () => 5 });
    const log = logs.open('u');
    for (let n = 0; n < 1000; n += 1) logs.append(log, String(n));
    const result = logs.replayFrom(log, log.seq - 50);
    expect(result.ok && result.events.map((event) => event.json)).toEqual(
      Array.from({ length: 50 }, (_, i) => String(950 + i)),
    );
  });

  it('a log dropped and reopened starts above every seq it handed out, even if the clock stepped back', () => {
    vi.useFakeTimers();
    let now = 10;
    const logs = createEventLogs({ maxEvents: 10, maxAgeMs: 100, now: () => now });
    const log = logs.open('u');
    for (let n = 0; n < 5; n += 1) logs.append(log, 'x');
    const last = log.seq;
    logs.dropLater('u');
    vi.advanceTimersByTime(100);
    expect(logs.get('u')).toBeUndefined();
    now = 9; // the clock went back
    const reopened = logs.open('u');
    expect(reopened.seq).toBeGreaterThan(last);
    expect(logs.replayFrom(reopened, last).ok).toBe(false);
  });

  it('reopening before the drop keeps the log', () => {
    vi.useFakeTimers();
    const logs = createEventLogs({ maxEvents: 10, maxAgeMs: 100, now: () => 1 });
    const log = logs.open('u');
    logs.dropLater('u');
    vi.advanceTimersByTime(50);
    expect(logs.open('u')).toBe(log);
    vi.advanceTimersByTime(100);
    expect(logs.get('u')).toBe(log);
  });
});
