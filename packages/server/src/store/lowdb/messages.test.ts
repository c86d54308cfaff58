import { describe, expect, it } from 'vitest';
import { pageRange } from './messages.js';

describe('pageRange', () => {
  it('selects the newest page without bounds', () => {
    expect(pageRange(10, { limit: 3 })).toEqual({ low: 8, high: 10 });
    expect(pageRange(2, { limit: 3 })).toEqual({ low: 1, high: 2 });
    expect(pageRange(0, { limit: 3 })).toBeNull();
  });

  it('selects the newest before `beforeSeq` and the oldest after `afterSeq`', () => {
    expect(pageRange(10, { limit: 3, beforeSeq: 5 })).toEqual({ low: 2, high: 4 });
    expect(pageRange(10, { limit: 3, beforeSeq: 1 })).toBeNull();
    expect(pageRange(10, { limit: 3, afterSeq: 5 })).toEqual({ low: 6, high: 8 });
    expect(pageRange(10, { limit: 3, afterSeq: 10 })).toBeNull();
  });

  it('takes the oldest between both bounds, and nothing for a limit below 1', () => {
    expect(pageRange(10, { limit: 3, afterSeq: 2, beforeSeq: 9 })).toEqual({ low: 3, high: 5 });
    expect(pageRange(10, { limit: 0 })).toBeNull();
  });
});
