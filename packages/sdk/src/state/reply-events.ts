/**
 * The events of an assistant reply — started, part, delta, completed — applied to the state,
 * whether they come from a stream of ours or over the WebSocket: one reducer (the part reducer of
 * `streaming/reply-parts.ts`). A reply that arrives both ways is applied once: parts are placed by
 * index and deltas by offset, what is already there is skipped, and an earlier state of a part
 * (a copy arriving late) never replaces a later one.
 *
 * A reply that answers in a thread (its start carries the thread's `parentId`) streams into that
 * thread (`ChatState.threads`), not into the conversation's list; once stored, it shows in the list
 * too only when it is `alsoInConversation`.
 */
import { ChatwireError } from '../client/errors.js';
import type { ChatStreamEvent } from '../contracts/events.js';
import type { Message } from '../contracts/resources.js';
import { applyPartEvent, type PartEvent } from '../streaming/reply-parts.js';
import { pendingToolCalls } from '../tools/pending-tool-calls.js';
import type { LiveParts } from './live-parts.js';
import { fromServer, unstoredMessage, updateMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';
import type { Threads } from './threads.js';
import type { ChatMessage } from './types.js';

type Started = Extract<ChatStreamEvent, { type: 'message.started' }>;

/** The turn a reply's end leaves its conversation in. */
const turnAfter = (message: Message, error: Error | null) =>
  message.status === 'error'
    ? {
        status: 'error' as const,
        error: error ?? new ChatwireError('The assistant could not finish this reply'),
      }
    : {
        status: message.status === 'awaiting_input' ? ('awaiting_input' as const) : ('ready' as const),
        error: null,
      };

export type ReplyEvents = ReturnType<typeof createReplyEvents>;

/** What the reply events need of the threads. */
export type ReplyThreads = Pick<Threads, 'route' | 'find' | 'patch'>;

export function createReplyEvents(ctx: StoreContext, live: LiveParts, threads: ReplyThreads) {
  /** Replies this client streams (or streamed): the WebSocket copy of their start is stale once they ended. */
  const owned = new Set<string>();

  return {
    /** Applies a run's start; `false` when it is a stale copy, ignored. */
    started(event: Started, fromStream: boolean): boolean {
      const { conversationId, messageId } = event;
      // The thread it answers in (a copy of the start without it: the thread it was seen in).
      const parentId = event.parentId ?? live.parentOf(messageId) ?? null;
      const existing = parentId ? threads.find(parentId, messageId) : ctx.find(conversationId, messageId);
      /** Puts the reply where it shows: its thread (when loaded), else the conversation's list. */
      const place = (message: ChatMessage) => {
        if (parentId) threads.route({ ...message, parentId, alsoInConversation: false });
        else ctx.upsert(conversationId, message);
      };
      if (!fromStream) {
        // A start arriving after our own stream ended would wipe the finished reply; one of a
        // reply still waiting for answers is an old copy too (a run goes on only once answered).
        if (owned.has(messageId) && existing?.status !== 'awaiting_input') return false;
        if (existing?.status === 'awaiting_input' && hasPending(existing)) return false;
      } else owned.add(messageId);
      ctx.setTurn(conversationId, { status: 'streaming', replyId: messageId, error: null });
      if (live.has(messageId)) return true;
      // Already streaming (a page loaded mid-reply, a resume), or going on after answers: it
      // continues its parts.
      if (existing?.status === 'streaming' || existing?.status === 'awaiting_input') {
        live.start(messageId, existing.parts, parentId);
        if (existing.status !== 'streaming') place({ ...existing, status: 'streaming' });
        return true;
      }
      // New, or regenerated (same id, new parts).
      live.start(messageId, [], parentId);
      const placeholder: ChatMessage =
        existing ??
        fromServer(
          unstoredMessage({
            id: messageId,
            conversationId,
            senderId: null,
            role: 'assistant',
            parts: [],
            content: '',
            status: 'streaming',
            clientMessageId: null,
            model: event.model,
            createdAt: new Date(ctx.now()).toISOString(),
          }),
        );
      place({
        ...placeholder,
        parts: [],
        content: '',
        status: 'streaming',
        model: event.model,
      });
      return true;
    },

    /** Applies a part or a delta; `false` when it starts beyond what we have (we joined late). */
    apply(event: PartEvent): boolean {
      const { conversationId, messageId } = event;
      const known = live.get(messageId);
      if (known) {
        // A part past the end: the ones before it were missed (a page of history older than the
        // events). Placing it would leave holes; follow from what we have instead.
        if (event.type === 'message.part' && event.index > known.length) return false;
        const parts = applyPartEvent(known, event);
        if (parts === 'gap') return false;
        if (parts !== known) live.update(conversationId, messageId, parts);
        return true;
      }
      const message = ctx.find(conversationId, messageId);
      if (message?.status === 'streaming') {
        // Streaming in the state but not followed yet (history loaded mid-reply): follow from there.
        live.start(messageId, message.parts);
        return this.apply(event);
      }
      // A reply waiting for answers: an answer given elsewhere (another tab) shows at once.
      if (message?.status === 'awaiting_input' && event.type === 'message.part') {
        const parts = applyPartEvent(message.parts, event);
        if (parts !== 'gap' && parts !== message.parts)
          ctx.updateItems(conversationId, (items) =>
            updateMessage(items, messageId, (m) => ({ ...m, parts: parts as Message['parts'] })),
          );
      }
      return true;
    },

    completed(message: Message) {
      const { conversationId, id } = message;
      live.end(id);
      // A reply in a thread goes to its thread; the main list only gets it when sent to both.
      if (threads.route(message)) ctx.upsert(conversationId, fromServer(message));
      else if (ctx.find(conversationId, id)) {
        // A placeholder its start put in the list (a start that did not say its thread).
        ctx.updateItems(conversationId, (items) => items.filter((item) => item.id !== id));
      }
      ctx.noteMessage(message);
      const turn = ctx.get().turns[conversationId];
      if (turn?.replyId === id) ctx.setTurn(conversationId, turnAfter(message, turn.error));
    },

    clear() {
      owned.clear();
    },
  };
}

/** Whether a reply's calls still wait for someone. */
const hasPending = (message: Message) => {
  const { toolResults, approvals } = pendingToolCalls(message);
  return toolResults.length + approvals.length > 0;
};
