/**
 * The text of the replies being generated, ahead of the state. Deltas collect here and reach the
 * state at most once per `throttleMs`: a fast model sends hundreds a second, and every state
 * update re-renders whoever shows the conversation.
 */
import { updateMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';

export type ReplyText = ReturnType<typeof createReplyText>;

export function createReplyText(ctx: StoreContext) {
  /** The text of each reply being generated, by message id. */
  const live = new Map<string, string>();
  /** Replies whose text changed since the last flush → their conversation. */
  const pending = new Map<string, string>();
  let flushTimer: unknown;

  /** Writes the text that changed into the state, now. */
  function flush() {
    ctx.timers.clearTimeout(flushTimer);
    flushTimer = undefined;
    for (const [messageId, conversationId] of pending) {
      const content = live.get(messageId);
      if (content !== undefined) {
        ctx.updateItems(conversationId, (items) =>
          updateMessage(items, messageId, (message) => ({ ...message, content })),
        );
      }
    }
    pending.clear();
  }

  return {
    get: (messageId: string) => live.get(messageId),
    has: (messageId: string) => live.has(messageId),
    /** Starts following a reply from `content`: the state already shows it. */
    start(messageId: string, content: string) {
      live.set(messageId, content);
    },
    /** The reply's text is now `content`: the state shows it by the next flush. */
    update(conversationId: string, messageId: string, content: string) {
      live.set(messageId, content);
      pending.set(messageId, conversationId);
      if (ctx.throttleMs <= 0) flush();
      else flushTimer ??= ctx.timers.setTimeout(flush, ctx.throttleMs);
    },
    /** Writes the reply's text into the state at the next flush, as a page of history replaced it. */
    reapply(conversationId: string, messageId: string) {
      pending.set(messageId, conversationId);
    },
    /** The reply ended: its text is the stored message's from now on. */
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
