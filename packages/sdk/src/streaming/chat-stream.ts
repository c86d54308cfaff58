/**
 * The chat stream object: one assistant reply read from an SSE response, as typed events (async
 * iteration), callbacks, and helpers that collect the outcome — openai-node's `Stream` shape.
 *
 * The response is read as soon as the stream is created, whether or not anyone iterates: events
 * wait in a queue for the iterator, callbacks fire as they arrive, and the helpers settle at the
 * end. So `text()` alone is enough, and iterating late misses nothing.
 */
import { apiErrorFrom, ChatwireError, ConnectionError } from '../client/errors.js';
import { errorStatus } from '../contracts/errors.js';
import { ChatStreamEvent } from '../contracts/events.js';
import type { Message } from '../contracts/resources.js';
import { readEventStream } from './sse.js';

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
  const controller = new AbortController();
  const handlers = new Map<keyof ChatStreamHandlers, Set<(...args: never[]) => void>>();
  let queue: ChatStreamEvent[] = [];
  let wake: (() => void) | undefined;
  let headers = new Headers();
  let content = '';
  /** Where the next delta should start in the reply. */
  let next = source.offset ?? 0;
  let messageId: string | null = null;
  let reply: Message | null = null;
  let failure: Error | undefined;
  let responded = false;
  let stopping: Promise<void> | undefined;
  let iterated = false;
  let ended = false;

  let markBegun!: () => void;
  /** Settles at `message.started`, or at the end. */
  const begun = new Promise<void>((resolve) => (markBegun = resolve));
  let markEnded!: () => void;
  /** Settles at the end; never rejects (the helpers read `failure`), so nothing goes unhandled. */
  const done = new Promise<void>((resolve) => (markEnded = resolve));

  function emit<K extends keyof ChatStreamHandlers>(type: K, ...args: Parameters<ChatStreamHandlers[K]>) {
    for (const handler of handlers.get(type) ?? []) {
      try {
        (handler as (...values: unknown[]) => void)(...args);
      } catch (error) {
        // A throwing callback must not break the stream for everyone else: report it on its own.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Records the first failure; `quietly` when the caller caused it (a stop, a `break`). */
  function fail(error: Error, quietly?: boolean) {
    if (failure) return;
    failure = error;
    if (!quietly) emit('error', error);
  }

  function end() {
    if (ended) return;
    ended = true;
    source.signal?.removeEventListener('abort', onSignal);
    markBegun();
    markEnded();
    wake?.();
  }

  function handle(event: ChatStreamEvent) {
    if (event.type === 'message.delta') {
      // `offset` lets the stream drop text it already has (a follower overlapping a snapshot).
      const skip = next - event.offset;
      if (skip < 0) throw new ChatwireError(`Stream gap at offset ${next}: resume from there`);
      if (skip >= event.delta.length) return;
      if (skip) event = { ...event, offset: next, delta: event.delta.slice(skip) };
      content += event.delta;
      next += event.delta.length;
    }
    queue.push(event);
    wake?.();
    wake = undefined;
    switch (event.type) {
      case 'message.created':
        emit('created', event.message);
        break;
      case 'message.started':
        messageId = event.messageId;
        markBegun();
        emit('started', event);
        break;
      case 'message.delta':
        emit('delta', event.delta, content);
        break;
      case 'message.completed':
        reply = event.message;
        emit('completed', reply);
        break;
      case 'error':
        fail(apiErrorFrom(errorStatus[event.error.code], headers, JSON.stringify(event)));
    }
    emit('event', event);
    if (event.type === 'message.completed') end();
  }

  function receive(data: string) {
    // After `message.completed` the body is still read to its end (the connection stays reusable).
    if (ended) return;
    let event: ChatStreamEvent;
    try {
      event = ChatStreamEvent.parse(JSON.parse(data));
    } catch (cause) {
      throw new ChatwireError(`Unreadable stream event: ${data.slice(0, 80)}`, { cause });
    }
    handle(event);
  }

  /** The reason a stream ended early, and what to do next. */
  const cutShort = (why: string, cause?: unknown) =>
    new ConnectionError(
      `${why} before the reply was complete${messageId ? `; resume("${messageId}", { offset: ${next} }) follows it` : ''}`,
      { cause },
    );

  async function read() {
    try {
      const response = await source.open(controller.signal);
      responded = true;
      headers = response.headers;
      // A 2xx without a body (a misbehaving proxy) reads as an empty stream: "ended" below.
      if (response.body) await readEventStream(response.body, receive, controller.signal);
    } catch (error) {
      if (!ended && !controller.signal.aborted) {
        fail(ChatwireError.isInstance(error) ? error : cutShort('The connection dropped', error));
      }
    }
    if (!ended && stopping) {
      // The connection ended during a stop: its answer (the reply as stored) decides the outcome.
      markBegun();
      await stopping;
    }
    if (!ended) {
      // A stop answered by the route rather than the stream: end the stream as the server would.
      if (reply) handle({ type: 'message.completed', conversationId: reply.conversationId, message: reply });
      // A stop before the reply started, or the consumer breaking out: the caller knows why.
      else if (controller.signal.aborted) fail(controller.signal.reason as Error, true);
      else fail(cutShort('The stream ended'));
    }
    end();
  }

  function stop(reason: unknown): Promise<void> {
    stopping ??= (async () => {
      // Between the response headers and `message.started` is only a moment of storage work: wait
      // for the id so that the stop reaches the server, rather than leaving it to the grace period.
      if (responded) await begun;
      if (messageId && !ended) {
        try {
          const stored = await source.stop(messageId);
          if (!ended) reply = stored;
        } catch {
          // Best effort: the closed connection still ends the reply after the grace period.
        }
      }
      if (!ended) controller.abort(reason);
    })();
    return stopping.then(() => done);
  }

  const onSignal = () => void stop(source.signal?.reason);
  if (source.signal?.aborted) onSignal();
  else source.signal?.addEventListener('abort', onSignal, { once: true });
  void read();

  const settled = <T>(value: () => T) =>
    done.then(() => {
      if (failure) throw failure;
      return value();
    });

  return {
    get messageId() {
      return messageId;
    },
    get content() {
      return content;
    },
    get reply() {
      return reply;
    },
    text: () => settled(() => content),
    finalMessage: () => settled(() => reply as Message),
    abort: () => stop(abortError('The reply was stopped')),
    on(type, handler) {
      const set = handlers.get(type) ?? new Set();
      handlers.set(type, set);
      set.add(handler);
      return () => void set.delete(handler);
    },
    async *[Symbol.asyncIterator]() {
      if (iterated) throw new ChatwireError('A chat stream can be iterated once; use on() for more');
      iterated = true;
      try {
        for (;;) {
          const batch = queue;
          queue = [];
          for (const event of batch) yield event;
          if (queue.length) continue;
          if (ended) break;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        // The consumer broke out early: close the connection (the server's grace period applies).
        if (!ended) controller.abort(abortError('The stream was closed before the reply ended'));
      }
      if (failure) throw failure;
    },
  };
}
