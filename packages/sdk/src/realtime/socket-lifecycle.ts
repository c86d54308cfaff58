/**
 * The life of a connection's sockets: one at a time, authenticated with a fresh access token,
 * re-opened with backoff when it drops, and watched by a heartbeat that notices a dead socket the
 * browser would not report for minutes. Closed for good by `shutdown`.
 */
import { AuthenticationError } from '../client/errors.js';
import { asError } from '../internal/foundation.js';
import { accessTokenFor } from './access-token.js';
import { reconnectDelay } from './backoff.js';
import { type ConnectionState, setStatus, write } from './connection-state.js';
import { RealtimeError } from './errors.js';
import { blameForTooBig, messageTooBigCode, refusedByServer } from './frame-limit.js';
import { handleFrame, parseFrame } from './server-frames.js';
import type { WebSocketLike } from './web-socket.js';

/** The close code of a refused `auth` (missing, bad or expired token). */
const unauthorizedCode = 4401;
/** The close code of a socket whose user's account was deleted (after `account.deleted`). */
export const accountDeletedCode = 4410;
const noop = () => {};

/** Abandons the current attempt: its timers, its socket (closed, its late events ignored), its awaits. */
function detach(state: ConnectionState) {
  const { timers } = state;
  state.generation++;
  for (const timer of [state.connectTimer, state.reconnectTimer, state.pingTimer, state.pongTimer]) {
    timers.clearTimeout(timer);
  }
  const old = state.socket;
  state.socket = undefined;
  state.authed = false;
  if (!old) return;
  // `onerror` stays a no-op rather than null: `ws` throws an 'error' that has no listener.
  old.onopen = old.onmessage = old.onclose = noop;
  if (old.readyState < 2) old.close(1000);
}

/** Closes the connection for good; `error` says why, when it was not asked for. */
export function shutdown(state: ConnectionState, error?: Error) {
  if (state.closed) return;
  state.closed = true;
  detach(state);
  state.stopWatchingSession?.();
  state.outbox.failAll(
    error ??
      new RealtimeError('closed', 'The connection was closed before the server acknowledged this message'),
  );
  state.reads.clear();
  setStatus(state, 'closed');
  if (error) state.emitter.emit('error', error);
}

function scheduleReconnect(state: ConnectionState) {
  detach(state);
  const { attempt, reconnect } = state;
  if (attempt >= reconnect.maxAttempts) {
    return shutdown(state, new RealtimeError('closed', `Gave up after ${attempt} reconnect attempts`));
  }
  setStatus(state, 'reconnecting');
  state.attempt++;
  state.reconnectTimer = state.timers.setTimeout(
    () => connect(state),
    reconnectDelay(attempt, reconnect, state.random),
  );
}

/** Any frame proves the socket alive; after `pingIntervalMs` of silence, ask with a `ping`. */
function heartbeat(state: ConnectionState) {
  const { timers } = state;
  timers.clearTimeout(state.pingTimer);
  timers.clearTimeout(state.pongTimer);
  state.pingTimer = timers.setTimeout(() => {
    write(state, { type: 'ping' });
    state.pongTimer = timers.setTimeout(() => scheduleReconnect(state), state.pongTimeoutMs);
  }, state.pingIntervalMs);
}

/**
 * The signed-in user's account was deleted (an `account.deleted`, or a 4410 close): its tokens are
 * gone, so the connection ends for good — no reconnect could authenticate — and the session is
 * signed out, which every listener of `auth.onChange` (a chat store) follows.
 */
function accountDeleted(state: ConnectionState) {
  shutdown(state, new RealtimeError('unauthorized', 'The account was deleted: sign in to another one'));
  const { session } = state;
  // Unless it is signed out already (the tab that deleted it, another socket of this client).
  void session
    .tokens()
    .then((tokens) => tokens && session.signOut('session-expired'))
    .catch(noop);
}

function onClose(state: ConnectionState, code: number) {
  if (code === accountDeletedCode) return accountDeleted(state);
  const { outbox } = state;
  // A frame over the server's limit: one send fails, not sent again (blameForTooBig says which, and why).
  const blamed = code === messageTooBigCode && state.authed ? blameForTooBig(outbox.waiting()) : undefined;
  if (blamed) outbox.fail(blamed.clientMessageId, refusedByServer(blamed));
  if (code !== unauthorizedCode) return scheduleReconnect(state);
  detach(state);
  if (state.refreshedForAuth) {
    return shutdown(
      state,
      new RealtimeError(
        'unauthorized',
        'The server refused the access token even after a refresh: sign in again',
      ),
    );
  }
  // Most likely the access token expired: refresh it and try again at once, no backoff.
  state.refreshedForAuth = state.refreshFirst = true;
  if (state.status === 'open') setStatus(state, 'reconnecting');
  connect(state);
}

function onMessage(state: ConnectionState, data: unknown) {
  if (state.authed) heartbeat(state);
  const frame = parseFrame(data);
  if (frame instanceof RealtimeError) return state.emitter.emit('error', frame);
  if (frame.type === 'ready') {
    // Authenticated. This attempt's timers are settled here, before `ready` is handled: a `ready`
    // listener may close the connection, and no timer may be set after that.
    state.authed = true;
    state.attempt = 0;
    state.refreshedForAuth = false;
    state.timers.clearTimeout(state.connectTimer);
    heartbeat(state);
  }
  handleFrame(state, frame);
  if (
    frame.type === 'event' &&
    frame.event.type === 'account.deleted' &&
    (state.userId === undefined || frame.event.userId === state.userId)
  )
    accountDeleted(state);
}

/** Starts the next attempt: a token, a socket, and `auth` on it as soon as it opens. */
export async function connect(state: ConnectionState): Promise<void> {
  detach(state);
  const current = state.generation;
  state.connectTimer = state.timers.setTimeout(() => scheduleReconnect(state), state.connectTimeoutMs);
  let token: string;
  try {
    token = state.token = await accessTokenFor(state.session, state.refreshFirst ? state.token : undefined);
    state.refreshFirst = false; // only once done: a refresh that failed on the network is still owed
  } catch (error) {
    if (current !== state.generation) return;
    // Not signed in, or the refresh was refused: no retry can fix that. Anything else
    // (the network, a 5xx) may pass: retry later.
    if (RealtimeError.isInstance(error) || AuthenticationError.isInstance(error)) {
      return shutdown(state, error);
    }
    return scheduleReconnect(state);
  }
  if (current !== state.generation) return;
  let ws: WebSocketLike;
  try {
    ws = await state.openSocket(state.url);
  } catch (error) {
    // No WebSocket in this runtime, or a URL it refuses: retrying would fail the same way.
    if (current === state.generation) shutdown(state, asError(error));
    return;
  }
  if (current !== state.generation) return ws.close(1000);
  const { seqs } = state;
  state.socket = ws;
  seqs.opened();
  ws.onerror = noop; // an error is always followed by a close, handled there
  ws.onopen = () => {
    const resumeFrom = seqs.last;
    ws.send(JSON.stringify({ type: 'auth', token, ...(resumeFrom !== undefined && { resumeFrom }) }));
  };
  ws.onmessage = (event) => onMessage(state, event.data);
  ws.onclose = (event) => onClose(state, event.code);
}
