/**
 * Ending the replies of processes that died: every `sweepIntervalMs` (shared directories only),
 * the replies whose producer's lease expired are claimed — each by exactly one process — and
 * stored as `error` with their partial content.
 */
import type { ReplyDirectory } from './reply-directory.js';
import type { replyInterrupter } from './reply-interrupter.js';

export interface SweepDeps {
  replies: ReplyDirectory;
  interrupter: ReturnType<typeof replyInterrupter>;
  /** A sweep that failed (Redis or the store down): it runs again at the next interval. */
  onError?: ((error: unknown) => void) | undefined;
}

/** Starts sweeping (when the directory has an interval); returns the function that stops it. */
export function sweepDeadProducers(deps: SweepDeps): () => void {
  const { replies, interrupter, onError } = deps;
  if (replies.sweepIntervalMs === undefined) return () => undefined;
  let sweeping = false;
  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const reply of await replies.sweep()) {
        try {
          await interrupter.endClaimed(reply);
        } catch (error) {
          onError?.(error);
        }
      }
    } finally {
      sweeping = false;
    }
  }
  const timer = setInterval(
    () => void sweep().catch((error: unknown) => onError?.(error)),
    replies.sweepIntervalMs,
  );
  timer.unref();
  return () => clearInterval(timer);
}
