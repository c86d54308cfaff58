/**
 * The events of a chat stream as they arrive: parsed, cut to what the stream has not seen yet
 * (the part reducer's rule), recorded in the state, queued for the iterator and passed to the
 * callbacks.
 */
import { apiErrorFrom, ChatwireError } from '../client/errors.js';
import { errorStatus } from '../contracts/errors.js';
import { ChatStreamEvent } from '../contracts/events.js';
import { partText, textOf } from '../contracts/parts.js';
import { applyPartEvent } from './reply-parts.js';
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

const gap = (part: number, offset: number) =>
  new ChatwireError(
    `Stream gap in part ${part} at offset ${offset}: resume({ part: ${part}, offset: ${offset} }) from there`,
  );

export function applyEvent(state: StreamState, event: ChatStreamEvent) {
  const { emit, base } = state;
  if (event.type === 'message.delta' && base?.part === event.part && !state.parts[event.part]) {
    // A resume from a bare position: the part there is known by its length only, until it comes whole.
    const skip = base.offset - event.offset;
    if (skip < 0) throw gap(event.part, base.offset);
    if (skip >= event.delta.length) return;
    if (skip) event = { ...event, offset: base.offset, delta: event.delta.slice(skip) };
    base.offset += event.delta.length;
  } else if (event.type === 'message.delta' || event.type === 'message.part') {
    const index = event.type === 'message.delta' ? event.part : event.index;
    const had = state.parts[index];
    const known = (had && partText(had)?.length) ?? 0;
    const parts = applyPartEvent(state.parts, event);
    if (parts === 'gap') throw gap(index, known);
    if (parts === state.parts) return;
    state.parts = parts;
    // Cut to what is new, so that listeners and the iterator see each character once.
    if (event.type === 'message.delta' && known > event.offset)
      event = { ...event, offset: known, delta: event.delta.slice(known - event.offset) };
  }
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
    case 'message.part':
      emit('part', event.part, event.index);
      break;
    case 'message.delta': {
      const part = state.parts[event.part];
      if (part?.type === 'text') emit('delta', event.delta, textOf(state.parts));
      else if (part?.type === 'reasoning') emit('reasoning', event.delta, part.text);
      break;
    }
    case 'message.completed': {
      const { message } = event;
      state.reply = message;
      state.parts = message.parts;
      state.messageId ??= message.id;
      // A reply waiting for this client's tools goes on, unless the stream is being stopped.
      state.waiting =
        message.status === 'awaiting_input' &&
        !!state.source.proceed &&
        !state.stopping &&
        !state.controller.signal.aborted;
      emit('completed', message);
      break;
    }
    case 'error':
      fail(state, apiErrorFrom(errorStatus[event.error.code], state.headers, JSON.stringify(event)));
  }
  emit('event', event);
  if (event.type === 'message.completed' && !state.waiting) end(state);
}
