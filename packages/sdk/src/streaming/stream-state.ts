/**
 * What a chat stream knows while it runs. One object rather than the variables of one closure, so
 * that reading the response, applying its events and stopping the reply can each stand in a
 * module of their own; `fail` and `end` are here because each of those steps may end the stream.
 */
import type { ChatStreamEvent } from '../contracts/events.js';
import type { MessagePart } from '../contracts/parts.js';
import type { Message } from '../contracts/resources.js';
import { createEmitter, type Emitter } from '../internal/foundation.js';
import type { ChatStreamHandlers, ChatStreamSource } from './chat-stream.js';

export interface StreamState {
  readonly source: ChatStreamSource;
  /** Cancels the request (a stop, a `break` out of the loop), and the body with it. */
  readonly controller: AbortController;
  readonly on: Emitter<ChatStreamHandlers>['on'];
  readonly emit: Emitter<ChatStreamHandlers>['emit'];
  /** Events the iterator has not taken yet. */
  queue: ChatStreamEvent[];
  /** Wakes the iterator waiting for the next event. */
  wake?: (() => void) | undefined;
  /** The response's: an `error` event becomes an `ApiError` carrying them, as an HTTP error would. */
  headers: Headers;
  /** The reply's parts so far: a new array at every change (the part reducer's). */
  parts: readonly MessagePart[];
  /**
   * A resume given a position and no parts: how much of the channel of the part there the caller
   * has, until the part itself arrives (its deltas are passed on, and counted here, meanwhile).
   */
  base?: { part: number; offset: number } | undefined;
  messageId: string | null;
  reply: Message | null;
  failure?: Error | undefined;
  /** The response's headers have arrived: `message.started` follows in a moment. */
  responded: boolean;
  /** A run of the reply ended waiting for input (`message.completed`, `awaiting_input`): the source may go on. */
  waiting: boolean;
  stopping?: Promise<void> | undefined;
  ended: boolean;
  /** Settles at `message.started`, or at the end. */
  readonly begun: Promise<void>;
  readonly markBegun: () => void;
  /** Settles at the end; never rejects (the helpers read `failure`), so nothing goes unhandled. */
  readonly done: Promise<void>;
  readonly markEnded: () => void;
  /** Listens to the caller's signal until the end. */
  readonly onSignal: () => void;
}

/** The state of a stream not read yet; `onSignal` is called when the caller's signal aborts. */
export function createStreamState(source: ChatStreamSource, onSignal: () => void): StreamState {
  let markBegun!: () => void;
  const begun = new Promise<void>((resolve) => (markBegun = resolve));
  let markEnded!: () => void;
  const done = new Promise<void>((resolve) => (markEnded = resolve));
  // A throwing callback must not break the stream for everyone else: the emitter reports it apart.
  const { on, emit } = createEmitter<ChatStreamHandlers>();
  return {
    source,
    controller: new AbortController(),
    on,
    emit,
    queue: [],
    headers: new Headers(),
    parts: source.parts ?? [],
    base: !source.parts && source.from?.offset ? { ...source.from } : undefined,
    messageId: source.messageId ?? null,
    reply: null,
    responded: false,
    waiting: false,
    ended: false,
    begun,
    markBegun,
    done,
    markEnded,
    onSignal,
  };
}

/** Records the first failure; `quietly` when the caller caused it (a stop, a `break`). */
export function fail(state: StreamState, error: Error, quietly?: boolean) {
  if (state.failure) return;
  state.failure = error;
  if (!quietly) state.emit('error', error);
}

export function end(state: StreamState) {
  if (state.ended) return;
  state.ended = true;
  state.source.signal?.removeEventListener('abort', state.onSignal);
  state.markBegun();
  state.markEnded();
  state.wake?.();
}
