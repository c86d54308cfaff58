/**
 * The three events of an assistant reply — started, delta, completed — applied to the state,
 * whether they come from a stream of ours or over the WebSocket. A reply that arrives both ways
 * is applied once: deltas are placed by their `offset`, and text already there is skipped.
 */
import { ChatwireError } from '../client/errors.js';
import type { ChatStreamEvent } from '../contracts/events.js';
import type { Message } from '../contracts/resources.js';
import { fromServer, unstoredMessage } from './message-list.js';
import type { ReplyText } from './reply-text.js';
import type { StoreContext } from './store-context.js';
import type { ChatMessage } from './types.js';

type Started = Extract<ChatStreamEvent, { type: 'message.started' }>;
type Delta = Extract<ChatStreamEvent, { type: 'message.delta' }>;

export function createReplyEvents(ctx: StoreContext, text: ReplyText) {
  /** Replies this client streams (or streamed): the WebSocket copy of their start is stale. */
  const owned = new Set<string>();

  return {
    started(event: Started, fromStream: boolean) {
      const { conversationId, messageId } = event;
      // A WebSocket start arriving after our own stream ended would wipe the finished reply.
      if (!fromStream && owned.has(messageId)) return;
      if (fromStream) owned.add(messageId);
      ctx.setTurn(conversationId, { status: 'streaming', replyId: messageId, error: null });
      if (text.has(messageId)) return;
      const existing = ctx.find(conversationId, messageId);
      // Already streaming (a page loaded mid-reply, a resume): keep its text, deltas continue it.
      if (existing?.status === 'streaming') return text.start(messageId, existing.content);
      // New, or regenerated (same id, new text).
      text.start(messageId, '');
      const placeholder: ChatMessage =
        existing ??
        fromServer(
          unstoredMessage({
            id: messageId,
            conversationId,
            senderId: null,
            role: 'assistant',
            content: '',
            status: 'streaming',
            clientMessageId: null,
            model: event.model,
            createdAt: new Date(ctx.now()).toISOString(),
          }),
        );
      ctx.upsert(conversationId, { ...placeholder, content: '', status: 'streaming', model: event.model });
    },

    /** Applies a delta; `false` when it starts beyond the text we have (we joined late). */
    delta(event: Delta): boolean {
      const { conversationId, messageId } = event;
      let known = text.get(messageId);
      if (known === undefined) {
        const message = ctx.find(conversationId, messageId);
        if (message?.status !== 'streaming') return true;
        known = message.content;
      }
      const skip = known.length - event.offset;
      if (skip < 0) return false;
      if (skip < event.delta.length) text.update(conversationId, messageId, known + event.delta.slice(skip));
      return true;
    },

    completed(message: Message) {
      const { conversationId, id } = message;
      text.end(id);
      ctx.upsert(conversationId, fromServer(message));
      ctx.noteMessage(message);
      const turn = ctx.get().turns[conversationId];
      if (turn?.replyId !== id) return;
      const failed = message.status === 'error';
      ctx.setTurn(conversationId, {
        status: failed ? 'error' : 'ready',
        error: failed ? (turn.error ?? new ChatwireError('The assistant could not finish this reply')) : null,
      });
    },

    clear() {
      owned.clear();
    },
  };
}
