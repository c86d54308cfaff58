/**
 * `createClient`: the typed chatwire client, one object per server and session. The composition
 * root: it stands above the transport (`client/`), the resources and the real-time connection, and
 * wires them together; none of them imports it.
 */

import { createTransport, type Transport, type TransportOptions } from './client/transport.js';
import { createRealtimeConnection } from './realtime/connection.js';
import type { RealtimeConnection, RealtimeOptions } from './realtime/types.js';
import { type AuthResource, createAuthResource } from './resources/auth.js';
import { type ConversationsResource, createConversationsResource } from './resources/conversations.js';
import { createFilesResource, type FilesResource } from './resources/files.js';
import { createMessagesResource, type MessagesResource } from './resources/messages.js';
import { createModelsResource, type ModelsResource } from './resources/models.js';
import { createSearchResource, type SearchResource } from './resources/search.js';
import { createUsersResource, type UsersResource } from './resources/users.js';
import type { ClientTools } from './tools/client-tool.js';

/**
 * Options of {@link createClient}. Only `baseUrl` is required; the defaults are: the global
 * `fetch`, tokens in memory, `timeoutMs: 60000` per attempt,
 * `retry: { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30000 }`, and no
 * tools.
 */
export interface ClientOptions extends TransportOptions {
  /**
   * Tools this client runs itself, by name: declared with every streamed send
   * (`messages.stream`), and run — input checked against `inputSchema`, then `execute`, the result
   * posted — whenever a reply this client follows calls one. A tool without `execute` is only
   * declared: its calls wait for the app's `messages.submitToolResult`.
   */
  tools?: ClientTools;
}

/** The client: one property per resource of the API. */
export interface ChatwireClient {
  /** Register, sign in and out, the signed-in user, session changes. */
  readonly auth: AuthResource;
  /** Find people. */
  readonly users: UsersResource;
  /** The model aliases for assistant conversations. */
  readonly models: ModelsResource;
  /** Create, list, rename and delete conversations; manage participants; mark read. */
  readonly conversations: ConversationsResource;
  /** List, send, edit and delete messages. */
  readonly messages: MessagesResource;
  /** Upload files to attach to messages; read them back; URLs for a message's `file` parts. */
  readonly files: FilesResource;
  /** Low-level calls from the route table, sharing the session, retries and timeouts. */
  readonly transport: Transport;
  /**
   * Find messages in my conversations.
   *
   * @example
   * ```ts
   * const page = await client.search.messages('invoice', { limit: 20 });
   * for (const hit of page.items) console.log(hit.conversationId, hit.message.content);
   * ```
   */
  readonly search: SearchResource;
  /**
   * Opens a real-time connection (WebSocket `GET /v1/realtime`) for the signed-in user: live
   * events of every conversation they take part in, and sends, typing and read receipts over the
   * same socket. It authenticates with the session's access token (refreshed when needed; never
   * in the URL), reconnects with backoff, resumes without gaps or duplicates, and queues sends
   * made while offline. Each call opens another socket: share one per app.
   *
   * @example
   * ```ts
   * const live = client.realtime();
   * live.on('message.created', ({ message }) => append(message));
   * live.on('presence', ({ userId, online }) => setOnline(userId, online));
   * live.on('resync', () => refetch()); // missed events are gone: reload what you show
   * await live.send({ conversationId, content: 'On my way' });
   * live.close();
   * ```
   */
  realtime(options?: RealtimeOptions): RealtimeConnection;
}

/**
 * Creates a client for the chatwire server at `baseUrl`.
 *
 * Calls send the access token of the session (read from the token store on every request),
 * refresh it once when it expires (one refresh for all concurrent calls), retry idempotent
 * requests on network errors, 408, 429 and 5xx with exponential backoff and `Retry-After`, and
 * throw the error classes of `ApiError` with the server's `code` otherwise.
 *
 * @example
 * ```ts
 * import { createClient, localStorageTokenStore } from '@chatwire/sdk';
 *
 * const client = createClient({ baseUrl: 'https://chat.example.com', tokenStore: localStorageTokenStore() });
 * await client.auth.login({ email: 'ada@example.com', password: 'S3cure!pass' });
 * const chat = await client.conversations.create({ type: 'assistant', model: 'fast' });
 * const { reply } = await client.messages.send(chat.id, { content: 'Hello!' });
 * ```
 *
 * @example
 * A client tool, run in the browser when the model calls it:
 * ```ts
 * import { z } from 'zod';
 * import { clientTool, createClient } from '@chatwire/sdk';
 *
 * const client = createClient({
 *   baseUrl: '/api',
 *   tools: {
 *     get_time_zone: clientTool({
 *       description: "The user's time zone",
 *       inputSchema: z.object({}),
 *       execute: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
 *     }),
 *   },
 * });
 * const reply = await client.messages.stream(chat.id, { content: 'What time is it here?' }).finalMessage();
 * ```
 */
export function createClient(options: ClientOptions): ChatwireClient {
  if (typeof options?.baseUrl !== 'string') {
    throw new TypeError(
      'createClient needs a baseUrl, e.g. createClient({ baseUrl: "https://chat.example.com" })',
    );
  }
  const transport = createTransport(options);
  return {
    auth: createAuthResource(transport),
    users: createUsersResource(transport),
    models: createModelsResource(transport),
    conversations: createConversationsResource(transport),
    messages: createMessagesResource(transport, options.tools),
    files: createFilesResource(transport, options),
    transport,
    search: createSearchResource(transport),
    realtime: (realtimeOptions) =>
      createRealtimeConnection({ baseUrl: options.baseUrl, session: transport.session }, realtimeOptions),
  };
}
