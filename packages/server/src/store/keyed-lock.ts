/**
 * A per-key serial lock: operations on one key run one after another, operations on different
 * keys run concurrently. Each conversation, the users document and the refresh-token document
 * get a key, so a read-modify-write of one of them never interleaves with another and no update
 * is lost.
 */
export class KeyedLock {
  /** The tail of each key's queue: settles when the last queued operation has finished. */
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Runs `task` once every earlier task of `key` has settled, and resolves (or rejects) as it
   * does. A failed task does not block the ones queued after it.
   *
   * @example
   * await lock.run(`conversation:${id}`, async () => { ... read, write, commit ... });
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      // Forget the key once nothing else queued behind it, so the map stays as small as the
      // number of keys busy right now.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Settles once every task queued so far, and every task they queue meanwhile, has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) {
      await Promise.all(this.#tails.values());
    }
  }
}
