/**
 * `client.messages`: read, send, edit and delete the messages of a conversation, and stream,
 * follow, stop and regenerate assistant replies.
 */

import { PagePromise } from '../client/pagination.js';
import type { RequestOptions, RouteCall, Transport } from '../client/transport.js';
import type { Message } from '../contracts/resources.js';
import type { RouteBodyInput, RouteQuery, RouteResponse } from '../contracts/route.js';
import type { Routes, routes } from '../contracts/routes.js';
import { newClientMessageId } from '../internal/foundation.js';
import { type ChatStream, createChatStream } from '../streaming/chat-stream.js';

/** What {@link MessagesResource.stream} takes: the message to send, and a signal that stops the reply. */
export type StreamMessageInput = RouteBodyInput<typeof routes.sendMessage> & {
  /** Aborting it is {@link ChatStream.abort}: the reply is stopped and stored as `aborted`. */
  signal?: AbortSignal | undefined;
};

/** What {@link MessagesResource.resume} takes. */
export interface ResumeOptions {
  /** The character offset to follow the reply from: the length of the text you already have. Default `0`. */
  offset?: number | undefined;
  /** Aborting it is {@link ChatStream.abort}: the reply is stopped and stored as `aborted`. */
  signal?: AbortSignal | undefined;
}

/** What {@link MessagesResource.regenerateStream} takes. */
export type RegenerateStreamInput = RouteBodyInput<typeof routes.regenerate> & {
  /** Aborting it is {@link ChatStream.abort}: the new reply is stopped and stored as `aborted`. */
  signal?: AbortSignal | undefined;
};

/**
 * The messages of a conversation.
 *
 * @example
 * ```ts
 * const { message, reply } = await client.messages.send(conversationId, { content: 'Hello!' });
 * const newest = await client.messages.list(conversationId, { limit: 30 });
 * await client.messages.edit(conversationId, message.id, { content: 'Hello, world!' });
 * ```
 */
