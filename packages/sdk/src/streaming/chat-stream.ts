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
import type { Message } from '../contracts/resources.js';
import { readStream } from './read-stream.js';
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
  /** The reply has started: its id and model are known. */
  started: (event: MessageStarted) => void;
  /** New text: the `delta` and the whole `content` so far. */
  delta: (delta: string, content: string) => void;
  /** The reply as stored at its end: `complete`, `aborted` or `error`. */
  completed: (reply: Message) => void;
  /** The stream failed: an `error` event (a `ProviderError`, …), the HTTP answer, or the connection. */
  error: (error: Error) => void;
}

/**
 * One assistant reply as it streams: `for await` over its typed events, or use the callbacks and
 * helpers. Made by `client.messages.stream`, `resume` and `regenerateStream`.
 *
 * - The stream ends after `message.completed`. An `error` event (the provider failed) is yielded
 *   like any other, followed by the `message.completed` with the partial reply as stored; then the
 *   loop throws the error (a `ProviderError` for `provider_error`/`provider_timeout`), and `text()`
 *   and `finalMessage()` reject with it. The partial reply stays readable in `reply` and `content`.
 * - A connection that drops before `message.completed` fails with a `ConnectionError`; the reply
 *   may still be generating: `client.messages.resume(conversationId, messageId, { offset })`.
 * - `abort()` (or the `signal` you passed) is a deliberate stop: the server stops generating and
 *   stores the partial reply as `aborted`, and the stream ends normally with that reply.
 * - Breaking out of `for await` only closes the connection: the server keeps generating for its
 *   grace period (default 5 s) so that you can `resume`, then stores the reply as `aborted`.
 *
 * @example
 * ```ts
 * const stream = client.messages.stream(conversationId, { content: 'Tell me a story' });
 * for await (const event of stream) {
 *   if (event.type === 'message.delta') output.append(event.delta);
 * }
 * const reply = await stream.finalMessage(); // the stored assistant Message
 *
 * // Or without a loop:
 * const off = stream.on('delta', (_delta, content) => render(content));
 * stopButton.onclick = () => stream.abort();
 * const text = await stream.text();
 * ```
 */
export interface ChatStream extends AsyncIterable<ChatStreamEvent> {
  /** The reply's id, once `message.started` has arrived; `null` before. */
  readonly messageId: string | null;
  /** The reply's text received so far (from the resume offset, for `resume`). */
  readonly content: string;
  /** The reply as stored, once `message.completed` has arrived (also after an `error`); `null` before. */
  readonly reply: Message | null;
  /** The reply's text (from the resume offset, for `resume`) once it is complete or stopped. */
  text(): Promise<string>;
  /** The reply as stored at its end: `complete`, or `aborted` after {@link ChatStream.abort}. */
  finalMessage(): Promise<Message>;
  /**
   * Stops the reply: asks the server to stop generating it (`POST …/stop`: the partial reply is
   * stored as `aborted`) and closes the connection. Resolves once the stream has ended; never rejects.
   */
  abort(): Promise<void>;
  /** Calls `handler` on each `type` of happening; returns the function that removes it. */
  on<K extends keyof ChatStreamHandlers>(type: K, handler: ChatStreamHandlers[K]): () => void;
}

/** What a chat stream reads from, and how it stops the reply. */
export interface ChatStreamSource {
  /** Makes the request; `signal` cancels it, and the body with it. */
  open(signal: AbortSignal): Promise<Response>;
  /** `POST …/messages/:messageId/stop`, answering the reply as stored. */
  stop(messageId: string): Promise<Message>;
  /** Where the first delta is expected to start: `0`, or the offset a resume asked for. */
  offset?: number | undefined;
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
    get content() {
      return state.content;
    },
    get reply() {
      return state.reply;
    },
    text: () => settled(() => state.content),
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
