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
   * two already have one), `group` with one or more, or `assistant` with a model alias. A direct
   * or group conversation may have an `assistant` member that answers mentions or every message.
   *
   * @example
   * ```ts
   * const team = await client.conversations.create({
   *   type: 'group',
   *   participantIds: [bobId],
   *   assistant: { model: 'fast', respondTo: 'mentions' }, // answers "@assistant …" and "@fast …"
   * });
   * ```
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
  /**
   * Renames it, or changes its model or system prompt (`null` clears a field); for a direct or
   * group conversation, sets or removes its `assistant` member (in a group, the owner or an admin
   * only, else `ForbiddenError`).
   *
   * @example
   * ```ts
   * await client.conversations.update(team.id, { assistant: { model: 'fast', respondTo: 'every_message' } });
   * await client.conversations.update(team.id, { assistant: null }); // no assistant any more
   * ```
   */
  update(
    id: string,
    body: RouteBodyInput<typeof routes.updateConversation>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.updateConversation>>;
  /** Deletes it and its messages (owners; either participant of a direct conversation). */
  delete(id: string, options?: RequestOptions): Promise<void>;
  /**
   * Adds people to a group (the owner or an admin). Invited into an assistant conversation, they make it a
   * `group` whose assistant answers every message, as it answered its owner's.
   */
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
  /**
   * Moves the caller's read marker to `messageId`, resetting `unreadCount`; with `threadId` (a
   * thread's parent), my read marker in that thread instead (its `unreadCount` in `threads`).
   *
   * @example
   * ```ts
   * await client.conversations.markRead(chat.id, { messageId: newestReply.id, threadId: parent.id });
   * ```
   */
  markRead(id: string, body: RouteBodyInput<typeof routes.markRead>, options?: RequestOptions): Promise<void>;
  /**
   * The threads of conversation `id` I take part in (started or replied), newest reply first,
   * each with my `unreadCount`.
   *
   * @example
   * ```ts
   * const { items } = await client.conversations.threads(chat.id);
   * items[0]; // { parent: Message, unreadCount: 2, lastReplyAt: '…' }
   * ```
   */
  threads(id: string, options?: RequestOptions): Promise<RouteResponse<typeof routes.listThreads>>;
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
    threads: (id, options) => transport.request('listThreads', { ...options, params: { id } }),
  };
}
