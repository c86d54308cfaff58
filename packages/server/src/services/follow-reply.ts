/**
 * Following an assistant reply from a character offset — the SSE requester, a reloaded page
 * re-attaching (`GET …/stream?offset=`), a stop waiting for the end, a repeated send.
 */
import type { ChatStreamEvent } from '@chatwire/sdk/contracts';
import type { MessageRecord, Store } from '../store/store.js';
import type { ActiveReplies } from './active-replies.js';
import { toMessage } from './views.js';

export function followReply(deps: { store: Store; activeReplies: ActiveReplies }) {
  const { store, activeReplies } = deps;

  /** A reply left `streaming` by a process that stopped mid-generation: it ends as `error`. */
  async function markInterrupted(reply: MessageRecord): Promise<MessageRecord> {
    const updated = await store.updateMessage(reply.conversationId, reply.id, { status: 'error' });
    return updated ?? { ...reply, status: 'error' };
  }

  /**
   * Follows a stored assistant reply from character `offset`: what it has so far, then its live
   * deltas, then `message.completed`. Resolves when the reply has ended or `signal` aborts.
   */
  return async function follow(
    reply: MessageRecord,
    offset: number,
    onEvent: (event: ChatStreamEvent) => void | Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const { conversationId } = reply;
    await onEvent({ type: 'message.started', conversationId, messageId: reply.id, model: reply.model });
    const active = activeReplies.get(reply.id);
    if (!active) {
      // `reply` was read before this call; a reply that ended since (during the write above, or
      // right after a stop) is read again, or its end would be taken for an interruption and
      // overwritten as `error`.
      const current =
        reply.status === 'streaming' ? ((await store.getMessage(conversationId, reply.id)) ?? reply) : reply;
      const final = current.status === 'streaming' ? await markInterrupted(current) : current;
      if (final.content.length > offset) {
        await onEvent({
          type: 'message.delta',
          conversationId,
          messageId: reply.id,
          offset,
          delta: final.content.slice(offset),
        });
      }
      await onEvent({ type: 'message.completed', conversationId, message: toMessage(final) });
      return;
    }
    // Reading the content so far and subscribing happen in one tick: no delta falls between.
    let sentUpTo = offset;
    const sendFrom = (content: string, from: number) => {
      const delta = content.slice(Math.max(sentUpTo - from, 0));
      if (!delta) return undefined;
      const event = {
        type: 'message.delta' as const,
        conversationId,
        messageId: reply.id,
        offset: Math.max(sentUpTo, from),
        delta,
      };
      sentUpTo = from + content.length;
      return onEvent(event);
    };
    const snapshot = sendFrom(active.content, 0);
    await new Promise<void>((resolve) => {
      const unfollow = activeReplies.follow(active, (event) => {
        if (event.type === 'message.delta') return sendFrom(event.delta, event.offset);
        if (event.type === 'message.completed') {
          unfollow();
          resolve();
        }
        return onEvent(event);
      });
      const leave = () => {
        unfollow();
        resolve();
      };
      // A client gone before this point never fires `abort`: it must not hold the reply past
      // the grace period as a follower nobody reads.
      if (signal.aborted) leave();
      else signal.addEventListener('abort', leave, { once: true });
    });
    await snapshot;
  };
}
