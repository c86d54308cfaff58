/**
 * `client.messages`: read, send, edit and delete the messages of a conversation, and stream,
 * follow, stop and regenerate assistant replies — and answer the tool calls they wait for.
 */

import { PagePromise } from '../client/pagination.js';
import type { RequestOptions, RouteCall, Transport } from '../client/transport.js';
import type { ToolPart } from '../contracts/parts.js';
import type { Message } from '../contracts/resources.js';
import type { RouteBodyInput, RouteQuery, RouteResponse } from '../contracts/route.js';
import type { Routes, routes } from '../contracts/routes.js';
import { newClientMessageId } from '../internal/foundation.js';
import type { ChatStream } from '../streaming/chat-stream.js';
import { positionOf } from '../streaming/reply-parts.js';
import { answeredCall, approvedCall, withToolCall } from '../tools/answered-calls.js';
import type { ClientTools } from '../tools/client-tool.js';
import { declareTools } from '../tools/declare-tools.js';
import type {
  AnswerOptions,
  AnswerStreamOptions,
  RegenerateStreamInput,
  ReplyStreamOptions,
  ResumeOptions,
  SendMessageBody,
  StreamMessageInput,
  ToolApprovalStreamInput,
  ToolResultStreamInput,
} from './message-inputs.js';
import { replyStreams } from './reply-streams.js';

