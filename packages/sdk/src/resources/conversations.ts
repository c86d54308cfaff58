/**
 * `client.conversations`: direct chats, groups and assistant conversations.
 */

import { PagePromise } from '../client/pagination.js';
import type { RequestOptions, Transport } from '../client/transport.js';
import type { Conversation } from '../contracts/resources.js';
import type { RouteBodyInput, RouteQuery, RouteResponse } from '../contracts/route.js';
import type { routes } from '../contracts/routes.js';

/**
 * The caller's conversations. A conversation the caller does not take part in answers
 * `NotFoundError`, exactly like one that does not exist.
 *
 * @example
 * ```ts
 * const chat = await client.conversations.create({ type: 'assistant', model: 'fast' });
 * await client.conversations.update(chat.id, { title: 'Trip planning' });
 * for await (const conversation of client.conversations.list()) console.log(conversation.title);
 * ```
 */
export interface ConversationsResource {
  /**
   * Starts a conversation: `direct` with exactly one other user (answers the existing one if the
   * two already have one), `group` with one or more, or `assistant` with a model alias.
   */
  create(
    body: RouteBodyInput<typeof routes.createConversation>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.createConversation>>;
  /** The caller's conversations, newest activity first, a page at a time. */
  list(
    query?: Partial<RouteQuery<typeof routes.listConversations>>,
    options?: RequestOptions,
  ): PagePromise<Conversation>;
  /** One conversation. */
  get(id: string, options?: RequestOptions): Promise<RouteResponse<typeof routes.getConversation>>;
  /** Renames it, or changes its model or system prompt (`null` clears a field). */
  update(
    id: string,
    body: RouteBodyInput<typeof routes.updateConversation>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.updateConversation>>;
  /** Deletes it and its messages (owners; either participant of a direct conversation). */
  delete(id: string, options?: RequestOptions): Promise<void>;
  /** Adds people to a group. */
  addParticipants(
    id: string,
    body: RouteBodyInput<typeof routes.addParticipants>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.addParticipants>>;
  /** Removes a member (the owner may), or leaves (pass your own id). */
  removeParticipant(id: string, userId: string, options?: RequestOptions): Promise<void>;
  /**
   * Sets `userId`'s role in a group (its owner only): `admin`, `member`, or `owner` to hand the
   * group over (the caller becomes an admin). Everyone hears `participant.updated`.
   *
   * @example
   * ```ts
   * await client.conversations.setRole(group.id, bob.id, 'admin');
   * ```
   */
  setRole(
    id: string,
    userId: string,
    role: RouteBodyInput<typeof routes.setParticipantRole>['role'],
    options?: RequestOptions,
  ): Promise<Conversation>;
  /**
   * The conversation's pinned messages, the newest pin first.
   *
   * @example
   * ```ts
   * const { items } = await client.conversations.pins(chat.id);
   * ```
   */
  pins(id: string, options?: RequestOptions): Promise<RouteResponse<typeof routes.listPins>>;
  /** Moves the caller's read marker to `messageId`, resetting `unreadCount`. */
  markRead(id: string, body: RouteBodyInput<typeof routes.markRead>, options?: RequestOptions): Promise<void>;
}

/** Creates `client.conversations` over a transport. */
export function createConversationsResource(transport: Transport): ConversationsResource {
  return {
    create: (body, options) => transport.request('createConversation', { ...options, body }),
    list: (query, options) =>
      new PagePromise((cursor) =>
        transport.request('listConversations', {
          ...options,
          query: { ...query, ...(cursor && { cursor }) },
        }),
      ),
    get: (id, options) => transport.request('getConversation', { ...options, params: { id } }),
    update: (id, body, options) =>
      transport.request('updateConversation', { ...options, params: { id }, body }),
    delete: async (id, options) => {
      await transport.request('deleteConversation', { ...options, params: { id } });
    },
    addParticipants: (id, body, options) =>
      transport.request('addParticipants', { ...options, params: { id }, body }),
    removeParticipant: async (id, userId, options) => {
      await transport.request('removeParticipant', { ...options, params: { id, userId } });
    },
    setRole: (id, userId, role, options) =>
      transport.request('setParticipantRole', { ...options, params: { id, userId }, body: { role } }),
    pins: (id, options) => transport.request('listPins', { ...options, params: { id } }),
    markRead: async (id, body, options) => {
      await transport.request('markRead', { ...options, params: { id }, body });
    },
  };
}
