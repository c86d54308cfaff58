/**
 * Background meta checkpoints: after appends (or edits) the meta on disk lags the segments, and
 * this writes it again a little later, once per conversation however many appends came in
 * between. Nothing depends on it for durability — the segments already hold every acknowledged
 * message and start-up replays what a checkpoint missed — so a failed checkpoint is only
 * retried later, never reported to an operation.
 */

/** Writes the checkpoint of one conversation (under its lock; a no-op if nothing is pending). */
export type WriteCheckpoint = (conversationId: string) => Promise<void>;

export class CheckpointScheduler {
  /** Conversations whose meta lags; a `Set`, so many appends to one make one write. */
  readonly #pending = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  /** The running pass, if any: passes never overlap. */
  #pass: Promise<void> | null = null;
  #closed = false;

  /**
   * @param delayMs How long after the first change the pass starts. A throttle, not a debounce:
   * a conversation that never goes quiet is still checkpointed every `delayMs`.
   * @param write Writes one conversation's checkpoint.
   */
  constructor(
    readonly delayMs: number,
    readonly write: WriteCheckpoint,
  ) {}

  /** Notes that the meta of `conversationId` lags its segments. */
  schedule(conversationId: string): void {
    if (this.#closed) return;
    this.#pending.add(conversationId);
    this.#arm();
  }

  /** Whether any checkpoint is waiting or being written (for tests and diagnostics). */
  get busy(): boolean {
    return this.#pending.size > 0 || this.#pass !== null;
  }

  /**
   * Writes every pending checkpoint now and stops scheduling: for `close()`. Resolves once the
   * running pass, if any, and a final one have finished; a checkpoint that fails even then is
   * left to the next start-up's replay.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#pass;
    await this.#runPass();
  }

  #arm(): void {
    // While a pass runs, it re-arms when it ends if anything is pending by then.
    if (this.#timer || this.#pass || this.#closed || this.#pending.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#runPass();
    }, this.delayMs);
    // Pending checkpoints alone must not keep a process alive: losing them loses nothing.
    this.#timer.unref();
  }

  #runPass(): Promise<void> {
    const pass = this.#drain().finally(() => {
      this.#pass = null;
      this.#arm();
    });
    this.#pass = pass;
    return pass;
  }

  /**
   * One conversation at a time: checkpoints are background work and should take one I/O slot
   * at most from the operations callers wait for.
   */
  async #drain(): Promise<void> {
    const ids = [...this.#pending];
    this.#pending.clear();
    for (const id of ids) {
      try {
        await this.write(id);
      } catch {
        // The meta on disk is still the previous checkpoint (writes are atomic), which the
        // segments complete; try again on the next pass.
        this.#pending.add(id);
      }
    }
  }
}
