/**
 * The events of a chat stream as they arrive: parsed, cut to the text not seen yet, recorded in
 * the state, queued for the iterator and passed to the callbacks.
 */
import { apiErrorFrom, ChatwireError } from '../client/errors.js';
import { errorStatus } from '../contracts/errors.js';
import { ChatStreamEvent } from '../contracts/events.js';
import { end, fail, type StreamState } from './stream-state.js';

/** Applies one SSE event's `data`; throws (ending the reading) when it holds no stream event. */
export function receive(state: StreamState, data: string) {
  // After `message.completed` the body is still read to its end (the connection stays reusable).
  if (state.ended) return;
  let event: ChatStreamEvent;
  try {
    event = ChatStreamEvent.parse(JSON.parse(data));
  } catch (cause) {
    throw new ChatwireError(`Unreadable stream event: ${data.slice(0, 80)}`, { cause });
  }
  applyEvent(state, event);
}

export function applyEvent(state: StreamState, event: ChatStreamEvent) {
  if (event.type === 'message.delta') {
    const { next } = state;
    // `offset` lets the stream drop text it already has (a follower overlapping a snapshot).
    const skip = next - event.offset;
    if (skip < 0) throw new ChatwireError(`Stream gap at offset ${next}: resume from there`);
    if (skip >= event.delta.length) return;
    if (skip) event = { ...event, offset: next, delta: event.delta.slice(skip) };
    state.content += event.delta;
    state.next += event.delta.length;
  }
  const { emit } = state;
  state.queue.push(event);
  state.wake?.();
  state.wake = undefined;
  switch (event.type) {
    case 'message.created':
      emit('created', event.message);
      break;
    case 'message.started':
      state.messageId = event.messageId;
      state.markBegun();
      emit('started', event);
      break;
    case 'message.delta':
      emit('delta', event.delta, state.content);
      break;
    case 'message.completed':
      state.reply = event.message;
      emit('completed', event.message);
      break;
    case 'error':
      fail(state, apiErrorFrom(errorStatus[event.error.code], state.headers, JSON.stringify(event)));
  }
  emit('event', event);
  if (event.type === 'message.completed') end(state);
}