export interface MessagesResource {
  /**
   * A page of messages, oldest to newest within the page. Without `before`/`after` the first
   * page is the newest, and each next page is older: `for await` walks back through history
   * (page by page, each page in chronological order). With `after`, pages go towards newer ones.
   */
  list(
    conversationId: string,
    query?: Partial<RouteQuery<typeof routes.listMessages>>,
    options?: RequestOptions,
  ): PagePromise<Message>;
  /**
   * Sends a message. A `clientMessageId` is generated when you give none, so the client may retry
   * the send after a network failure and the server still stores it once (a repeat answers with
   * the stored message). Give your own to match an optimistic message to the stored one.
   * In an assistant conversation this resolves when the reply is complete (`reply`); allow for
   * that in `timeoutMs`, or stream the reply instead.
   */
  send(
    conversationId: string,
    body: RouteBodyInput<typeof routes.sendMessage>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.sendMessage>>;
  /** Replaces the content of your message; `editedAt` is set. */
  edit(
    conversationId: string,
    messageId: string,
    body: RouteBodyInput<typeof routes.editMessage>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.editMessage>>;
  /** Deletes a message (its author or the conversation owner): content cleared, status `deleted`. */
  delete(
    conversationId: string,
    messageId: string,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.deleteMessage>>;
  /**
   * Stops an assistant reply being generated: the server aborts the generation and keeps the
   * partial reply as `aborted`. Answers the reply as stored (as it is, if it had already ended).
   */
  stop(
    conversationId: string,
    messageId: string,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.stopMessage>>;
  /**
   * Sends a message to an assistant conversation and streams the reply as it is generated.
   * Returns at once; the request starts right away. A `clientMessageId` is generated when you give
   * none, and a retried send (a network failure before the answer) follows the same reply.
   *
   * @example
   * ```ts
   * const stream = client.messages.stream(chat.id, { content: 'Summarise our plan' });
   * stream.on('created', (message) => swapOptimistic(message));
   * for await (const event of stream) {
   *   if (event.type === 'message.delta') view.append(event.delta);
   * }
   * const reply = await stream.finalMessage();
   * ```
   */
  stream(conversationId: string, input: StreamMessageInput): ChatStream;
  /**
   * Follows an assistant reply (after a reload, or from another device) from `offset`: the text it
   * has after that point, its live deltas, then `message.completed`. An ended reply answers at
   * once. `text()` and `content` cover the text from `offset` on; `finalMessage()` the whole reply.
   *
   * @example
   * ```ts
   * // The page reloaded mid-reply: keep what was shown, follow the rest.
   * const stream = client.messages.resume(chat.id, reply.id, { offset: shown.length });
   * stream.on('delta', (delta) => view.append(delta));
   * await stream.finalMessage();
   * ```
   */
  resume(conversationId: string, messageId: string, options?: ResumeOptions): ChatStream;
  /**
   * Replaces an assistant reply with a new one (same id, new content), optionally from another
   * model, and resolves with it once complete. Stream it with {@link MessagesResource.regenerateStream}.
   *
   * @example
   * ```ts
   * const { reply } = await client.messages.regenerate(chat.id, reply.id, { model: 'smart' });
   * ```
   */
  regenerate(
    conversationId: string,
    messageId: string,
    body?: RouteBodyInput<typeof routes.regenerate>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.regenerate>>;
  /**
   * Replaces an assistant reply with a new one and streams it, as {@link MessagesResource.stream}
   * does (without `message.created`: no user message is sent).
   *
   * @example
   * ```ts
   * const stream = client.messages.regenerateStream(chat.id, reply.id);
   * stream.on('delta', (_delta, content) => render(reply.id, content));
   * await stream.finalMessage();
   * ```
   */
  regenerateStream(conversationId: string, messageId: string, input?: RegenerateStreamInput): ChatStream;
}

/** Asks for the SSE answer of a route that can also answer JSON. */
const eventStream = { accept: 'text/event-stream' };

/** Creates `client.messages` over a transport. */
export function createMessagesResource(transport: Transport): MessagesResource {
  /** A chat stream over `route`'s SSE answer, able to stop the reply in conversation `id`. */
  const chatStream = <K extends 'sendMessage' | 'regenerate' | 'streamMessage'>(
    id: string,
    route: K,
    call: RouteCall<Routes[K]>,
    signal: AbortSignal | undefined,
    offset?: number,
  ) =>
    createChatStream({
      open: (abort) =>
        transport.send(route, { ...call, headers: eventStream, signal: abort } as RouteCall<Routes[K]>),
      stop: (messageId) => transport.request('stopMessage', { params: { id, messageId } }),
      signal,
      offset,
    });

  return {
    list: (id, query, options) =>
      new PagePromise((cursor) =>
        transport.request('listMessages', {
          ...options,
          params: { id },
          query: { ...query, ...(cursor && { cursor }) },
        }),
      ),
    send: (id, body, options) =>
      transport.request('sendMessage', {
        ...options,
        params: { id },
        body: { ...body, clientMessageId: body.clientMessageId ?? newClientMessageId() },
      }),
    edit: (id, messageId, body, options) =>
      transport.request('editMessage', { ...options, params: { id, messageId }, body }),
    delete: (id, messageId, options) =>
      transport.request('deleteMessage', { ...options, params: { id, messageId } }),
    stop: (id, messageId, options) =>
      transport.request('stopMessage', { ...options, params: { id, messageId } }),
    stream: (id, { signal, ...body }) =>
      chatStream(
        id,
        'sendMessage',
        // Fixed here, not per attempt: a retried request is the same send, and follows the same reply.
        { params: { id }, body: { ...body, clientMessageId: body.clientMessageId ?? newClientMessageId() } },
        signal,
      ),
    resume: (id, messageId, { offset = 0, signal } = {}) =>
      chatStream(id, 'streamMessage', { params: { id, messageId }, query: { offset } }, signal, offset),
    regenerate: (id, messageId, body = {}, options) =>
      transport.request('regenerate', { ...options, params: { id, messageId }, body }),
    regenerateStream: (id, messageId, { signal, ...body } = {}) =>
      chatStream(id, 'regenerate', { params: { id, messageId }, body }, signal),
  };
}
