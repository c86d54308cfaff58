/**
 * `client.messages`: read, send, edit and delete the messages of a conversation.
 */

import { PagePromise } from '../client/pagination.js';
import type { RequestOptions, Transport } from '../client/transport.js';
import type { Message } from '../contracts/resources.js';
import type { RouteBodyInput, RouteQuery, RouteResponse } from '../contracts/route.js';
import { routes } from '../contracts/routes.js';

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
}

/**
 * A new random `clientMessageId` (a UUIDv4). `crypto.randomUUID` exists only in secure contexts
 * (HTTPS, localhost), so plain-HTTP pages fall back to `crypto.getRandomValues`.
 */
export function newClientMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Creates `client.messages` over a transport. */
export function createMessagesResource(transport: Transport): MessagesResource {
  return {
    list: (id, query, options) =>
      new PagePromise((cursor) =>
        transport.request(routes.listMessages, {
          ...options,
          params: { id },
          query: { ...query, ...(cursor && { cursor }) },
        }),
      ),
    send: (id, body, options) =>
      transport.request(routes.sendMessage, {
        ...options,
        params: { id },
        body: { ...body, clientMessageId: body.clientMessageId ?? newClientMessageId() },
      }),
    edit: (id, messageId, body, options) =>
      transport.request(routes.editMessage, { ...options, params: { id, messageId }, body }),
    delete: (id, messageId, options) =>
      transport.request(routes.deleteMessage, { ...options, params: { id, messageId } }),
    stop: (id, messageId, options) =>
      transport.request(routes.stopMessage, { ...options, params: { id, messageId } }),
  };
}
