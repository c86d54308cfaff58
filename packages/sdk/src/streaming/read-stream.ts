/**
 * Reading a chat stream's responses to the end of the reply — the first, then each that follows
 * the reply on after this client answered a run that waited for it — and how the stream ends when
 * a response does not end it itself: with a stop's answer, the caller's abort, or a connection cut
 * short.
 */
import { ChatwireError, ConnectionError } from '../client/errors.js';
import type { Message } from '../contracts/resources.js';
import type { StreamOpener } from './chat-stream.js';
import { positionOf } from './reply-parts.js';
import { readEventStream } from './sse.js';
import { applyEvent, receive } from './stream-events.js';
import { end, fail, type StreamState } from './stream-state.js';

/** The reason a stream ended early, and what to do next. */
function cutShort({ messageId, parts }: StreamState, why: string, cause?: unknown) {
  const { part, offset } = positionOf(parts);
  const next = messageId ? `; resume("${messageId}", { part: ${part}, offset: ${offset} }) follows it` : '';
  return new ConnectionError(`${why} before the reply was complete${next}`, { cause });
}

const completed = (message: Message) =>
  ({ type: 'message.completed', conversationId: message.conversationId, message }) as const;

/** Reads one response: SSE events, or the `{ reply }` of an answer that left the reply waiting. */
async function read(state: StreamState, open: StreamOpener) {
  const { controller } = state;
  const response = await open(controller.signal);
  state.responded = true;
  state.headers = response.headers;
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    const { reply } = (await response.json()) as { reply?: Message | null };
    // A send to a conversation without an assistant answers with no reply to follow.
    if (!reply) throw new ChatwireError('The server answered with no assistant reply to stream');
    return applyEvent(state, completed(reply));
  }
  // A 2xx without a body (a misbehaving proxy) reads as an empty stream: "ended" below.
  if (response.body) await readEventStream(response.body, (data) => receive(state, data), controller.signal);
}

export async function readStream(state: StreamState) {
  const { controller, source } = state;
  try {
    let open = source.open;
    // A stream that starts from a reply waiting for input (`runClientTools`) answers it first.
    if (!open && source.reply) {
      state.reply = source.reply;
      state.waiting = true;
    }
    for (;;) {
      if (open) await read(state, open);
      const { reply } = state;
      if (!state.waiting || !reply || controller.signal.aborted) break;
      state.waiting = false;
      open = source.proceed
        ? await source.proceed(reply, {
            signal: controller.signal,
            apply: (event) => applyEvent(state, event),
            running: (calls) => state.emit('running', calls),
          })
        : null;
      // Nothing more this client answers: the reply waits for someone else.
      if (!open) {
        end(state);
        break;
      }
    }
  } catch (error) {
    if (!state.ended && !controller.signal.aborted) {
      fail(state, ChatwireError.isInstance(error) ? error : cutShort(state, 'The connection dropped', error));
    }
  }
  if (!state.ended && state.stopping) {
    // The connection ended during a stop: its answer (the reply as stored) decides the outcome.
    state.markBegun();
    await state.stopping;
  }
  if (!state.ended) {
    const { reply } = state;
    // A stop answered by the route rather than the stream: end the stream as the server would.
    if (reply && state.stopping) applyEvent(state, completed(reply));
    // A stop before the reply started, or the consumer breaking out: the caller knows why.
    else if (controller.signal.aborted) fail(state, controller.signal.reason as Error, true);
    else fail(state, cutShort(state, 'The stream ended'));
  }
  end(state);
}
