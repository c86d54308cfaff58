/**
 * A least-recently-used map with a fixed capacity. A `Map` iterates in insertion order, so
 * re-inserting on every hit keeps the oldest entry first and eviction is O(1).
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, V>();

  /** @param capacity How many entries to keep; at least 1. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`LRU capacity must be a whole number ≥ 1, got ${capacity}`);
    }
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

  /** Stores `value` as most recently used, evicting the least recently used beyond capacity. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Deletes every entry whose key matches. O(size): meant for rare events such as a deletion. */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const key of [...this.#entries.keys()]) {
      if (matches(key)) this.#entries.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
