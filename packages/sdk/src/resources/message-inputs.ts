/**
 * What the calls of `client.messages` take besides the route's own body: the client's tools (zod
 * schemas and `execute`, not JSON declarations), what a stream goes on from, and its signal.
 */
import type { RequestOptions } from '../client/transport.js';
import type { SendMessageInputData } from '../contracts/inputs.js';
import type { MessagePart } from '../contracts/parts.js';
import type { RouteBodyInput } from '../contracts/route.js';
import type { routes } from '../contracts/routes.js';
import type { ChatStream } from '../streaming/chat-stream.js';
import type { ClientTools } from '../tools/client-tool.js';

/**
 * A message to send: what `POST …/messages` takes ({@link SendMessageInputData}: `content`,
 * `attachments`, `clientMessageId`, `model`), with the client's tools as {@link ClientTools}
 * (zod schemas and `execute`) rather than their JSON declarations.
 */
export type SendMessageBody = Omit<SendMessageInputData, 'tools'> & {
  /**
   * Tools this client runs, which the model may call in this reply (assistant conversations): the
   * SDK declares them with the send, and runs the ones with `execute` when the reply calls them.
   */
  tools?: ClientTools | undefined;
};

/** Options of every stream of a reply: the tools this client runs in it, and a signal that stops it. */
export interface ReplyStreamOptions {
  /**
   * Tools this client runs when the reply calls them, besides the client's own
   * (`createClient({ tools })`); a name here wins.
   */
  tools?: ClientTools | undefined;
  /** Aborting it is {@link ChatStream.abort}: the reply is stopped and stored as `aborted`. */
  signal?: AbortSignal | undefined;
}

/** What {@link MessagesResource.stream} takes: the message to send, its tools, and a signal that stops the reply. */
export type StreamMessageInput = SendMessageBody & Pick<ReplyStreamOptions, 'signal'>;

/**
 * What {@link MessagesResource.resume} takes: what you have of the reply — its `parts` (the
 * stream goes on from their end), or a bare position (`part`, `offset`) — and the stream's options.
 */
export interface ResumeOptions extends ReplyStreamOptions {
  /** The reply's parts as you have them: the stream's `parts` continues them. */
  parts?: readonly MessagePart[] | undefined;
  /** Without `parts`: the index of the part you are in. Default `0`. */
  part?: number | undefined;
  /** Without `parts`: how much of that part's text (or tool input) you have. Default `0`. */
  offset?: number | undefined;
  /**
   * Whether this stream runs this client's tools (those with `execute`) when the reply waits for
   * them. Default `true`: the app asked to follow the reply, e.g. after a reload of the page that
   * sent it. Give `false` when the stream merely watches a reply another client drives (a second
   * tab): a tool runs in exactly one client, the one whose send (or answer) made the reply go on,
   * and this stream then ends with the reply `awaiting_input`, its calls for the app to see.
   *
   * @example
   * ```ts
   * // Another tab sent this message: watch the reply, leave its tools to that tab.
   * const stream = client.messages.resume(chat.id, reply.id, { parts: reply.parts, runTools: false });
   * const waiting = await stream.finalMessage(); // `awaiting_input` while the other tab runs them
   * ```
   */
  runTools?: boolean | undefined;
}

/** What {@link MessagesResource.regenerateStream} takes. */
export type RegenerateStreamInput = RouteBodyInput<typeof routes.regenerate> & ReplyStreamOptions;

/** What the stream variants of the answers to tool calls take besides the answer. */
export interface AnswerStreamOptions extends ReplyStreamOptions {
  /** The reply's parts as you have them: the stream's `parts` continues them, this answer applied. */
  parts?: readonly MessagePart[] | undefined;
}

/** What {@link MessagesResource.submitToolResultStream} takes: the result and the stream's options. */
export type ToolResultStreamInput = RouteBodyInput<typeof routes.submitToolResult> & AnswerStreamOptions;

/** What {@link MessagesResource.approveToolCallStream} takes: the answer and the stream's options. */
export type ToolApprovalStreamInput = RouteBodyInput<typeof routes.approveToolCall> & AnswerStreamOptions;

/** Options of the JSON calls that may leave a reply waiting for this client's tools. */
export interface AnswerOptions extends RequestOptions {
  /** Tools this client runs when the reply calls them, besides the client's own. */
  tools?: ClientTools | undefined;
}
