/**
 * A least-recently-used map with a fixed capacity. A `Map` iterates in insertion order, so
 * re-inserting on every hit keeps the oldest entry first and eviction is O(1). Optionally bounded
 * by a total weight too (e.g. the ids held), for values whose size varies by orders of magnitude.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #weigh: ((value: V) => number) | undefined;
  readonly #maxWeight: number;
  #weight = 0;

  /**
   * @param capacity How many entries to keep; at least 1.
   * @param bound `weigh` a value and keep the total at most `maxWeight` (the newest entry is kept
   *   even when it alone is heavier).
   */
  constructor(
    readonly capacity: number,
    bound?: { weigh: (value: V) => number; maxWeight: number },
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`LRU capacity must be a whole number ≥ 1, got ${capacity}`);
    }
    this.#weigh = bound?.weigh;
    this.#maxWeight = bound?.maxWeight ?? Number.POSITIVE_INFINITY;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, marked as most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores `value` as most recently used, evicting the least recently used beyond the bounds. */
  set(key: K, value: V): void {
    this.delete(key);
    this.#entries.set(key, value);
    this.#weight += this.#weigh?.(value) ?? 0;
    while (this.#entries.size > this.capacity || (this.#weight > this.#maxWeight && this.#entries.size > 1)) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    const value = this.#entries.get(key);
    if (value === undefined) return false;
    this.#weight -= this.#weigh?.(value) ?? 0;
    return this.#entries.delete(key);
  }

  /** Deletes every entry whose key matches. O(size): meant for rare events such as a deletion. */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const key of [...this.#entries.keys()]) {
      if (matches(key)) this.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }
}
