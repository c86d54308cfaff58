/**
 * Group commit: work submitted for one key while that key's previous batch is being written waits,
 * and goes into the next batch together, so that a burst of appends to one conversation pays one
 * write (a segment file, a transaction) instead of one each — without delaying a lone append: a
 * batch starts as soon as the key is free, with whatever has arrived by then.
 *
 * Batches of one key run one after another, in submission order, and each item keeps its place:
 * the batch function gets the items in the order they were submitted. Items are taken when the
 * batch starts (not when it is scheduled), at most `maxBatch` at a time.
 */

/** One submitted item and how to settle its caller. */
export interface BatchItem<Item, Result> {
  readonly item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Starts `run` for `key` once earlier work of that key has finished (a lock, a queue), with what
 * the batch works on (e.g. the conversation's state); the returned promise settles when `run` has.
 * It may decide not to call `run` at all (the conversation is gone): the batch is then `skipped`.
 */
export type KeySchedule<Context> = (
  key: string,
  run: (context: Context) => Promise<void>,
) => Promise<unknown>;

/**
 * Writes one batch: settles each item (resolve or reject) — an item left unsettled is rejected
 * with the batch's error, or with a bug report if the batch succeeded.
 */
export type BatchWriter<Context, Item, Result> = (
  context: Context,
  batch: BatchItem<Item, Result>[],
) => Promise<void>;

export class GroupCommit<Context, Item, Result> {
  /** Items waiting for a batch that has not started yet, by key. */
  readonly #waiting = new Map<string, BatchItem<Item, Result>[]>();

  /**
   * @param maxBatch Most items in one batch (≥ 1).
   * @param schedule Runs a batch when its key is free.
   * @param write Writes a batch.
   * @param skipped Settles the items of a batch `schedule` did not run.
   */
  constructor(
    readonly maxBatch: number,
    readonly schedule: KeySchedule<Context>,
    readonly write: BatchWriter<Context, Item, Result>,
    readonly skipped: (batch: BatchItem<Item, Result>[]) => void,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new RangeError(`GroupCommit: maxBatch must be a whole number ≥ 1, got ${maxBatch}`);
  }

  /**
   * Submits `item` for `key`: settles with its result once the batch it went into was written.
   * Synchronous up to the queueing, so that calls made in some order are batched in that order.
   *
   * @example
   * ```ts
   * const appends = new GroupCommit(64, (id, run) => access.run(id, run), writeBatch, resolveNull);
   * const result = await appends.submit(conversationId, message);
   * ```
   */
  submit(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const entry = { item, resolve, reject };
      const waiting = this.#waiting.get(key);
      if (waiting) {
        waiting.push(entry);
        return;
      }
      this.#waiting.set(key, [entry]);
      this.#scheduleBatch(key);
    });
  }

  #scheduleBatch(key: string): void {
    let batch: BatchItem<Item, Result>[] | null = null;
    const run = async (context: Context) => {
      batch = this.#take(key);
      await this.write(context, batch);
    };
    this.schedule(key, run).then(
      () => {
        if (batch === null) {
          batch = this.#take(key);
          this.skipped(batch);
        }
        unsettled(batch, new Error('GroupCommit: a batch left an item unsettled'));
      },
      (error: unknown) => unsettled(batch ?? this.#take(key), error),
    );
  }

  /** The next batch of `key`: the first `maxBatch` waiting; the rest get a batch of their own. */
  #take(key: string): BatchItem<Item, Result>[] {
    const waiting = this.#waiting.get(key) ?? [];
    const batch = waiting.splice(0, this.maxBatch);
    if (waiting.length === 0) this.#waiting.delete(key);
    else this.#scheduleBatch(key);
    return batch;
  }
}

/** Rejects every item the batch did not settle (settling twice does nothing: only these are reached). */
function unsettled<Item, Result>(batch: BatchItem<Item, Result>[], error: unknown): void {
  for (const entry of batch) entry.reject(error);
}
