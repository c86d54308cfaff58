import { describe, expect, it } from 'vitest';
import { defaultReconnectOptions, reconnectDelay } from './backoff.js';

describe('reconnectDelay', () => {
  const o = defaultReconnectOptions;

  it('starts at 1 s and doubles up to the 30 s cap (no jitter at random 0.5)', () => {
    const delays = Array.from({ length: 8 }, (_, attempt) => reconnectDelay(attempt, o, () => 0.5));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('keeps every delay within ±50 % of its base, and never above the cap', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const base = Math.min(1000 * 2 ** attempt, 30_000);
      for (const r of [0, 0.001, 0.25, 0.5, 0.75, 0.999_999]) {
        const delay = reconnectDelay(attempt, o, () => r);
        expect(delay).toBeGreaterThanOrEqual(base * 0.5);
        expect(delay).toBeLessThanOrEqual(Math.min(base * 1.5, 30_000));
      }
    }
    expect(reconnectDelay(0, o, () => 0)).toBe(500);
    expect(reconnectDelay(0, o, () => 0.999_999)).toBeCloseTo(1500, 0);
  });

  it('honours its options', () => {
    const custom = { ...o, initialDelayMs: 100, factor: 3, maxDelayMs: 1000, jitter: 0 };
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, custom, Math.random))).toEqual([
      100, 300, 900, 1000,
    ]);
  });
});
