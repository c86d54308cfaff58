/**
 * The streams of ours in the store (a send, a regeneration, an answer, a resume), applied to the
 * state until they end: one a conversation, its end an error unless it was stopped on purpose.
 * While one follows a reply, the WebSocket copy of that reply's events is not needed.
 *
 * A client tool runs in exactly one client: the stream that sent the message or gave the answer
 * that made the reply go on (a send, a regeneration, an answer) runs it. A stream that only
 * watches a reply it did not start (a second tab, a page loaded mid-reply) runs none: a call it
 * sees waiting is the app's to answer by hand. The calls a stream of ours runs right now are in
 * `runningToolCalls`, so that nobody offers to answer them.
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

/** How a stream of ours is followed. */
export interface FollowOptions {
  /** The optimistic user message the stream delivers (a send): it fails with the stream if never stored. */
  sending?: ChatMessage | undefined;
  /** The stream only watches the reply (a resume): it does not make it go on, nor run its tools. */
  watching?: boolean | undefined;
}

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
   * Replies whose last run a stream of ours drove (not one that only watched it): when the
   * WebSocket says one waits for our tools and no stream of ours runs them (ours dropped), we do.
   */
  const driven = new Set<string>();

  /** The calls of the conversation's reply that our tools run now (none: `[]`). */
  const setRunning = (conversationId: string, toolCallIds: readonly string[]) => {
    const { runningToolCalls } = ctx.get();
    const current = runningToolCalls[conversationId];
    if (!current?.length && !toolCallIds.length) return;
    ctx.set({ runningToolCalls: { ...runningToolCalls, [conversationId]: toolCallIds } });
  };

  /** Applies a stream of ours to the state until it ends. */
  async function follow(
    conversationId: string,
    stream: ChatStream,
    { sending, watching }: FollowOptions = {},
  ) {
    streams.set(conversationId, stream);
    let created = !sending;
    let ran = false;
    const offs = [
      stream.on('running', (calls) => {
        ran = true;
        setRunning(
          conversationId,
          calls.map((call) => call.toolCallId),
        );
      }),
      stream.on('event', (event) => {
        if (event.type === 'message.created') {
          created = true;
          ctx.upsert(conversationId, fromServer(event.message));
          ctx.noteMessage(event.message);
        } else if (event.type === 'message.started') {
          followed.add(event.messageId);
          if (!watching) driven.add(event.messageId);
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
      if (ran) setRunning(conversationId, []);
      if (stream.messageId) followed.delete(stream.messageId);
      if (streams.get(conversationId) === stream) streams.delete(conversationId);
    }
  }

  return {
    /** Whether a stream of ours follows the reply `messageId` right now. */
    follows: (messageId: string) => followed.has(messageId),
    /** Whether a stream of ours drove the last run of the reply `messageId` (so its tools are ours to run). */
    drove: (messageId: string) => driven.has(messageId),
    /** A run of the reply `messageId` that no stream of ours drives began (another tab answered it). */
    yielded: (messageId: string) => void driven.delete(messageId),
    follow,
    /**
     * Follows a reply still being generated (after a reload, or joined late) from the parts we
     * have. It runs our tools only when a stream of ours drove the reply (ours dropped): one we
     * did not start is another client's to run.
     */
    resume(conversationId: string, messageId: string) {
      if (followed.has(messageId)) return;
      followed.add(messageId);
      const parts = live.get(messageId) ?? ctx.find(conversationId, messageId)?.parts ?? [];
      const ours = driven.has(messageId);
      const stream = ctx.client.messages.resume(conversationId, messageId, {
        parts,
        tools: ctx.tools,
        runTools: ours,
      });
      void follow(conversationId, stream, { watching: !ours }).finally(() => followed.delete(messageId));
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
      driven.clear();
    },
  };
}
