/**
 * The chat stream object: one assistant reply read from an SSE response, as typed events (async
 * iteration), callbacks, and helpers that collect the outcome — openai-node's `Stream` shape.
 *
 * The response is read as soon as the stream is created, whether or not anyone iterates: events
 * wait in a queue for the iterator, callbacks fire as they arrive, and the helpers settle at the
 * end. So `text()` alone is enough, and iterating late misses nothing.
 */
import { ChatwireError } from '../client/errors.js';
import type { ChatStreamEvent } from '../contracts/events.js';
import { type MessagePart, type ToolPart, textOf } from '../contracts/parts.js';
import type { Message } from '../contracts/resources.js';
import { readStream } from './read-stream.js';
import type { PartEvent, ReplyPosition } from './reply-parts.js';
import { stopStream } from './stop-stream.js';
import { createStreamState } from './stream-state.js';

/** The `message.started` event: the reply's id and model. */
export type MessageStarted = Extract<ChatStreamEvent, { type: 'message.started' }>;

/** The callbacks {@link ChatStream.on} takes, by name. */
export interface ChatStreamHandlers {
  /** Every event, in order (after the typed callback below). */
  event: (event: ChatStreamEvent) => void;
  /** The user message as stored (`POST …/messages` streams only). */
  created: (message: Message) => void;
  /** A run of the reply has started (its id and model are known): the first, or one going on after tool results. */
  started: (event: MessageStarted) => void;
  /** The part at `index` is now `part`: a new part, or a new state of one (a tool call's input, output, approval). */
  part: (part: MessagePart, index: number) => void;
  /** New text: the `delta`, and the reply's whole text so far (its text parts, as `content`). */
  delta: (delta: string, content: string) => void;
  /** New reasoning: the `delta`, and the reasoning part's text so far. */
  reasoning: (delta: string, text: string) => void;
  /**
   * A run of the reply ended, as stored: `complete`, `aborted`, `error`, or `awaiting_input` (a
   * tool result or an approval is awaited; when this client runs the tool, the reply goes on).
   */
  completed: (reply: Message) => void;
  /** The stream failed: an `error` event (a `ProviderError`, …), the HTTP answer, or the connection. */
  error: (error: Error) => void;
  /**
   * The calls of this client's tools the stream is running right now (their `execute`), once the
   * reply waits for them; then `[]` once their answers are applied to `parts`. Nobody else should
   * answer these: a UI listing what waits for the user leaves them out.
   */
  running: (calls: readonly ToolPart[]) => void;
}

/**
 * One assistant reply as it streams: `for await` over its typed events, or use the callbacks and
 * helpers. Made by `client.messages.stream`, `resume`, `regenerateStream` and the answers to tool
 * calls (`submitToolResultStream`, `approveToolCallStream`, `runClientTools`).
 *
 * - A reply is made of parts (text, reasoning, tool calls, …): `message.part` puts one at an
 *   index, `message.delta` grows the text of one. `parts` is the reply so far, `content` its text.
 * - The stream ends after the `message.completed` that ends the reply. A reply that calls a tool
 *   of this client (one given with `execute`, to `createClient` or to the send) ends a run
 *   `awaiting_input`: the SDK checks the input against the tool's schema, runs it, posts the
 *   result, and the stream goes on with the rest of the reply (a new `message.started`, more parts,
 *   another `message.completed`). A call nobody runs here (a tool without `execute`, an approval)
 *   ends the stream with the reply `awaiting_input`: answer it with `submitToolResultStream` or
 *   `approveToolCallStream`.
 * - An `error` event (the provider failed) is yielded like any other, followed by the
 *   `message.completed` with the partial reply as stored; then the loop throws the error (a
 *   `ProviderError` for `provider_error`/`provider_timeout`), and `text()` and `finalMessage()`
 *   reject with it. The partial reply stays readable in `reply` and `parts`.
 * - A connection that drops before the end fails with a `ConnectionError`; the reply may still be
 *   generating: `client.messages.resume(conversationId, messageId, { parts: stream.parts })`.
 * - `abort()` (or the `signal` you passed) is a deliberate stop: the server stops generating (and
 *   a client tool running is aborted through its `signal`), the partial reply is stored as
 *   `aborted`, and the stream ends normally with that reply.
 * - Breaking out of `for await` only closes the connection: the server keeps generating for its
 *   grace period (default 5 s) so that you can `resume`, then stores the reply as `aborted`.
 *
 * @example
 * ```ts
 * const stream = client.messages.stream(conversationId, { content: 'Tell me a story' });
 * for await (const event of stream) {
 *   if (event.type === 'message.delta') render(stream.parts); // text, reasoning, tool calls
 * }
 * const reply = await stream.finalMessage(); // the stored assistant Message, parts included
 *
 * // Or without a loop:
 * const off = stream.on('delta', (_delta, content) => renderText(content));
 * stopButton.onclick = () => stream.abort();
 * const text = await stream.text();
 * ```
 */
