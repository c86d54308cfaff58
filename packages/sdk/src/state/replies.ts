/**
 * Assistant replies in the store: the turns this client streams (send, regenerate, resume) and the
 * replies it only watches over the WebSocket. Both feed the same three handlers, so a reply the
 * client streams itself — and also receives over the WebSocket — is applied once: deltas are
 * placed by their `offset`, and text already there is skipped.
 *
 * Deltas collect in `live` and reach the state at most once per `throttleMs`: a fast model sends
 * hundreds a second, and every state update re-renders whoever shows the conversation.
 */

import { asError, ChatwireError } from '../client/errors.js';
import type { ChatStreamEvent } from '../contracts/events.js';
import type { Message } from '../contracts/resources.js';
import type { ChatStream } from '../streaming/chat-stream.js';
import { fromServer, updateMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';
import type { ChatMessage } from './types.js';

type Started = Extract<ChatStreamEvent, { type: 'message.started' }>;
type Delta = Extract<ChatStreamEvent, { type: 'message.delta' }>;

export type Replies = ReturnType<typeof createReplies>;

export function createReplies(ctx: StoreContext) {
  /** The text of each reply being generated, ahead of the (throttled) state. */
  const live = new Map<string, string>();
  /** Replies whose text changed since the last flush → their conversation. */
  const pending = new Map<string, string>();
  /** Replies this client streams (or streamed): the WebSocket copy of their start is stale. */
  const owned = new Set<string>();
  /** Replies followed by a stream of ours right now. */
  const followed = new Set<string>();
  /** The stream of ours in each conversation. */
  const streams = new Map<string, ChatStream>();
  /** Streams stopped on purpose: their end is not an error. */
  const stopping = new WeakSet<ChatStream>();
  let flushTimer: unknown;

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

  function started(event: Started, fromStream: boolean) {
    const { conversationId, messageId } = event;
    // A WebSocket start arriving after our own stream ended would wipe the finished reply.
    if (!fromStream && owned.has(messageId)) return;
    if (fromStream) owned.add(messageId);
    ctx.setTurn(conversationId, { status: 'streaming', replyId: messageId, error: null });
    if (live.has(messageId)) return;
    const existing = ctx.find(conversationId, messageId);
    // Already streaming (a page loaded mid-reply, a resume): keep its text, deltas continue it.
    if (existing?.status === 'streaming') return void live.set(messageId, existing.content);
    // New, or regenerated (same id, new text).
    live.set(messageId, '');
    const placeholder: ChatMessage = existing ?? {
      ...fromServer({
        id: messageId,
        conversationId,
        senderId: null,
        role: 'assistant',
        content: '',
        status: 'streaming',
        clientMessageId: null,
        model: event.model,
        usage: null,
        createdAt: new Date(ctx.now()).toISOString(),
        editedAt: null,
      }),
    };
    ctx.upsert(conversationId, { ...placeholder, content: '', status: 'streaming', model: event.model });
  }

  function delta(event: Delta, fromStream: boolean) {
    const { conversationId, messageId } = event;
    let text = live.get(messageId);
    if (text === undefined) {
      const message = ctx.find(conversationId, messageId);
      if (message?.status !== 'streaming') return;
      text = message.content;
    }
    const skip = text.length - event.offset;
    if (skip < 0) {
      // We joined late (a page loaded mid-reply): fetch the missing text from where we are.
      if (!fromStream) resume(conversationId, messageId);
      return;
    }
    if (skip >= event.delta.length) return;
    live.set(messageId, text + event.delta.slice(skip));
    pending.set(messageId, conversationId);
    if (ctx.throttleMs <= 0) flush();
    else flushTimer ??= ctx.timers.setTimeout(flush, ctx.throttleMs);
  }

  function completed(message: Message) {
    const { conversationId, id } = message;
    flush();
    live.delete(id);
    ctx.upsert(conversationId, fromServer(message));
    ctx.noteMessage(message);
    const turn = ctx.get().turns[conversationId];
    if (turn?.replyId !== id) return;
    const failed = message.status === 'error';
    ctx.setTurn(conversationId, {
      status: failed ? 'error' : 'ready',
      error: failed ? (turn.error ?? new ChatwireError('The assistant could not finish this reply')) : null,
    });
  }

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
          started(event, true);
        } else if (event.type === 'message.delta') delta(event, true);
        else if (event.type === 'message.completed') completed(event.message);
      }),
      stream.on('error', (error) => ctx.setTurn(conversationId, { status: 'error', error })),
    ];
    try {
      await stream.finalMessage();
    } catch (error) {
      const reason = asError(error);
      // Unless the WebSocket brought the stored message meanwhile: then it was sent.
      if (sending && !created) {
        ctx.updateItems(conversationId, (items) =>
          updateMessage(items, sending.key, (message) =>
            message.delivery === 'sent' ? message : { ...message, delivery: 'failed', error: reason },
          ),
        );
      }
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
    const offset = live.get(messageId)?.length ?? ctx.find(conversationId, messageId)?.content.length ?? 0;
    void follow(conversationId, ctx.client.messages.resume(conversationId, messageId, { offset })).finally(
      () => followed.delete(messageId),
    );
  }

  return {
    started,
    delta,
    completed,
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
        if (live.has(message.id)) pending.set(message.id, conversationId);
        else if (!followed.has(message.id)) resume(conversationId, message.id);
      }
      flush();
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
      completed(await ctx.client.messages.stop(conversationId, turn.replyId));
    },
    /** Forgets everything (sign-out). Streams of ours keep running on the server until their end. */
    clear() {
      flush();
      live.clear();
      owned.clear();
      followed.clear();
      streams.clear();
    },
  };
}
