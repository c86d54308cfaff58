/**
 * What a real-time connection knows while it runs: its settings, its parts, and where it is in the
 * life of its sockets. One object rather than the variables of one closure, so that the socket's
 * life and the server's frames can each stand in a module of their own.
 */
import type { AuthSession } from '../client/auth-session.js';
import type { ClientFrame } from '../contracts/client-frames.js';
import { createEmitter, defaultTimers, type Emitter } from '../internal/foundation.js';
import { defaultReconnectOptions, type ReconnectOptions } from './backoff.js';
import type { RealtimeDeps } from './connection.js';
import { defaultMaxFrameBytes } from './frame-limit.js';
import { createOutbox, type Outbox } from './outbox.js';
import { createRecentIds, type RecentIds } from './recent-ids.js';
import { createSeqTracker, type SeqTracker } from './seq-tracker.js';
import type { RealtimeListeners, RealtimeOptions, RealtimeStatus, RealtimeTimers } from './types.js';
import {
  defaultWebSocketFactory,
  realtimeUrl,
  type WebSocketFactory,
  type WebSocketLike,
} from './web-socket.js';

export interface ConnectionState {
  readonly session: AuthSession;
  readonly url: string;
  readonly openSocket: WebSocketFactory;
  readonly reconnect: ReconnectOptions;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly timers: RealtimeTimers;
  readonly random: () => number;
  readonly emitter: Emitter<RealtimeListeners>;
  readonly seqs: SeqTracker;
  readonly announced: RecentIds;
  readonly outbox: Outbox;
  /** Reads marked while offline: the latest per conversation, sent after the next `ready`. */
  readonly reads: Map<string, string>;
  /** The largest frame the server takes: the option's until a `ready` tells the server's own. */
  frameLimit: number;
  status: RealtimeStatus;
  socket?: WebSocketLike | undefined;
  /** The signed-in user, as the last `ready` told. */
  userId?: string | undefined;
  /** Whether `socket` got its `ready`: only then do frames other than `auth` go out. */
  authed: boolean;
  /** The token the last attempt authenticated with: the stale one to replace after a 4401. */
  token?: string | undefined;
  /** Set by a 4401: the next attempt refreshes the token first. */
  refreshFirst: boolean;
  /** A 4401 was already answered with a refresh since the last `ready`: a second one is final. */
  refreshedForAuth: boolean;
  /** Retries since the last `ready`, for the backoff. */
  attempt: number;
  /** Bumped whenever an attempt is abandoned, so that its pending awaits do nothing. */
  generation: number;
  closed: boolean;
  connectTimer?: unknown;
  reconnectTimer?: unknown;
  pingTimer?: unknown;
  pongTimer?: unknown;
  /** Stops following the session's sign-outs. */
  stopWatchingSession?: () => void;
}

/** The state before the first attempt, every option resolved to its value or its default. */
export function createConnectionState(deps: RealtimeDeps, options: RealtimeOptions): ConnectionState {
  const {
    pingIntervalMs = 25_000,
    pongTimeoutMs = 10_000,
    connectTimeoutMs = 20_000,
    maxFrameBytes = defaultMaxFrameBytes,
  } = options;
  return {
    session: deps.session,
    reconnect: { ...defaultReconnectOptions, ...options.reconnect },
    pingIntervalMs,
    pongTimeoutMs,
    connectTimeoutMs,
    timers: options.timers ?? defaultTimers,
    random: options.random ?? Math.random,
    openSocket: options.webSocketFactory ?? defaultWebSocketFactory(),
    url: realtimeUrl(deps.baseUrl),
    emitter: createEmitter<RealtimeListeners>(),
    seqs: createSeqTracker(),
    announced: createRecentIds(),
    outbox: createOutbox(),
    reads: new Map(),
    frameLimit: maxFrameBytes,
    status: 'connecting',
    authed: false,
    refreshFirst: false,
    refreshedForAuth: false,
    attempt: 0,
    generation: 0,
    closed: false,
  };
}

export function setStatus(state: ConnectionState, next: RealtimeStatus) {
  if (state.status === next) return;
  state.status = next;
  state.emitter.emit('status', next);
}

/** Writes a frame's JSON on the socket once it is authenticated; before, it is dropped. */
export function writeData(state: ConnectionState, data: string) {
  if (state.authed) state.socket?.send(data);
}

export const write = (state: ConnectionState, frame: ClientFrame) => writeData(state, JSON.stringify(frame));