export interface ChatStream extends AsyncIterable<ChatStreamEvent> {
  /** The reply's id: known from the start but for a send, whose reply has it once `message.started` arrives (`null` before). */
  readonly messageId: string | null;
  /**
   * The reply's parts so far: replaced (a new array) at each change, so a UI can compare them. The
   * parts given to `resume` (or to an answer's stream) come first. Resumed from a bare position
   * (`part`, `offset`), the parts before it that the server does not send again are holes
   * (`undefined`; `map` and `forEach` skip them) until `message.completed` brings the whole reply.
   */
  readonly parts: readonly MessagePart[];
  /** The text of the reply's text parts so far (what `content` is once stored). */
  readonly content: string;
  /** The reply as stored at the end of its last run (also after an `error`); `null` before. */
  readonly reply: Message | null;
  /** The reply's text (its text parts) once the stream has ended. */
  text(): Promise<string>;
  /**
   * The reply as stored at the end: `complete`; `aborted` after {@link ChatStream.abort};
   * `awaiting_input` when it waits for an answer this client does not give by itself.
   */
  finalMessage(): Promise<Message>;
  /**
   * Stops the reply: asks the server to stop generating it (`POST …/stop`: the partial reply is
   * stored as `aborted`), aborts a client tool running, and closes the connection. Resolves once
   * the stream has ended; never rejects.
   */
  abort(): Promise<void>;
  /** Calls `handler` on each `type` of happening; returns the function that removes it. */
  on<K extends keyof ChatStreamHandlers>(type: K, handler: ChatStreamHandlers[K]): () => void;
}

/** Makes a request of the stream; `signal` cancels it, and the body with it. */
export type StreamOpener = (signal: AbortSignal) => Promise<Response>;

/** What the source of a stream may do when a run of the reply ends waiting for input. */
export interface StreamProceeding {
  /** Aborted by a stop of the stream (or a `break`): a running tool gets it. */
  readonly signal: AbortSignal;
  /** Applies an event the server sends to the conversation's participants but not to this request (an answer's new part). */
  apply(event: PartEvent): void;
  /** Tells the stream's listeners which calls this client runs now (`[]`: none any more). */
  running(calls: readonly ToolPart[]): void;
}

/** What a chat stream reads from, and how it stops the reply. */
export interface ChatStreamSource {
  /** Makes the first request; `null` to start from `reply` (answering it first). */
  open: StreamOpener | null;
  /** A reply waiting for input to start from, when `open` is `null` (`runClientTools`). */
  reply?: Message | undefined;
  /** The reply's id when it is known before the first event (all but a send). */
  messageId?: string | undefined;
  /** `POST …/messages/:messageId/stop`, answering the reply as stored. */
  stop(messageId: string): Promise<Message>;
  /** The parts the caller has (a resume, an answer's stream): the stream continues them. */
  parts?: readonly MessagePart[] | undefined;
  /** A resume from a bare position: where the caller is (its parts are not given). */
  from?: ReplyPosition | undefined;
  /**
   * A run ended `awaiting_input` with `reply`: answers what this client answers by itself and
   * returns the request that follows the reply on, or `null` (the stream ends with `reply`).
   */
  proceed?(reply: Message, proceeding: StreamProceeding): Promise<StreamOpener | null>;
  /** The caller's signal: aborting it is {@link ChatStream.abort}. */
  signal?: AbortSignal | undefined;
}

const abortError = (message: string) => new DOMException(message, 'AbortError');

/** Creates a {@link ChatStream} and starts reading it. */
export function createChatStream(source: ChatStreamSource): ChatStream {
  const state = createStreamState(source, () => void stopStream(state, source.signal?.reason));
  if (source.signal?.aborted) state.onSignal();
  else source.signal?.addEventListener('abort', state.onSignal, { once: true });
  void readStream(state);

  let iterated = false;
  const settled = <T>(value: () => T) =>
    state.done.then(() => {
      if (state.failure) throw state.failure;
      return value();
    });

  return {
    get messageId() {
      return state.messageId;
    },
    get parts() {
      return state.parts;
    },
    get content() {
      return textOf(state.parts);
    },
    get reply() {
      return state.reply;
    },
    text: () => settled(() => textOf(state.parts)),
    finalMessage: () => settled(() => state.reply as Message),
    abort: () => stopStream(state, abortError('The reply was stopped')),
    on: state.on,
    async *[Symbol.asyncIterator]() {
      if (iterated) throw new ChatwireError('A chat stream can be iterated once; use on() for more');
      iterated = true;
      try {
        for (;;) {
          const batch = state.queue;
          state.queue = [];
          for (const event of batch) yield event;
          if (state.queue.length) continue;
          if (state.ended) break;
          await new Promise<void>((resolve) => (state.wake = resolve));
        }
      } finally {
        // The consumer broke out early: close the connection (the server's grace period applies).
        if (!state.ended) state.controller.abort(abortError('The stream was closed before the reply ended'));
      }
      if (state.failure) throw state.failure;
    },
  };
}
