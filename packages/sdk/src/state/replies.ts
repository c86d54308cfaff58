/**
 * Assistant replies in the store: the turns this client streams (send, regenerate, resume) and the
 * replies it only watches over the WebSocket. Both feed the same reply events (`reply-events.ts`),
 * whose text reaches the state throttled (`reply-text.ts`); this module follows our own streams.
 */

import type { ChatStreamEvent } from '../contracts/events.js';
import { asError } from '../internal/foundation.js';
import type { ChatStream } from '../streaming/chat-stream.js';
import { failDelivery, fromServer } from './message-list.js';
import { createReplyEvents } from './reply-events.js';
import { createReplyText } from './reply-text.js';
import type { StoreContext } from './store-context.js';
import type { ChatMessage } from './types.js';

type Delta = Extract<ChatStreamEvent, { type: 'message.delta' }>;

export type Replies = ReturnType<typeof createReplies>;

export function createReplies(ctx: StoreContext) {
  const text = createReplyText(ctx);
  const events = createReplyEvents(ctx, text);
  /** Replies followed by a stream of ours right now. */
  const followed = new Set<string>();
  /** The stream of ours in each conversation. */
  const streams = new Map<string, ChatStream>();
  /** Streams stopped on purpose: their end is not an error. */
  const stopping = new WeakSet<ChatStream>();

  /**
   * Applies a stream of ours to the state until it ends. `sending` is the optimistic user
   * message it delivers (a send), which fails with the stream if the server never stored it.
   */
  async function follow(conversationId: string, stream: ChatStream, sending?: ChatMessage) {
    streams.set(conversationId, stream);
    let created = !sending;
    const offs = [
      stream.on('event', (event) => {
        if (event.type === 'message.created') {
          created = true;
          ctx.upsert(conversationId, fromServer(event.message));
          ctx.noteMessage(event.message);
        } else if (event.type === 'message.started') {
          followed.add(event.messageId);
          events.started(event, true);
        } else if (event.type === 'message.delta') events.delta(event);
        else if (event.type === 'message.completed') events.completed(event.message);
      }),
      stream.on('error', (error) => ctx.setTurn(conversationId, { status: 'error', error })),
    ];
    try {
      await stream.finalMessage();
    } catch (error) {
      const reason = asError(error);
      // Unless the WebSocket brought the stored message meanwhile: then it was sent.
      if (sending && !created)
        ctx.updateItems(conversationId, (items) => failDelivery(items, sending.key, reason));
      const turn = ctx.get().turns[conversationId];
      if (turn?.status !== 'error') {
        ctx.setTurn(
          conversationId,
          stopping.has(stream) ? { status: 'ready' } : { status: 'error', error: reason },
        );
      }
    } finally {
      for (const off of offs) off();
      if (stream.messageId) followed.delete(stream.messageId);
      if (streams.get(conversationId) === stream) streams.delete(conversationId);
    }
  }

  /** Follows a reply still being generated (after a reload, or joined late) from the text we have. */
  function resume(conversationId: string, messageId: string) {
    if (followed.has(messageId)) return;
    followed.add(messageId);
    const offset = text.get(messageId)?.length ?? ctx.find(conversationId, messageId)?.content.length ?? 0;
    void follow(conversationId, ctx.client.messages.resume(conversationId, messageId, { offset })).finally(
      () => followed.delete(messageId),
    );
  }

  return {
    started: events.started,
    delta(event: Delta, fromStream: boolean) {
      // We joined late (a page loaded mid-reply): fetch the missing text from where we are.
      if (!events.delta(event) && !fromStream) resume(event.conversationId, event.messageId);
    },
    completed: events.completed,
    follow,
    /** Streams a new version of the assistant reply `messageId` (same id, new text). */
    regenerate(conversationId: string, messageId: string, model?: string) {
      ctx.setTurn(conversationId, { status: 'submitted', replyId: messageId, error: null });
      const stream = ctx.client.messages.regenerateStream(conversationId, messageId, model ? { model } : {});
      return follow(conversationId, stream);
    },
    /** Re-applies live text after a page of history replaced older copies of streaming replies. */
    refresh(conversationId: string) {
      for (const message of ctx.get().messages[conversationId]?.items ?? []) {
        if (message.status !== 'streaming') continue;
        if (text.has(message.id)) text.reapply(conversationId, message.id);
        else if (!followed.has(message.id)) resume(conversationId, message.id);
      }
      text.flush();
    },
    /** Stops the reply being generated in the conversation: ours through its stream, else by id. */
    async stop(conversationId: string) {
      const stream = streams.get(conversationId);
      if (stream) {
        stopping.add(stream);
        return stream.abort();
      }
      const turn = ctx.get().turns[conversationId];
      if (turn?.status !== 'streaming' || !turn.replyId) return;
      events.completed(await ctx.client.messages.stop(conversationId, turn.replyId));
    },
    /** Forgets everything (sign-out). Streams of ours keep running on the server until their end. */
    clear() {
      text.clear();
      events.clear();
      followed.clear();
      streams.clear();
    },
  };
}
