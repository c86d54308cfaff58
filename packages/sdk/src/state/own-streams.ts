/**
 * The streams of ours in the store (a send, a regeneration, an answer, a resume), applied to the
 * state until they end: one a conversation, its end an error unless it was stopped on purpose.
 * While one follows a reply, the WebSocket copy of that reply's events is not needed.
 */
import { asError } from '../internal/foundation.js';
import type { ChatStream } from '../streaming/chat-stream.js';
import type { LiveParts } from './live-parts.js';
import { failDelivery, fromServer } from './message-list.js';
import type { ReplyEvents } from './reply-events.js';
import type { StoreContext } from './store-context.js';
import type { ToolAnswers } from './tool-answers.js';
import type { ChatMessage } from './types.js';

export type OwnStreams = ReturnType<typeof createOwnStreams>;

export function createOwnStreams(
  ctx: StoreContext,
  live: LiveParts,
  events: ReplyEvents,
  answers: ToolAnswers,
) {
  /** Replies followed by a stream of ours right now: the WebSocket copy of their events is not needed. */
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
        } else if (event.type === 'message.part' || event.type === 'message.delta') {
          answers.streamed(event);
          events.apply(event);
        } else if (event.type === 'message.completed') events.completed(event.message);
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

  return {
    /** Whether a stream of ours follows the reply `messageId` right now. */
    follows: (messageId: string) => followed.has(messageId),
    follow,
    /** Follows a reply still being generated (after a reload, or joined late) from the parts we have. */
    resume(conversationId: string, messageId: string) {
      if (followed.has(messageId)) return;
      followed.add(messageId);
      const parts = live.get(messageId) ?? ctx.find(conversationId, messageId)?.parts ?? [];
      const stream = ctx.client.messages.resume(conversationId, messageId, { parts, tools: ctx.tools });
      void follow(conversationId, stream).finally(() => followed.delete(messageId));
    },
    /**
     * Stops the reply being generated in the conversation, or ends its wait for answers: ours
     * through its stream, else by id.
     */
    async stop(conversationId: string) {
      const stream = streams.get(conversationId);
      if (stream) {
        stopping.add(stream);
        return stream.abort();
      }
      const turn = ctx.get().turns[conversationId];
      const busy = turn?.status === 'streaming' || turn?.status === 'awaiting_input';
      if (!busy || !turn.replyId) return;
      events.completed(await ctx.client.messages.stop(conversationId, turn.replyId));
    },
    /** Forgets the streams (sign-out); they keep running on the server until their end. */
    clear() {
      followed.clear();
      streams.clear();
    },
  };
}
