/**
 * `/v1/conversations/:id/messages` handlers. Assistant turns answer as JSON once the reply is
 * done, or as an SSE stream when the client asks for `text/event-stream`.
 */
import type { ChatStreamEvent, ErrorCode } from '@chatwire/sdk/contracts';
import type { ChatService } from '../../replies/assistant-replies.js';
import type { ConversationService } from '../../services/conversations.js';
import type { MessageService } from '../../services/messages.js';
import { toMessage } from '../../services/views.js';
import type { Membership, MessageRecord, Store } from '../../store/store.js';
import { type AuthedContext, type RouteHandlers, streamed } from '../handler.js';
import { HttpError, messageNotFound, streamErrorEvent } from '../http-error.js';
import { openSse, wantsEventStream } from '../sse.js';

type MessageHandlers = Pick<
  RouteHandlers,
  | 'listMessages'
  | 'sendMessage'
  | 'editMessage'
  | 'deleteMessage'
  | 'regenerate'
  | 'streamMessage'
  | 'stopMessage'
>;

export interface MessageHandlerDeps {
  store: Store;
  conversations: ConversationService;
  messages: MessageService;
  chat: ChatService;
}

/** Aborted when the client of a plain (non-SSE) request goes away before its answer. */
function disconnectSignal(context: AuthedContext): AbortSignal {
  const controller = new AbortController();
  const response = context.reply.raw;
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function messageHandlers(deps: MessageHandlerDeps): MessageHandlers {
  const { store, conversations, messages, chat } = deps;

  /** The assistant reply that follows `prompt`, if one was started. */
  async function replyTo(prompt: MessageRecord): Promise<MessageRecord | null> {
    const [next] = await store.listMessages(prompt.conversationId, { limit: 1, afterSeq: prompt.seq });
    return next?.role === 'assistant' ? next : null;
  }

  /** The user message an assistant reply answers: the nearest user message before it. */
  async function promptOf(reply: MessageRecord): Promise<MessageRecord> {
    const earlier = await store.listMessages(reply.conversationId, { limit: 20, beforeSeq: reply.seq });
    const prompt = earlier
      .reverse()
      .find((message) => message.role === 'user' && message.status !== 'deleted');
    if (!prompt) throw new HttpError('bad_request', 'This reply answers no message that can be asked again');
    return prompt;
  }

  /**
   * Answers as an SSE stream: runs `work` with the stream's `send` and its client-gone `signal`;
   * a failure (the headers are long sent) ends the stream with an `error` event.
   */
  async function inEventStream(
    context: AuthedContext,
    failureLog: string,
    work: (send: (event: ChatStreamEvent) => void | Promise<void>, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const sse = openSse(context.reply);
    const send = (event: ChatStreamEvent) => sse.send(event);
    try {
      await work(send, sse.signal);
    } catch (error) {
      if (!(error instanceof HttpError)) context.request.log.error({ err: error }, failureLog);
      await send(streamErrorEvent(error));
    }
    sse.end();
  }

  /**
   * Runs an assistant turn for `prompt` (or follows the reply it already has) and answers as SSE
   * or, once done, as JSON.
   */
  async function answer(
    context: AuthedContext,
    conversation: Membership,
    turn: {
      prompt: MessageRecord;
      model: ReturnType<ChatService['resolveModel']>;
      replace?: MessageRecord;
      existing?: MessageRecord | null;
      announce?: boolean;
    },
  ): Promise<MessageRecord | typeof streamed> {
    if (wantsEventStream(context.request.headers.accept)) {
      await inEventStream(context, 'assistant turn failed', async (send, signal) => {
        if (turn.announce) {
          await send({
            type: 'message.created',
            conversationId: conversation.id,
            message: toMessage(turn.prompt),
          });
        }
        if (turn.existing) await chat.follow(turn.existing, 0, send, signal);
        else
          await chat.reply({
            conversation,
            prompt: turn.prompt,
            model: turn.model,
            replace: turn.replace,
            onEvent: send,
            signal,
          });
      });
      return streamed;
    }
    if (turn.existing)
      return turn.existing.status === 'streaming' ? followToEnd(turn.existing, context) : turn.existing;
    let failure: { code: ErrorCode; message: string } | null = null;
    const final = await chat.reply({
      conversation,
      prompt: turn.prompt,
      model: turn.model,
      replace: turn.replace,
      signal: disconnectSignal(context),
      onEvent: (event) => {
        if (event.type === 'error') failure = event.error;
      },
    });
    if (failure) {
      const { code, message } = failure as { code: ErrorCode; message: string };
      throw new HttpError(code, `${message} (the partial reply is stored with status "error")`);
    }
    return final;
  }

  /** Waits for a reply being generated to end, and returns it as stored. */
  async function followToEnd(reply: MessageRecord, context: AuthedContext): Promise<MessageRecord> {
    let final: MessageRecord = reply;
    await chat.follow(
      reply,
      reply.content.length,
      (event) => {
        if (event.type === 'message.completed') final = { ...reply, ...event.message };
      },
      disconnectSignal(context),
    );
    return final;
  }

  return {
    listMessages: async ({ params, query }, { userId }) => ({
      status: 200,
      body: await messages.list(userId, params.id, query),
    }),

    sendMessage: async ({ params, body }, context) => {
      const conversation = await conversations.requireMember(context.userId, params.id);
      if (conversation.type !== 'assistant') {
        if (body.model) {
          throw new HttpError('validation_failed', 'Only assistant conversations take a model', {
            details: [{ path: ['body', 'model'], message: 'Not allowed in a human conversation' }],
          });
        }
        const { message, created } = await messages.append(context.userId, conversation, body);
        return { status: created ? 201 : 200, body: { message: toMessage(message), reply: null } };
      }
      // Resolve the model before storing anything: a bad alias changes nothing.
      const model = chat.resolveModel(body.model ?? conversation.model);
      messages.checkSize(body.content);
      const { message, created } = await messages.append(context.userId, conversation, body);
      const existing = created ? null : await replyTo(message);
      const result = await answer(context, conversation, {
        prompt: message,
        model,
        existing,
        announce: true,
      });
      if (result === streamed) return streamed;
      return { status: created ? 201 : 200, body: { message: toMessage(message), reply: toMessage(result) } };
    },

    editMessage: async ({ params, body }, { userId }) => ({
      status: 200,
      body: await messages.edit(userId, params.id, params.messageId, body.content),
    }),

    deleteMessage: async ({ params }, { userId }) => ({
      status: 200,
      body: await messages.remove(userId, params.id, params.messageId),
    }),

    regenerate: async ({ params, body }, context) => {
      const conversation = await conversations.requireMember(context.userId, params.id);
      const target = await messages.requireMessage(params.id, params.messageId);
      if (conversation.type !== 'assistant' || target.role !== 'assistant') {
        throw new HttpError('bad_request', 'Only assistant replies can be regenerated');
      }
      if (await chat.isActive(target.id)) {
        throw new HttpError('conflict', 'This reply is still being generated: stop it first');
      }
      const model = chat.resolveModel(body.model ?? target.model ?? conversation.model);
      const prompt = await promptOf(target);
      const result = await answer(context, conversation, { prompt, model, replace: target });
      if (result === streamed) return streamed;
      return { status: 200, body: { reply: toMessage(result) } };
    },

    streamMessage: async ({ params, query }, context) => {
      await conversations.requireMember(context.userId, params.id);
      const reply = await messages.requireMessage(params.id, params.messageId);
      if (reply.role !== 'assistant') throw messageNotFound();
      await inEventStream(context, 'following a reply failed', (send, signal) =>
        chat.follow(reply, query.offset, send, signal),
      );
      return streamed;
    },

    stopMessage: async ({ params }, { userId }) => {
      await conversations.requireMember(userId, params.id);
      // A running reply is looked up in memory first: its placeholder is written while the
      // provider connects, so a stop right after `message.started` may find nothing stored yet.
      const stopped = await chat.stopHere(params.id, params.messageId);
      if (stopped) return { status: 200, body: stopped };
      const reply = await messages.requireMessage(params.id, params.messageId);
      if (reply.role !== 'assistant')
        throw new HttpError('bad_request', 'Only assistant replies can be stopped');
      // Still generating, by another process: asked to stop there, and waited for.
      const elsewhere = reply.status === 'streaming' ? await chat.stopElsewhere(reply) : undefined;
      if (elsewhere) return { status: 200, body: elsewhere };
      return { status: 200, body: toMessage(reply) };
    },
  };
}
