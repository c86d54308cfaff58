/**
 * One socket's protocol: the `auth` handshake (in time, or 4401), frame parsing and validation,
 * the per-connection rate limit, and handing every other frame to the gateway — one at a time,
 * in arrival order, so a client that pipelines `auth` then `message.send` (or two sends) gets its
 * answers in order.
 */
import type { ClientFrame } from '@chatwire/sdk/contracts';
import { type RawData, WebSocket } from 'ws';
import { HttpError } from '../http/http-error.js';
import { CloseCode } from './close-codes.js';
import { encodeFrame, errorFrame, type ParsedClientFrame, parseClientFrame } from './frames.js';
import { createTokenBucket } from './token-bucket.js';

/** A frame an authenticated connection hands to the gateway. */
export type ActionFrame = Exclude<ClientFrame, { type: 'auth' | 'ping' }>;

export interface Connection {
  readonly socket: WebSocket;
  /** Set once `auth` succeeded; until then the connection receives no events. */
  userId: string | null;
  /** Whether the socket answered the last heartbeat ping. */
  alive: boolean;
  /** Conversations this connection announced typing in: stopped when it closes. */
  typingIn: Set<string> | null;
}

export interface ConnectionHandlers {
  /** Verifies an access token: its user id, or throws an HttpError (`token_expired`, `unauthorized`). */
  authenticate(token: string): Promise<string>;
  /**
   * Registers the authenticated connection and sends `ready` (and the replay): synchronously, so
   * that no event can be published between the replay and the first live event.
   */
  admit(connection: Connection, resumeFrom: number | undefined): void;
  /** Performs a `message.send`, `typing` or `read` frame; answers go through `send`. */
  act(connection: Connection, frame: ActionFrame): Promise<void>;
  /** Sends a frame (with the slow-consumer check). */
  send(connection: Connection, frame: string): void;
  /** The socket closed (after `admit`, or before it). */
  closed(connection: Connection): void;
  /** An unexpected failure while handling a frame: logged, answered with `internal`. */
  failed(connection: Connection, error: unknown): void;
}

export interface ConnectionOptions {
  authTimeoutMs: number;
  framesPerSecond: number;
  frameBurst: number;
}

const pong = encodeFrame({ type: 'pong' });

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Closes with a reason that fits a close frame (123 bytes at most). */
function closeWith(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
    socket.close(code, reason.slice(0, 120));
  }
}

/** Takes over a freshly upgraded socket. */
export function acceptConnection(
  socket: WebSocket,
  options: ConnectionOptions,
  handlers: ConnectionHandlers,
): Connection {
  const connection: Connection = { socket, userId: null, alive: true, typingIn: null };
  const bucket = createTokenBucket({ perSecond: options.framesPerSecond, burst: options.frameBurst });
  let tail: Promise<void> = Promise.resolve();

  const authTimer = setTimeout(() => {
    closeWith(socket, CloseCode.unauthorized, 'auth timeout: send { type: "auth", token } first');
  }, options.authTimeoutMs);
  authTimer.unref();

  async function authenticate(frame: Extract<ClientFrame, { type: 'auth' }>): Promise<void> {
    let userId: string;
    try {
      userId = await handlers.authenticate(frame.token);
    } catch (error) {
      const code =
        error instanceof HttpError && error.code === 'token_expired' ? 'token_expired' : 'unauthorized';
      const message =
        error instanceof HttpError ? error.message : 'The access token is not valid: sign in again';
      handlers.send(connection, errorFrame(code, message));
      closeWith(socket, CloseCode.unauthorized, code);
      return;
    }
    // The auth timer may have closed the socket while the token was being verified.
    if (socket.readyState !== WebSocket.OPEN) return;
    clearTimeout(authTimer);
    connection.userId = userId;
    handlers.admit(connection, frame.resumeFrom);
  }

  async function process(parsed: ParsedClientFrame): Promise<void> {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (!parsed.ok) {
      handlers.send(connection, errorFrame(parsed.code, parsed.message, parsed.ref));
      return;
    }
    const { frame } = parsed;
    if (connection.userId === null) {
      if (frame.type === 'auth') return authenticate(frame);
      closeWith(socket, CloseCode.unauthorized, 'the first frame must be { type: "auth", token }');
      return;
    }
    if (frame.type === 'auth') {
      handlers.send(connection, errorFrame('bad_request', 'This connection is already authenticated'));
    } else if (frame.type === 'ping') {
      handlers.send(connection, pong);
    } else {
      await handlers.act(connection, frame);
    }
  }

  socket.on('message', (data, isBinary) => {
    if (!bucket.take()) {
      const ref = isBinary ? undefined : parseClientFrame(textOf(data));
      handlers.send(
        connection,
        errorFrame(
          'rate_limited',
          `Over ${options.framesPerSecond} frames a second: this frame was dropped`,
          ref?.ok && ref.frame.type === 'message.send' ? ref.frame.clientMessageId : undefined,
        ),
      );
      return;
    }
    const parsed: ParsedClientFrame = isBinary
      ? { ok: false, code: 'bad_request', message: 'Send text frames of JSON, not binary ones' }
      : parseClientFrame(textOf(data));
    tail = tail.then(() => process(parsed)).catch((error: unknown) => handlers.failed(connection, error));
  });
  socket.on('pong', () => {
    connection.alive = true;
  });
  // `ws` reports protocol violations (e.g. a frame over maxPayload: closed with 1009) here; the
  // close that follows does the cleanup, and an unhandled 'error' would crash the process.
  socket.on('error', () => {});
  socket.on('close', () => {
    clearTimeout(authTimer);
    handlers.closed(connection);
  });
  return connection;
}
