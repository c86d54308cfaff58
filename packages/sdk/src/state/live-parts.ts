/**
 * The parts of the replies being generated, ahead of the state. Part events collect here and reach
 * the state at most once per `throttleMs`: a fast model sends hundreds of deltas a second, and
 * every state update re-renders whoever shows the conversation.
 */
import type { MessagePart } from '../contracts/parts.js';
import { textOf } from '../contracts/parts.js';
import { updateMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';

export type LiveParts = ReturnType<typeof createLiveParts>;

export function createLiveParts(ctx: StoreContext) {
  /** The parts of each reply being generated, by message id. */
  const live = new Map<string, readonly MessagePart[]>();
  /** Replies whose parts changed since the last flush → their conversation. */
  const pending = new Map<string, string>();
  let flushTimer: unknown;

  /** Writes the parts that changed into the state, now. */
  function flush() {
    ctx.timers.clearTimeout(flushTimer);
    flushTimer = undefined;
    for (const [messageId, conversationId] of pending) {
      const parts = live.get(messageId) as MessagePart[] | undefined;
      if (parts) {
        ctx.updateItems(conversationId, (items) =>
          updateMessage(items, messageId, (message) => ({ ...message, parts, content: textOf(parts) })),
        );
      }
    }
    pending.clear();
  }

  return {
    get: (messageId: string) => live.get(messageId),
    has: (messageId: string) => live.has(messageId),
    /** Starts following a reply from `parts`: the state already shows them. */
    start(messageId: string, parts: readonly MessagePart[]) {
      live.set(messageId, parts);
    },
    /** The reply's parts are now `parts`: the state shows them by the next flush. */
    update(conversationId: string, messageId: string, parts: readonly MessagePart[]) {
      live.set(messageId, parts);
      pending.set(messageId, conversationId);
      if (ctx.throttleMs <= 0) flush();
      else flushTimer ??= ctx.timers.setTimeout(flush, ctx.throttleMs);
    },
    /** Writes the reply's parts into the state at the next flush, as a page of history replaced them. */
    reapply(conversationId: string, messageId: string) {
      pending.set(messageId, conversationId);
    },
    /** The reply's run ended: its parts are the stored message's from now on. */
    end(messageId: string) {
      flush();
      live.delete(messageId);
    },
    flush,
    clear() {
      flush();
      live.clear();
    },
  };
}
