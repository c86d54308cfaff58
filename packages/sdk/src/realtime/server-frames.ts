/**
 * The server's frames on an authenticated socket: `ready`, events (in seq order, once each),
 * `resync`, and the `ack` or `error` that settles a send.
 */
import { type RealtimeEvent, ServerFrame } from '../contracts/events.js';
import { type ConnectionState, setStatus, write, writeData } from './connection-state.js';
import { RealtimeError } from './errors.js';
import { overLimit } from './frame-limit.js';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** The frame in a socket message, or the error that says why there is none. */
export function parseFrame(data: unknown): ServerFrame | RealtimeError {
  let json: unknown;
  try {
    json = JSON.parse(String(data));
  } catch {}
  const parsed = ServerFrame.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return new RealtimeError(
    'malformed_frame',
    `Ignored a frame that is not a valid ServerFrame${where}: ${issue?.message}`,
  );
}

export function handleFrame(state: ConnectionState, frame: ServerFrame) {
  switch (frame.type) {
    case 'ready':
      return ready(state, frame);
    case 'event':
      return deliver(state, frame);
    case 'resync':
      state.seqs.resync();
      return state.emitter.emit('resync');
    case 'ack':
      state.outbox.ack(frame.clientMessageId, frame.message);
      return;
    case 'error':
      return refused(state, frame);
  }
}

function ready(state: ConnectionState, frame: FrameOf<'ready'>) {
  const { outbox, reads } = state;
  state.seqs.ready(frame.seq);
  state.userId = frame.userId;
  const limit = frame.maxFrameBytes;
  state.frameLimit = limit;
  // What waited for a connection goes out now, in order (the server dedupes re-sent ids),
  // and before the listeners run: a send they make must neither overtake it nor go twice.
  // Each is checked again: it was queued against the option's limit, or an older server's.
  for (const send of outbox.waiting()) {
    if (send.bytes <= limit) writeData(state, send.data);
    else outbox.fail(send.clientMessageId, overLimit(send, limit));
  }
  for (const [conversationId, messageId] of reads) write(state, { type: 'read', conversationId, messageId });
  reads.clear();
  setStatus(state, 'open');
  // An older server sends no snapshot.
  state.emitter.emit('ready', { userId: frame.userId, seq: frame.seq, presence: frame.presence ?? [] });
}

function deliver(state: ConnectionState, frame: FrameOf<'event'>) {
  if (!state.seqs.accept(frame.seq)) return;
  const { event, seq } = frame;
  // A send retried with its clientMessageId is announced again: once is enough here.
  if (event.type === 'message.created' && !state.announced.add(event.message.id)) return;
  const { emit } = state.emitter;
  // TypeScript cannot tie `event.type` to the listener of that type across the union.
  (emit as (type: string, event: RealtimeEvent, seq: number) => void)(event.type, event, seq);
  emit('event', event, seq);
}

function refused(state: ConnectionState, frame: FrameOf<'error'>) {
  const error = new RealtimeError(frame.code, frame.message, frame.ref, frame.details);
  if (frame.ref !== undefined && state.outbox.fail(frame.ref, error)) return;
  // A refused `auth` is followed by a 4401 close, handled there (refresh, retry).
  if (!state.authed && (frame.code === 'unauthorized' || frame.code === 'token_expired')) return;
  state.emitter.emit('error', error);
}
