/**
 * The real-time connection: one socket at a time, authenticated with a fresh access token,
 * re-opened with backoff when it drops, resumed from the last seq seen, with a heartbeat that
 * notices a dead socket the browser would not report for minutes.
 */
import type { AuthSession } from '../client/auth-session.js';
import { AuthenticationError, asError } from '../client/errors.js';
import { type ClientFrame, type RealtimeEvent, ServerFrame } from '../contracts/events.js';
import { newClientMessageId } from '../resources/messages.js';
import { accessTokenFor } from './access-token.js';
import { defaultReconnectOptions, reconnectDelay } from './backoff.js';
import { createEmitter } from './emitter.js';
import { RealtimeError } from './errors.js';
import { createOutbox } from './outbox.js';
import { createRecentIds } from './recent-ids.js';
import { createSeqTracker } from './seq-tracker.js';
import type {
  RealtimeConnection,
  RealtimeListeners,
  RealtimeOptions,
  RealtimeStatus,
  RealtimeTimers,
} from './types.js';
import { defaultWebSocketFactory, realtimeUrl, type WebSocketLike } from './web-socket.js';

/** What the connection needs from the client. */
export interface RealtimeDeps {
  baseUrl: string;
  session: AuthSession;
}

/** The close code of a refused `auth` (missing, bad or expired token). */
const unauthorizedCode = 4401;
const noop = () => {};

