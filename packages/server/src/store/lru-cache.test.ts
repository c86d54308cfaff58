import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used beyond its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });

  it('with a weight bound, evicts until the total fits, but keeps the newest entry', () => {
    const cache = new LruCache<string, string[]>(100, { weigh: (ids) => ids.length, maxWeight: 5 });
    cache.set('small', ['1', '2']);
    cache.set('medium', ['1', '2', '3']);
    expect(cache.size).toBe(2);
    cache.set('more', ['1']); // 6 > 5: the oldest goes
    expect([cache.get('small'), cache.get('medium')?.length, cache.get('more')?.length]).toEqual([
      undefined,
      3,
      1,
    ]);
    cache.set('huge', ['1', '2', '3', '4', '5', '6', '7']);
    expect(cache.size).toBe(1);
    expect(cache.get('huge')?.length).toBe(7);
    // Replacing and deleting keep the total right.
    cache.set('huge', ['1']);
    cache.set('other', ['1', '2', '3', '4']);
    expect(cache.size).toBe(2);
    cache.delete('other');
    cache.set('again', ['1', '2', '3', '4']);
    expect(cache.size).toBe(2);
  });
});
