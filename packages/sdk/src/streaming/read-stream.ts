/**
 * Reading a chat stream's response to its end, and how the stream ends when the response does
 * not end it itself: with a stop's answer, the caller's abort, or a connection cut short.
 */
import { ChatwireError, ConnectionError } from '../client/errors.js';
import { readEventStream } from './sse.js';
import { applyEvent, receive } from './stream-events.js';
import { end, fail, type StreamState } from './stream-state.js';

/** The reason a stream ended early, and what to do next. */
const cutShort = ({ messageId, next }: StreamState, why: string, cause?: unknown) =>
  new ConnectionError(
    `${why} before the reply was complete${messageId ? `; resume("${messageId}", { offset: ${next} }) follows it` : ''}`,
    { cause },
  );

export async function readStream(state: StreamState) {
  const { controller } = state;
  try {
    const response = await state.source.open(controller.signal);
    state.responded = true;
    state.headers = response.headers;
    // A 2xx without a body (a misbehaving proxy) reads as an empty stream: "ended" below.
    if (response.body) {
      await readEventStream(response.body, (data) => receive(state, data), controller.signal);
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
    if (reply) {
      applyEvent(state, { type: 'message.completed', conversationId: reply.conversationId, message: reply });
    }
    // A stop before the reply started, or the consumer breaking out: the caller knows why.
    else if (controller.signal.aborted) fail(state, controller.signal.reason as Error, true);
    else fail(state, cutShort(state, 'The stream ended'));
  }
  end(state);
}