/** The global `setTimeout`/`clearTimeout`: the timers of a connection (and the chat store) by default. */
export const defaultTimers: RealtimeTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Opens a real-time connection; `client.realtime()` is the public way to call this. */
export function createRealtimeConnection(
  deps: RealtimeDeps,
  options: RealtimeOptions = {},
): RealtimeConnection {
  const reconnect = { ...defaultReconnectOptions, ...options.reconnect };
  const { pingIntervalMs = 25_000, pongTimeoutMs = 10_000, connectTimeoutMs = 20_000 } = options;
  const timers = options.timers ?? defaultTimers;
  const random = options.random ?? Math.random;
  const openSocket = options.webSocketFactory ?? defaultWebSocketFactory();
  const url = realtimeUrl(deps.baseUrl);

  const emitter = createEmitter<RealtimeListeners>();
  const seqs = createSeqTracker();
  const announced = createRecentIds();
  const outbox = createOutbox();
  /** Reads marked while offline: the latest per conversation, sent after the next `ready`. */
  const reads = new Map<string, string>();

  let status: RealtimeStatus = 'connecting';
  let socket: WebSocketLike | undefined;
  /** Whether `socket` got its `ready`: only then do frames other than `auth` go out. */
  let authed = false;
  /** The token the last attempt authenticated with: the stale one to replace after a 4401. */
  let token: string | undefined;
  /** Set by a 4401: the next attempt refreshes the token first. */
  let refreshFirst = false;
  /** A 4401 was already answered with a refresh since the last `ready`: a second one is final. */
  let refreshedForAuth = false;
  /** Retries since the last `ready`, for the backoff. */
  let attempt = 0;
  /** Bumped whenever an attempt is abandoned, so that its pending awaits do nothing. */
  let generation = 0;
  let closed = false;
  let connectTimer: unknown;
  let reconnectTimer: unknown;
  let pingTimer: unknown;
  let pongTimer: unknown;

  const setStatus = (next: RealtimeStatus) => {
    if (status === next) return;
    status = next;
    emitter.emit('status', next);
  };

  const write = (frame: ClientFrame) => {
    if (authed) socket?.send(JSON.stringify(frame));
  };

  /** Abandons the current attempt: its timers, its socket (closed, its late events ignored), its awaits. */
  const detach = () => {
    generation++;
    for (const timer of [connectTimer, reconnectTimer, pingTimer, pongTimer]) timers.clearTimeout(timer);
    const old = socket;
    socket = undefined;
    authed = false;
    if (!old) return;
    // `onerror` stays a no-op rather than null: `ws` throws an 'error' that has no listener.
    old.onopen = old.onmessage = old.onclose = noop;
    if (old.readyState < 2) old.close(1000);
  };

  const shutdown = (error?: Error) => {
    if (closed) return;
    closed = true;
    detach();
    stopWatchingSession();
    outbox.failAll(
      error ??
        new RealtimeError('closed', 'The connection was closed before the server acknowledged this message'),
    );
    reads.clear();
    setStatus('closed');
    if (error) emitter.emit('error', error);
  };

  const scheduleReconnect = () => {
    detach();
    if (attempt >= reconnect.maxAttempts) {
      return shutdown(new RealtimeError('closed', `Gave up after ${attempt} reconnect attempts`));
    }
    setStatus('reconnecting');
    reconnectTimer = timers.setTimeout(connect, reconnectDelay(attempt++, reconnect, random));
  };

  /** Any frame proves the socket alive; after `pingIntervalMs` of silence, ask with a `ping`. */
  const heartbeat = () => {
    timers.clearTimeout(pingTimer);
    timers.clearTimeout(pongTimer);
    pingTimer = timers.setTimeout(() => {
      write({ type: 'ping' });
      pongTimer = timers.setTimeout(scheduleReconnect, pongTimeoutMs);
    }, pingIntervalMs);
  };

  const onClose = (code: number) => {
    if (code !== unauthorizedCode) return scheduleReconnect();
    detach();
    if (refreshedForAuth) {
      return shutdown(
        new RealtimeError(
          'unauthorized',
          'The server refused the access token even after a refresh: sign in again',
        ),
      );
    }
    // Most likely the access token expired: refresh it and try again at once, no backoff.
    refreshedForAuth = refreshFirst = true;
    if (status === 'open') setStatus('reconnecting');
    connect();
  };

  const onFrame = (data: unknown) => {
    if (authed) heartbeat();
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {}
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      return emitter.emit(
        'error',
        new RealtimeError(
          'malformed_frame',
          `Ignored a frame that is not a valid ServerFrame${where}: ${issue?.message}`,
        ),
      );
    }
    const frame = parsed.data;
    switch (frame.type) {
      case 'ready':
        authed = true;
        attempt = 0;
        refreshedForAuth = false;
        timers.clearTimeout(connectTimer);
        seqs.ready(frame.seq);
        heartbeat();
        // What waited for a connection goes out now, in order (the server dedupes re-sent ids),
        // and before the listeners run: a send they make must neither overtake it nor go twice.
        for (const send of outbox.frames()) write(send);
        for (const [conversationId, messageId] of reads) write({ type: 'read', conversationId, messageId });
        reads.clear();
        setStatus('open');
        return emitter.emit('ready', { userId: frame.userId, seq: frame.seq });
      case 'event': {
        if (!seqs.accept(frame.seq)) return;
        const { event } = frame;
        // A send retried with its clientMessageId is announced again: once is enough here.
        if (event.type === 'message.created' && !announced.add(event.message.id)) return;
        // TypeScript cannot tie `event.type` to the listener of that type across the union.
        (emitter.emit as (type: string, event: RealtimeEvent, seq: number) => void)(
          event.type,
          event,
          frame.seq,
        );
        return emitter.emit('event', event, frame.seq);
      }
      case 'resync':
        seqs.resync();
        return emitter.emit('resync');
      case 'ack':
        outbox.ack(frame.clientMessageId, frame.message);
        return;
      case 'error': {
        const error = new RealtimeError(frame.code, frame.message, frame.ref);
        if (frame.ref !== undefined && outbox.fail(frame.ref, error)) return;
        // A refused `auth` is followed by a 4401 close, handled there (refresh, retry).
        if (!authed && (frame.code === 'unauthorized' || frame.code === 'token_expired')) return;
        return emitter.emit('error', error);
      }
    }
  };

  async function connect(): Promise<void> {
    detach();
    const current = generation;
    connectTimer = timers.setTimeout(scheduleReconnect, connectTimeoutMs);
    try {
      token = await accessTokenFor(deps.session, refreshFirst ? token : undefined);
      refreshFirst = false; // only once done: a refresh that failed on the network is still owed
    } catch (error) {
      if (current !== generation) return;
      // Not signed in, or the refresh was refused: no retry can fix that. Anything else
      // (the network, a 5xx) may pass: retry later.
      if (RealtimeError.isInstance(error) || AuthenticationError.isInstance(error)) return shutdown(error);
      return scheduleReconnect();
    }
    if (current !== generation) return;
    let ws: WebSocketLike;
    try {
      ws = await openSocket(url);
    } catch (error) {
      // No WebSocket in this runtime, or a URL it refuses: retrying would fail the same way.
      if (current === generation) shutdown(asError(error));
      return;
    }
    if (current !== generation) return ws.close(1000);
    const authToken = token;
    socket = ws;
    seqs.opened();
    ws.onerror = noop; // an error is always followed by a close, handled there
    ws.onopen = () => {
      const resumeFrom = seqs.last;
      ws.send(
        JSON.stringify({ type: 'auth', token: authToken, ...(resumeFrom !== undefined && { resumeFrom }) }),
      );
    };
    ws.onmessage = (event) => onFrame(event.data);
    ws.onclose = (event) => onClose(event.code);
  }

  const stopWatchingSession = deps.session.onChange((change) => {
    // Signed out here (or in another tab): this user's events must stop reaching the page.
    if (change.type === 'signed-out') {
      shutdown(
        change.reason === 'logout'
          ? undefined
          : new RealtimeError('unauthorized', 'The session expired (the refresh was refused): sign in again'),
      );
    }
  });

  connect();

  return {
    get status() {
      return status;
    },
    get lastSeq() {
      return seqs.last;
    },
    on: emitter.on,
    send(input) {
      if (closed) {
        return Promise.reject(
          new RealtimeError('closed', 'This connection is closed: open another with realtime()'),
        );
      }
      const clientMessageId = input.clientMessageId ?? newClientMessageId();
      const waiting = outbox.get(clientMessageId);
      if (waiting) return waiting;
      const frame = {
        type: 'message.send',
        conversationId: input.conversationId,
        content: input.content,
        clientMessageId,
      } as const;
      const promise = outbox.add(frame);
      write(frame);
      return promise;
    },
    typing(conversationId, state) {
      write({ type: 'typing', conversationId, state });
    },
    markRead(conversationId, messageId) {
      if (authed) write({ type: 'read', conversationId, messageId });
      else if (!closed) reads.set(conversationId, messageId);
    },
    close: () => shutdown(),
  };
}
