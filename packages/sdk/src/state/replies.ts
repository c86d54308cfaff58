/**
 * Assistant replies in the store: the turns this client streams (send, regenerate, resume, the
 * answers to tool calls) and the replies it only watches over the WebSocket. Both feed the same
 * reply events (`reply-events.ts`), whose parts reach the state throttled (`live-parts.ts`). Our
 * streams are followed in `own-streams.ts`, answers to tool calls given in `tool-answers.ts`; this
 * module joins them, and runs this client's tools for a reply whose last run a stream of ours
 * drove when the WebSocket says it waits for them (ours had dropped). A run another client drove
 * (another tab answered) is that client's: its stream runs the tools.
 */

import type { ChatStreamEvent } from '../contracts/events.js';
import type { Message } from '../contracts/resources.js';
import type { PartEvent } from '../streaming/reply-parts.js';
import type { ClientTools } from '../tools/client-tool.js';
import { pendingToolCalls } from '../tools/pending-tool-calls.js';
import { createLiveParts } from './live-parts.js';
import { createOwnStreams } from './own-streams.js';
import { createReplyEvents, type ReplyThreads } from './reply-events.js';
import type { StoreContext } from './store-context.js';
import { createToolAnswers, type ToolApprovalAnswer, type ToolResultAnswer } from './tool-answers.js';

type Started = Extract<ChatStreamEvent, { type: 'message.started' }>;

export type Replies = ReturnType<typeof createReplies>;

export function createReplies(ctx: StoreContext, threads: ReplyThreads) {
  const live = createLiveParts(ctx, threads);
  const events = createReplyEvents(ctx, live, threads);
  const answers = createToolAnswers(ctx);
  const own = createOwnStreams(ctx, live, events, answers);

  return {
    started(event: Started, fromStream: boolean) {
      if (fromStream) events.started(event, true);
      // A run no stream of ours follows: another client drives it, and runs its tools.
      else if (!own.follows(event.messageId) && events.started(event, false)) own.yielded(event.messageId);
    },
    /** A part or a delta from the WebSocket. */
    apply(event: PartEvent) {
      if (own.follows(event.messageId)) return;
      // We joined late (a page loaded mid-reply): fetch what is missing from where we are.
      if (!events.apply(event)) own.resume(event.conversationId, event.messageId);
    },
    /** A reply's run ended, as the WebSocket tells it (also one our stream follows: a drop loses nothing). */
    completed(message: Message) {
      const { toolResults } = pendingToolCalls(message);
      // A copy from before our answer (the WebSocket lagging behind our stream).
      if (answers.predates(toolResults)) return;
      events.completed(message);
      // A run of ours ended waiting for one of our tools, and no stream of ours runs it (ours had
      // dropped): run it. One that only watched the reply, or another tab's run, leaves it alone.
      if (toolResults.length > 0 && own.drove(message.id) && !own.follows(message.id)) {
        const { conversationId } = message;
        void own.follow(
          conversationId,
          ctx.client.messages.runClientTools(conversationId, message, { tools: ctx.tools }),
        );
      }
    },
    follow: own.follow,
    /**
     * Runs this client's tools for the calls `reply` waits for, here: a reply found waiting whose
     * run no stream of ours drove (its tab was closed or reloaded). The reply goes on from here.
     */
    runHere(conversationId: string, reply: Message, tools?: ClientTools) {
      const stream = ctx.client.messages.runClientTools(conversationId, reply, {
        tools: ctx.toolsWith(tools),
      });
      return own.follow(conversationId, stream);
    },
    /** Streams a new version of the assistant reply `messageId` (same id, new parts). */
    regenerate(conversationId: string, messageId: string, model?: string, tools?: ClientTools) {
      ctx.setTurn(conversationId, { status: 'submitted', replyId: messageId, error: null });
      const stream = ctx.client.messages.regenerateStream(conversationId, messageId, {
        ...(model && { model }),
        tools: ctx.toolsWith(tools),
      });
      return own.follow(conversationId, stream);
    },
    /**
     * Answers a call (a result, or an approval): shown at once, then the reply streams on (or keeps
     * waiting for the others). `tools` run in what follows, besides the store's.
     */
    answer(conversationId: string, given: ToolResultAnswer | ToolApprovalAnswer, tools?: ClientTools) {
      const stream = answers.answer(conversationId, given, tools);
      return stream ? own.follow(conversationId, stream) : Promise.resolve();
    },
    /** Re-applies live parts after a page of history replaced older copies of streaming replies. */
    refresh(conversationId: string) {
      const items = ctx.get().messages[conversationId]?.items ?? [];
      for (const message of items) {
        if (message.status !== 'streaming') continue;
        if (live.has(message.id)) live.reapply(conversationId, message.id);
        else if (!own.follows(message.id)) own.resume(conversationId, message.id);
      }
      live.flush();
      // The newest reply waits for answers (a reload): the turn says so.
      const last = items.findLast((message) => message.role === 'assistant');
      const turn = ctx.get().turns[conversationId];
      if (last?.status === 'awaiting_input' && (!turn || turn.status === 'ready'))
        ctx.setTurn(conversationId, { status: 'awaiting_input', replyId: last.id, error: null });
    },
    stop: own.stop,
    /** Forgets everything (sign-out). Streams of ours keep running on the server until their end. */
    clear() {
      live.clear();
      events.clear();
      own.clear();
      answers.clear();
    },
  };
}
