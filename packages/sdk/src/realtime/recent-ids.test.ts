import { describe, expect, it } from 'vitest';
import { createRecentIds } from './recent-ids.js';

describe('recent ids', () => {
  it('says whether an id is new, remembering the last `capacity` only', () => {
    const recent = createRecentIds(2);
    expect(['a', 'b', 'a'].map((id) => recent.add(id))).toEqual([true, true, false]);
    expect(recent.add('c')).toBe(true); // evicts a
    expect(recent.add('a')).toBe(true);
    expect(recent.add('c')).toBe(false);
  });
});
