/**
 * The parts of the replies being generated, ahead of the state. Part events collect here and reach
 * the state at most once per `throttleMs`: a fast model sends hundreds of deltas a second, and
 * every state update re-renders whoever shows the conversation.
 */
import type { MessagePart } from '../contracts/parts.js';
import { textOf } from '../contracts/parts.js';
import { updateMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';
import type { Threads } from './threads.js';
import type { ChatMessage } from './types.js';

export type LiveParts = ReturnType<typeof createLiveParts>;

export function createLiveParts(ctx: StoreContext, threads: Pick<Threads, 'patch'>) {
  /** The parts of each reply being generated, by message id. */
  const live = new Map<string, readonly MessagePart[]>();
  /** The thread (parent id) of each reply being generated that answers in a thread. */
  const parents = new Map<string, string>();
  /** Replies whose parts changed since the last flush → their conversation. */
  const pending = new Map<string, string>();
  let flushTimer: unknown;

  /** Writes the parts that changed into the state, now. */
  function flush() {
    ctx.timers.clearTimeout(flushTimer);
    flushTimer = undefined;
    for (const [messageId, conversationId] of pending) {
      const parts = live.get(messageId) as MessagePart[] | undefined;
      if (!parts) continue;
      const withParts = (message: ChatMessage) => ({ ...message, parts, content: textOf(parts) });
      const parentId = parents.get(messageId);
      // A reply in a thread streams there, not in the conversation's list.
      if (parentId) threads.patch(parentId, messageId, withParts);
      else ctx.updateItems(conversationId, (items) => updateMessage(items, messageId, withParts));
    }
    pending.clear();
  }

  return {
    get: (messageId: string) => live.get(messageId),
    has: (messageId: string) => live.has(messageId),
    /** The thread of a reply followed here, if it answers in one. */
    parentOf: (messageId: string) => parents.get(messageId),
    /**
     * Starts following a reply from `parts`: the state already shows them (in the thread of
     * `parentId`, when it answers in one).
     */
    start(messageId: string, parts: readonly MessagePart[], parentId: string | null = null) {
      live.set(messageId, parts);
      if (parentId) parents.set(messageId, parentId);
      else parents.delete(messageId);
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
      parents.delete(messageId);
    },
    flush,
    clear() {
      flush();
      live.clear();
      parents.clear();
    },
  };
}
