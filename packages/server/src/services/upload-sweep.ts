/**
 * Removing uploads nobody attached (and direct uploads never completed) once they expire: every
 * `intervalMs`, in batches, each file claimed, then its bytes, then its record. The claim is a
 * compare-and-set to `deleting` that still requires the file unattached and in the status it was
 * listed with: a message that attached it meanwhile, or a completion that made it `ready`, wins,
 * and the file is left alone; once claimed, no message may attach it (only `ready` files attach)
 * and no completion may finish it. A crash after the claim leaves a `deleting` record the next
 * sweep finds again (a storage `delete` of a missing key is no error), never bytes that no record
 * points to.
 *
 * A file is swept a grace period after it expired: a message sent just before the expiry may
 * still be on its way into the store, and its attach would find the bytes gone.
 */
import type { FileStorage } from '../files/file-storage.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

export interface UploadSweepDeps {
  store: Pick<Store, 'listExpiredFiles' | 'updateFile' | 'deleteFile'>;
  storage: Pick<FileStorage, 'delete'>;
  clock: Clock;
  /** Default 60,000. */
  graceMs?: number;
  /** Files handled per batch. Default 100. */
  batchSize?: number;
  /** A file or batch that failed (storage down): it is tried again at the next interval. */
  onError?: ((error: unknown) => void) | undefined;
}

export interface UploadSweep {
  /** Sweeps now (not while a sweep runs); resolves with the number of files removed. */
  sweep(): Promise<number>;
  /** Sweeps every `intervalMs` (an unref'd timer: it never keeps the process up); returns the stop. */
  start(intervalMs: number): () => void;
}

/**
 * @example
 * ```ts
 * const sweeper = createUploadSweep({ store, storage, clock });
 * const stop = sweeper.start(60_000);
 * app.addHook('onClose', async () => stop());
 * ```
 */
export function createUploadSweep(deps: UploadSweepDeps): UploadSweep {
  const { store, storage, clock, graceMs = 60_000, batchSize = 100, onError } = deps;
  let sweeping = false;

  async function sweepBatch(before: string): Promise<{ removed: number; full: boolean }> {
    const files = await store.listExpiredFiles(before, batchSize);
    let removed = 0;
    for (const file of files) {
      try {
        // Listed is not claimed: an attach or a completion may have raced the listing.
        const claimed = await store.updateFile(file.id, { status: 'deleting' }, [file.status]);
        if (!claimed) continue;
        await storage.delete(file.storageKey);
        if (await store.deleteFile(file.id)) removed += 1;
      } catch (error) {
        onError?.(error);
        // The same file would head the next batch again: stop until the next interval.
        return { removed, full: false };
      }
    }
    return { removed, full: files.length === batchSize };
  }

  async function sweep(): Promise<number> {
    if (sweeping) return 0;
    sweeping = true;
    try {
      const before = new Date(clock.now().getTime() - graceMs).toISOString();
      let total = 0;
      for (;;) {
        const { removed, full } = await sweepBatch(before);
        total += removed;
        if (!full || removed === 0) return total;
      }
    } finally {
      sweeping = false;
    }
  }

  return {
    sweep,
    start(intervalMs) {
      const timer = setInterval(() => void sweep().catch((error: unknown) => onError?.(error)), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