type ReplyRoute = 'regenerate' | AnswerRoute;
type AnswerRoute = 'submitToolResult' | 'approveToolCall';
type ReplyResult = RouteResponse<typeof routes.regenerate>;

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
   * A page of a thread's replies (the thread of `messageId`), oldest to newest within the page;
   * the first page is the newest and `for await` walks back through older ones. Send a reply with
   * `send(conversationId, { content, parentId })`; the conversation's `list` leaves replies out
   * unless they were sent with `alsoInConversation`.
   *
   * @example
   * ```ts
   * await client.messages.send(chat.id, { content: 'On it', parentId: question.id });
   * const { items } = await client.messages.replies(chat.id, question.id, { limit: 20 });
   * ```
   */
  replies(
    conversationId: string,
    messageId: string,
    query?: Partial<RouteQuery<typeof routes.listReplies>>,
    options?: RequestOptions,
  ): PagePromise<Message>;
  /**
   * Sends a message. A `clientMessageId` is generated when you give none, so the client may retry
   * the send after a network failure and the server still stores it once (a repeat answers with
   * the stored message). Give your own to match an optimistic message to the stored one.
   * In an assistant conversation this resolves when the reply is complete (`reply`); allow for
   * that in `timeoutMs`, or stream the reply instead. The send declares its own `tools` only (the
   * client's go with {@link MessagesResource.stream}, which is for assistant conversations); when
   * the reply calls one with `execute`, it runs and the reply goes on before this resolves.
   *
   * `attachments` are your own uploads (`client.files.upload`), each on one message only; with
   * them, `content` may be left out. The message carries each as a `file` part.
   *
   * @example
   * ```ts
   * const photo = await client.files.upload(file); // a browser `File`
   * const { message } = await client.messages.send(conversationId, { attachments: [{ fileId: photo.id }] });
   * const [part] = message.parts; // { type: 'file', fileId, mediaType: 'image/png', width, height, url }
   * ```
   */
  send(
    conversationId: string,
    body: SendMessageBody,
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
   * Reacts to a message with an emoji (one emoji such as `👍`, or a short code): once per person
   * and emoji, so reacting again changes nothing. The server stores the emoji fully qualified
   * (`❤` becomes `❤️`, one reaction with it); two emoji at once are a `ValidationError`. Answers the message with its `reactions`; everyone
   * in the conversation gets `reaction.added`. Past `limits.reactionsPerMessage` distinct emoji on
   * the message, a `ConflictError` (409).
   *
   * @example
   * ```ts
   * const message = await client.messages.react(chat.id, messageId, '👍');
   * message.reactions; // [{ emoji: '👍', count: 1, userIds: [me.id] }]
   * ```
   */
  react(
    conversationId: string,
    messageId: string,
    emoji: string,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.addReaction>>;
  /**
   * Takes your reaction back (nothing changes when you had none) and answers the message with its
   * `reactions`; everyone in the conversation gets `reaction.removed`.
   *
   * @example
   * ```ts
   * await client.messages.unreact(chat.id, messageId, '👍');
   * ```
   */
  unreact(
    conversationId: string,
    messageId: string,
    emoji: string,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.removeReaction>>;
  /**
   * Pins a message (owners and admins; anyone in a direct conversation). Pinning it again changes
   * nothing. Past the server's pin limit, a `ConflictError` (409). Everyone gets `message.updated`.
   *
   * @example
   * ```ts
   * const message = await client.messages.pin(chat.id, messageId); // message.pinnedAt is set
   * ```
   */
  pin(
    conversationId: string,
    messageId: string,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.pinMessage>>;
  /**
   * Unpins a message (nothing changes when it was not pinned).
   *
   * @example
   * ```ts
   * await client.messages.unpin(chat.id, messageId);
   * ```
   */
  unpin(
    conversationId: string,
    messageId: string,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.unpinMessage>>;
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
   * none, and a retried send (a network failure before the answer) follows the same reply. The
   * client's tools and the send's `tools` are declared; a call of one with `execute` is run and
   * answered, and the stream goes on with the rest of the reply.
   *
   * @example
   * ```ts
   * const stream = client.messages.stream(chat.id, {
   *   content: 'What time is it where I am?',
   *   tools: { get_time_zone: clientTool({ description: 'The user’s time zone', inputSchema: z.object({}),
   *     execute: () => Intl.DateTimeFormat().resolvedOptions().timeZone }) },
   * });
   * stream.on('created', (message) => swapOptimistic(message));
   * stream.on('part', (part, index) => view.setPart(index, part)); // text, reasoning, tool calls
   * stream.on('delta', (_delta, content) => view.setText(content));
   * const reply = await stream.finalMessage(); // complete: the tool's output, then the answer
   * ```
   */
  stream(conversationId: string, input: StreamMessageInput): ChatStream;
  /**
   * Follows an assistant reply (after a reload, or from another device) from what you have of it:
   * its `parts` (the stream's `parts` goes on from them), or a bare position (`part`, `offset`).
   * The server sends the rest of the part you are in, every part after it, the current state of the
   * tool calls before it, then the live events and `message.completed`. An ended reply answers at
   * once; one `awaiting_input` too (with its pending calls), run here when they are calls of tools
   * with `execute` — unless `runTools: false`: a stream that only watches a reply another client
   * drives (a second tab) leaves its tools to that client, and ends with the reply waiting.
   *
   * @example
   * ```ts
   * // The page reloaded mid-reply: keep what was shown, follow the rest.
   * const stream = client.messages.resume(chat.id, reply.id, { parts: shown.parts });
   * stream.on('event', () => render(stream.parts));
   * await stream.finalMessage();
   * ```
   */
  resume(conversationId: string, messageId: string, options?: ResumeOptions): ChatStream;
  /**
   * Replaces an assistant reply with a new one (same id, new parts), optionally from another
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
    options?: AnswerOptions,
  ): Promise<RouteResponse<typeof routes.regenerate>>;
  /**
   * Replaces an assistant reply with a new one and streams it, as {@link MessagesResource.stream}
   * does (without `message.created`: no user message is sent). The reply keeps the tools its send
   * declared; the client's own (and `tools`) run here.
   *
   * @example
   * ```ts
   * const stream = client.messages.regenerateStream(chat.id, reply.id);
   * stream.on('delta', (_delta, content) => render(reply.id, content));
   * await stream.finalMessage();
   * ```
   */
  regenerateStream(conversationId: string, messageId: string, input?: RegenerateStreamInput): ChatStream;
  /**
   * Answers a call of a client tool that the reply `messageId` waits for (`awaiting_input`, the
   * call `input-available`): its `output`, or the `errorText` of its failure (the model is told
   * either way). Once nothing else is awaited the reply goes on, and this resolves with it at the
   * end of that run; while another call is awaited, at once. A second answer for one call is a
   * `ConflictError` (409). Calls the reply then makes of this client's tools with `execute` are run.
   *
   * @example
   * ```ts
   * const [call] = pendingToolCalls(reply).toolResults;
   * const city = prompt('Which city?');
   * const { reply: next } = await client.messages.submitToolResult(chat.id, reply.id, {
   *   toolCallId: call.toolCallId,
   *   ...(city ? { output: { city } } : { errorText: 'The user did not say' }),
   * });
   * ```
   */
  submitToolResult(
    conversationId: string,
    messageId: string,
    body: RouteBodyInput<typeof routes.submitToolResult>,
    options?: AnswerOptions,
  ): Promise<RouteResponse<typeof routes.submitToolResult>>;
  /**
   * {@link MessagesResource.submitToolResult}, streaming the reply as it goes on. Give the reply's
   * `parts` for the stream's `parts` to hold the whole reply (the answer applied).
   *
   * @example
   * ```ts
   * const stream = client.messages.submitToolResultStream(chat.id, reply.id, {
   *   toolCallId: call.toolCallId,
   *   output: { city: 'Lisbon' },
   *   parts: reply.parts,
   * });
   * stream.on('delta', (_delta, content) => render(content));
   * await stream.finalMessage();
   * ```
   */
  submitToolResultStream(conversationId: string, messageId: string, input: ToolResultStreamInput): ChatStream;
  /**
   * Approves or denies a server tool's call that the reply `messageId` waits for
   * (`approval-requested`): approved, the server runs it; denied, the model is told (with
   * `reason`). Then as for {@link MessagesResource.submitToolResult}: the reply goes on once
   * nothing else is awaited; a second answer is a `ConflictError` (409).
   *
   * @example
   * ```ts
   * const [call] = pendingToolCalls(reply).approvals;
   * await client.messages.approveToolCall(chat.id, reply.id, { toolCallId: call.toolCallId, approved: false, reason: 'Not now' });
   * ```
   */
  approveToolCall(
    conversationId: string,
    messageId: string,
    body: RouteBodyInput<typeof routes.approveToolCall>,
    options?: AnswerOptions,
  ): Promise<RouteResponse<typeof routes.approveToolCall>>;
  /**
   * {@link MessagesResource.approveToolCall}, streaming the reply as it goes on (the tool's output
   * first, when approved).
   *
   * @example
   * ```ts
   * const stream = client.messages.approveToolCallStream(chat.id, reply.id, { toolCallId, approved: true, parts: reply.parts });
   * for await (const event of stream) if (event.type === 'message.part') render(stream.parts);
   * ```
   */
  approveToolCallStream(
    conversationId: string,
    messageId: string,
    input: ToolApprovalStreamInput,
  ): ChatStream;
  /**
   * Runs this client's tools for the calls a reply `awaiting_input` waits for (those with
   * `execute`), answers them and streams the reply as it goes on; a stream that ends at once with
   * `reply` when it has none of them. For a reply found waiting later: a reload, another tab.
   *
   * @example
   * ```ts
   * const latest = (await client.messages.list(chat.id)).items.at(-1);
   * if (latest?.status === 'awaiting_input') await client.messages.runClientTools(chat.id, latest).finalMessage();
   * ```
   */
  runClientTools(conversationId: string, reply: Message, options?: ReplyStreamOptions): ChatStream;
}

/** Creates `client.messages` over a transport; `clientTools` are the client's own (`createClient({ tools })`). */
export function createMessagesResource(
  transport: Transport,
  clientTools: ClientTools = {},
): MessagesResource {
  const { toolsWith, chatStream, opener } = replyStreams(transport, clientTools);

  /** A JSON answer's reply, gone on by this client's tools when it waits for them. */
  const settled = async <T extends { reply: Message | null }>(
    result: T,
    tools: ClientTools | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T> => {
    const { reply } = result;
    if (reply?.status !== 'awaiting_input' || Object.keys(toolsWith(tools)).length === 0) return result;
    return {
      ...result,
      reply: await messages.runClientTools(reply.conversationId, reply, { tools, signal }).finalMessage(),
    };
  };

  /** The body of a send: a `clientMessageId` (fixed here, so a retry is the same send) and `tools` declared. */
  const sendBody = ({ tools: _, ...body }: SendMessageBody, tools: ClientTools | undefined) => {
    const withId = { ...body, clientMessageId: body.clientMessageId ?? newClientMessageId() };
    return tools && Object.keys(tools).length > 0 ? { ...withId, tools: declareTools(tools) } : withId;
  };

  /** A JSON call on the reply `messageId` (a regeneration, an answer), then {@link settled}. */
  const jsonOnReply =
    <K extends ReplyRoute>(route: K) =>
    async (
      id: string,
      messageId: string,
      // Only a regeneration may leave its body out.
      body: RouteBodyInput<Routes[K]> = {} as RouteBodyInput<Routes[K]>,
      { tools, ...options }: AnswerOptions = {},
    ): Promise<ReplyResult> => {
      // The three routes answer alike (`{ reply }`), which TypeScript cannot follow through `K`.
      const request = transport.request as (name: K, call: RouteCall<Routes[K]>) => Promise<ReplyResult>;
      const call = { ...options, params: { id, messageId }, body } as unknown as RouteCall<Routes[K]>;
      return settled(await request(route, call), tools, options.signal);
    };

  /** The stream of the reply `messageId` going on after an answer; its `parts` are given ones, `change`d by the answer. */
  const answerStream =
    <K extends AnswerRoute>(
      route: K,
      change: (call: ToolPart, answer: RouteBodyInput<Routes[K]>) => ToolPart,
    ) =>
    (
      id: string,
      messageId: string,
      { parts, tools, signal, ...body }: RouteBodyInput<Routes[K]> & AnswerStreamOptions,
    ) =>
      chatStream(
        id,
        {
          open: opener(route, { params: { id, messageId }, body } as unknown as RouteCall<Routes[K]>),
          messageId,
          parts:
            parts &&
            withToolCall(parts, body.toolCallId, (call) => change(call, body as RouteBodyInput<Routes[K]>)),
          signal,
        },
        tools,
      );

  const messages: MessagesResource = {
    list: (id, query, options) =>
      new PagePromise((cursor) =>
        transport.request('listMessages', {
          ...options,
          params: { id },
          query: { ...query, ...(cursor && { cursor }) },
        }),
      ),
    replies: (id, messageId, query, options) =>
      new PagePromise((cursor) =>
        transport.request('listReplies', {
          ...options,
          params: { id, messageId },
          query: { ...query, ...(cursor && { cursor }) },
        }),
      ),
    send: async (id, body, options) =>
      settled(
        await transport.request('sendMessage', {
          ...options,
          params: { id },
          body: sendBody(body, body.tools),
        }),
        body.tools,
        options?.signal,
      ),
    edit: (id, messageId, body, options) =>
      transport.request('editMessage', { ...options, params: { id, messageId }, body }),
    delete: (id, messageId, options) =>
      transport.request('deleteMessage', { ...options, params: { id, messageId } }),
    react: (id, messageId, emoji, options) =>
      transport.request('addReaction', { ...options, params: { id, messageId }, body: { emoji } }),
    // The emoji goes in the path, URI-encoded there like every parameter.
    unreact: (id, messageId, emoji, options) =>
      transport.request('removeReaction', { ...options, params: { id, messageId, emoji } }),
    pin: (id, messageId, options) =>
      transport.request('pinMessage', { ...options, params: { id }, body: { messageId } }),
    unpin: (id, messageId, options) =>
      transport.request('unpinMessage', { ...options, params: { id, messageId } }),
    stop: (id, messageId, options) =>
      transport.request('stopMessage', { ...options, params: { id, messageId } }),
    stream(id, { signal, ...body }) {
      // Made once, not per attempt: a retried request is the same send, and follows the same reply.
      let made: ReturnType<typeof sendBody> | undefined;
      const call = () => {
        made ??= sendBody(body, toolsWith(body.tools));
        return { params: { id }, body: made };
      };
      return chatStream(id, { open: opener('sendMessage', call), signal }, body.tools);
    },
    resume(id, messageId, { parts, part = 0, offset = 0, tools, signal, runTools = true } = {}) {
      const from = parts ? positionOf(parts) : { part, offset };
      const call = { params: { id, messageId }, query: from };
      const source = { open: opener('streamMessage', call), messageId, parts, from, signal };
      return chatStream(id, source, runTools ? tools : false);
    },
    regenerate: jsonOnReply('regenerate'),
    regenerateStream: (id, messageId, { signal, tools, ...body } = {}) =>
      chatStream(
        id,
        { open: opener('regenerate', { params: { id, messageId }, body }), messageId, signal },
        tools,
      ),
    submitToolResult: jsonOnReply('submitToolResult'),
    submitToolResultStream: answerStream('submitToolResult', answeredCall),
    approveToolCall: jsonOnReply('approveToolCall'),
    approveToolCallStream: answerStream('approveToolCall', approvedCall),
    runClientTools: (id, reply, { tools, signal } = {}) =>
      chatStream(id, { open: null, reply, messageId: reply.id, parts: reply.parts, signal }, tools),
  };
  return messages;
}
