/**
 * The deliberate stop of a chat stream (`abort()`, or the caller's signal). The server is asked to
 * stop generating, so that the partial reply is stored as `aborted` now, not after a grace period.
 */
import type { StreamState } from './stream-state.js';

/** Stops the reply, once however often asked; resolves once the stream has ended. */
export function stopStream(state: StreamState, reason: unknown): Promise<void> {
  state.stopping ??= (async () => {
    // Between the response headers and `message.started` is only a moment of storage work: wait
    // for the id so that the stop reaches the server, rather than leaving it to the grace period.
    if (state.responded) await state.begun;
    const { messageId } = state;
    if (messageId && !state.ended) {
      try {
        const stored = await state.source.stop(messageId);
        if (!state.ended) state.reply = stored;
      } catch {
        // Best effort: the closed connection still ends the reply after the grace period.
      }
    }
    if (!state.ended) state.controller.abort(reason);
  })();
  return state.stopping.then(() => state.done);
}
