/**
 * `/v1/conversations/:id/messages` handlers: they translate HTTP to the use cases and back, and
 * nothing else. An assistant turn answers as JSON once the reply is done, or as an SSE stream when
 * the client asks for `text/event-stream`.
 */
import type { ChatStreamEvent } from '@chatwire/sdk/contracts';
import type { TurnListener, TurnOutcome } from '../../replies/assistant-replies.js';
import { streamErrorEvent } from '../../replies/turn.js';
import type { MessageService } from '../../services/messages.js';
import type { ReplyActions } from '../../services/replies.js';
import type { SendMessage, SentMessage } from '../../services/send-message.js';
import type { ToolAnswers } from '../../services/tool-answers.js';
import { toMessage } from '../../services/views.js';
import { type AuthedContext, type RouteHandlers, streamed } from '../handler.js';
import { openSse, type SseStream, wantsEventStream } from '../sse.js';

type MessageHandlers = Pick<
  RouteHandlers,
  | 'listMessages'
  | 'sendMessage'
  | 'editMessage'
  | 'deleteMessage'
  | 'regenerate'
  | 'streamMessage'
  | 'stopMessage'
  | 'submitToolResult'
  | 'approveToolCall'
>;

export interface MessageHandlerDeps {
  messages: MessageService;
  sendMessage: SendMessage;
  replies: ReplyActions;
  toolAnswers: ToolAnswers;
}

/** Aborted when the client goes away before its answer is complete. */
function disconnectSignal(context: AuthedContext): AbortSignal {
  const controller = new AbortController();
  const response = context.reply.raw;
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  // Gone while the request was being handled: `close` has been and gone.
  if (response.socket?.destroyed) controller.abort();
  return controller.signal;
}

/**
 * The requester of a turn, as this request answers it. A stream (`Accept: text/event-stream`, or
 * `always`) opens with the turn's first event — so a send that starts no turn (a human
 * conversation), or that fails before its first event, still answers as JSON with the error
 * envelope; a failure once the stream is open ends it with an `error` event. Otherwise the JSON
 * answer waits for the end.
 */
function requesterOf(context: AuthedContext, always = false) {
  const signal = disconnectSignal(context);
  const streams = always || wantsEventStream(context.request.headers.accept);
  let stream: SseStream | undefined;
  const listener: TurnListener = {
    onEvent: streams
      ? (event: ChatStreamEvent) => {
          stream ??= openSse(context.reply);
          return stream.send(event);
        }
      : () => undefined,
    signal,
  };
  return {
    listener,
    streams,
    /**
     * Runs `work`, its events going to the stream as they come, and ends the stream: `streamed`
     * once it was opened, `undefined` when nothing opened it (answer as JSON). A failure before
     * the stream opened is thrown, after it is the stream's `error` event.
     */
    async streamed(work: () => Promise<unknown>): Promise<typeof streamed | undefined> {
      try {
        await work();
      } catch (error) {
        if (!stream) throw error;
        const event = streamErrorEvent(error);
        if (event.error.code === 'internal')
          context.request.log.error({ err: error }, 'assistant turn failed');
        await stream.send(event);
      }
      if (!stream) return undefined;
      stream.end();
      return streamed;
    },
  };
}

/** A turn's outcome as a JSON answer: the reply, or the failure that ended it as `error`. */
function replyOf(outcome: TurnOutcome) {
  if (outcome.failure) throw outcome.failure;
  return toMessage(outcome.reply);
}

export function messageHandlers(deps: MessageHandlerDeps): MessageHandlers {
  const { messages, sendMessage, replies, toolAnswers } = deps;

  /**
   * A turn asked for by this request (a regenerate, a reply going on after an answer): followed as
   * a stream when asked for, answered as `{ reply }` JSON once done otherwise — or at once, when it
   * sent nothing (an answer that leaves the reply waiting for another).
   */
  async function answerTurn(context: AuthedContext, run: (listener: TurnListener) => Promise<TurnOutcome>) {
    const requester = requesterOf(context);
    if (!requester.streams)
      return { status: 200 as const, body: { reply: replyOf(await run(requester.listener)) } };
    let outcome: TurnOutcome | undefined;
    const answered = await requester.streamed(async () => {
      outcome = await run(requester.listener);
    });
    if (answered) return answered;
    if (!outcome) throw new Error('a turn ended without an outcome');
    return { status: 200 as const, body: { reply: replyOf(outcome) } };
  }

  return {
    listMessages: async ({ params, query }, { userId }) => ({
      status: 200,
      body: await messages.list(userId, params.id, query),
    }),

    sendMessage: async ({ params, body }, context) => {
      const requester = requesterOf(context);
      let sent: SentMessage | undefined;
      const send = async () => {
        sent = await sendMessage(context.userId, params.id, body, requester.listener);
        return sent;
      };
      if (requester.streams) {
        const answered = await requester.streamed(async () => (await send()).reply);
        if (answered) return answered;
      }
      // A stream nothing opened (a human conversation starts no turn) answers as JSON too.
      const { message, created, reply } = sent ?? (await send());
      return {
        status: created ? 201 : 200,
        body: { message, reply: reply ? replyOf(await reply) : null },
      };
    },

    editMessage: async ({ params, body }, { userId }) => ({
      status: 200,
      body: await messages.edit(userId, params.id, params.messageId, body.content),
    }),

    deleteMessage: async ({ params }, { userId }) => ({
      status: 200,
      body: await messages.remove(userId, params.id, params.messageId),
    }),

    regenerate: async ({ params, body }, context) =>
      answerTurn(context, (listener) =>
        replies.regenerate(context.userId, params.id, params.messageId, body, listener),
      ),

    streamMessage: async ({ params, query }, context) => {
      const requester = requesterOf(context, true);
      const { onEvent, signal } = requester.listener;
      const answered = await requester.streamed(() =>
        replies.follow(
          context.userId,
          params.id,
          params.messageId,
          { part: query.part, offset: query.offset },
          onEvent,
          signal ?? new AbortController().signal,
        ),
      );
      // Following always sends `message.started` first: the stream is open.
      if (!answered) throw new Error('following a reply sent no event');
      return answered;
    },

    stopMessage: async ({ params }, { userId }) => ({
      status: 200,
      body: await replies.stop(userId, params.id, params.messageId),
    }),

    submitToolResult: async ({ params, body }, context) =>
      answerTurn(context, (listener) =>
        toolAnswers.submitResult(context.userId, params.id, params.messageId, body, listener),
      ),

    approveToolCall: async ({ params, body }, context) =>
      answerTurn(context, (listener) =>
        toolAnswers.approve(context.userId, params.id, params.messageId, body, listener),
      ),
  };
}
