/**
 * One socket's protocol: the `auth` handshake (in time, or 4401), frame parsing and validation,
 * the per-connection rate limit, and handing every other frame to the gateway in arrival order
 * (frame-pipeline.ts): each frame after the ones before it — consecutive `message.send` frames
 * pipelined, their appends and answers still in arrival order — so a client that sends `auth`
 * then `message.send` (or many sends) gets its answers in order, also when admitting takes a
 * while (a resume replayed from the broker).
 *
 * Memory per idle socket is what a gateway with thousands of them pays for, so the listeners are
 * shared by every socket (they find their connection through the socket), the rate limit's state
 * is two numbers on the connection, and nothing is kept once the auth timer or a frame is done.
 */
import type { ClientFrame } from '@chatwire/sdk/contracts';
import { type RawData, WebSocket } from 'ws';
import { asDomainError, Unauthenticated } from '../services/errors.js';
import { CloseCode } from './close-codes.js';
import {
  type Answer,
  type PipelineState,
  runInOrder,
  runPipelined,
  type SendOrder,
} from './frame-pipeline.js';
import { encodeFrame, errorFrame, type ParsedClientFrame, parseClientFrame } from './frames.js';
import { fullBucket, type TokenBucketState, takeToken } from './token-bucket.js';

/** A frame an authenticated connection hands to the gateway. */
export type ActionFrame = Exclude<ClientFrame, { type: 'auth' | 'ping' }>;

export interface Connection extends TokenBucketState, PipelineState {
  readonly socket: WebSocket;
  /** Set once `auth` succeeded; until then the connection receives no events. */
  userId: string | null;
  /** Whether the socket answered the last heartbeat ping. */
  alive: boolean;
  /** Conversations this connection announced typing in: stopped when it closes. */
  typingIn: Set<string> | null;
  /** Until `auth` succeeds. */
  authTimer: NodeJS.Timeout | null;
}

export interface ConnectionHandlers {
  /** Verifies an access token: its user id, or throws `Unauthenticated` (`token_expired`, `unauthorized`). */
  authenticate(token: string): Promise<string>;
  /**
   * Registers the authenticated connection and sends `ready` (and the replay), the replay and the
   * registration in one synchronous step, so that no event falls between the replay and the first
   * live event. Returns a promise when it has to fetch the replay first (a resume from another
   * process): the connection's next frames wait for it, and it may find the socket closed.
   */
  admit(connection: Connection, resumeFrom: number | undefined): Promise<void> | undefined;
  /**
   * Performs a `message.send`, `typing` or `read` frame; its answers go through `answer` (in
   * arrival order). A pipelined send hands its append to the store in its turn of `order`.
   */
  act(
    connection: Connection,
    frame: ActionFrame,
    answer: Answer,
    order: SendOrder | undefined,
  ): Promise<void>;
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
  /** Consecutive `message.send` frames of one socket handled at once (`realtime.pipelineDepth`). */
  pipelineDepth: number;
}

const pong = encodeFrame({ type: 'pong' });
const kConnection = Symbol('chatwire.connection');
type TaggedSocket = WebSocket & { [kConnection]: Connection };

const connectionOf = (socket: WebSocket): Connection => (socket as TaggedSocket)[kConnection];

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

function onAuthTimeout(connection: Connection): void {
  connection.authTimer = null;
  closeWith(connection.socket, CloseCode.unauthorized, 'auth timeout: send { type: "auth", token } first');
}

/**
 * The protocol for every socket of one gateway.
 *
 * @example
 * ```ts
 * const protocol = createConnectionProtocol(options, handlers);
 * wss.handleUpgrade(request, socket, head, (ws) => sockets.add(protocol.accept(ws)));
 * ```
 */
export function createConnectionProtocol(options: ConnectionOptions, handlers: ConnectionHandlers) {
  const bucket = { perSecond: options.framesPerSecond, burst: options.frameBurst };

  async function authenticate(
    connection: Connection,
    frame: Extract<ClientFrame, { type: 'auth' }>,
  ): Promise<void> {
    const { socket } = connection;
    let userId: string;
    try {
      userId = await handlers.authenticate(frame.token);
    } catch (error) {
      // A refused token (bad, expired, its account gone): 4401, which the SDK answers with one
      // refresh. Anything else (storage unreachable while the account is looked up) is no reason
      // to sign anyone out: `unavailable` (a bug: `internal`, logged) and 1013, reconnect later.
      if (error instanceof Unauthenticated) {
        const code = error.code === 'token_expired' ? 'token_expired' : 'unauthorized';
        handlers.send(connection, errorFrame(code, error.message));
        closeWith(socket, CloseCode.unauthorized, code);
      } else if (asDomainError(error)?.code === 'unavailable') {
        handlers.send(
          connection,
          errorFrame('unavailable', 'Sign-in is briefly unavailable: reconnect later'),
        );
        closeWith(socket, CloseCode.tryAgainLater, 'unavailable');
      } else {
        handlers.failed(connection, error);
        closeWith(socket, CloseCode.tryAgainLater, 'internal');
      }
      return;
    }
    // The auth timer may have closed the socket while the token was being verified.
    if (socket.readyState !== WebSocket.OPEN) return;
    if (connection.authTimer) clearTimeout(connection.authTimer);
    connection.authTimer = null;
    connection.userId = userId;
    // Awaited only when asynchronous: the usual admit stays in this tick. Frames that arrive in
    // the meantime are queued behind this one (`enqueue`), so none is handled before `ready`.
    const admitting = handlers.admit(connection, frame.resumeFrom);
    if (admitting) await admitting;
  }

  async function handle(
    connection: Connection,
    parsed: ParsedClientFrame,
    answer: Answer,
    order: SendOrder | undefined,
  ): Promise<void> {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    if (!parsed.ok) {
      answer(errorFrame(parsed.code, parsed.message, parsed.ref, parsed.details));
      return;
    }
    const { frame } = parsed;
    if (connection.userId === null) {
      if (frame.type === 'auth') return authenticate(connection, frame);
      closeWith(connection.socket, CloseCode.unauthorized, 'the first frame must be { type: "auth", token }');
      return;
    }
    if (frame.type === 'auth') {
      answer(errorFrame('bad_request', 'This connection is already authenticated'));
    } else if (frame.type === 'ping') {
      answer(pong);
    } else {
      await handlers.act(connection, frame, answer, order);
    }
  }

  /** Hands the frame to the pipeline: sends pipelined, everything else in turn. */
  function enqueue(connection: Connection, parsed: ParsedClientFrame): void {
    const send: Answer = (frame) => handlers.send(connection, frame);
    const task = (answer: Answer, order: SendOrder | undefined) =>
      handle(connection, parsed, answer, order).catch((error: unknown) => handlers.failed(connection, error));
    if (parsed.ok && parsed.frame.type === 'message.send')
      runPipelined(connection, task, send, options.pipelineDepth);
    else runInOrder(connection, task, send);
  }

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const connection = connectionOf(this);
    if (!takeToken(connection, bucket)) {
      const parsed = isBinary ? undefined : parseClientFrame(textOf(data));
      const ref =
        parsed?.ok && parsed.frame.type === 'message.send' ? parsed.frame.clientMessageId : undefined;
      handlers.send(
        connection,
        errorFrame(
          'rate_limited',
          `Over ${options.framesPerSecond} frames a second: this frame was dropped`,
          ref,
        ),
      );
      return;
    }
    enqueue(
      connection,
      isBinary
        ? { ok: false, code: 'bad_request', message: 'Send text frames of JSON, not binary ones' }
        : parseClientFrame(textOf(data)),
    );
  }

  function onPong(this: WebSocket): void {
    connectionOf(this).alive = true;
  }

  // `ws` reports protocol violations (e.g. a frame over maxPayload: closed with 1009) here; the
  // close that follows does the cleanup, and an unhandled 'error' would crash the process.
  function onError(): void {}

  function onClose(this: WebSocket): void {
    const connection = connectionOf(this);
    if (connection.authTimer) clearTimeout(connection.authTimer);
    connection.authTimer = null;
    handlers.closed(connection);
  }

  return {
    /** Takes over a freshly upgraded socket. */
    accept(socket: WebSocket): Connection {
      const { tokens, refilledAt } = fullBucket(bucket);
      // Every field in the literal, none spread in: spread fields go to a separate property array.
      const connection: Connection = {
        socket,
        userId: null,
        alive: true,
        typingIn: null,
        authTimer: null,
        // An idle pipeline, written out: every field in the literal keeps the object in one
        // shape without a separate property store (memory per idle socket).
        pending: null,
        pipelining: false,
        inFlight: null,
        lastHandover: null,
        tokens,
        refilledAt,
      };
      connection.authTimer = setTimeout(onAuthTimeout, options.authTimeoutMs, connection);
      connection.authTimer.unref();
      const tagged = socket as TaggedSocket;
      tagged[kConnection] = connection;
      socket.on('message', onMessage);
      socket.on('pong', onPong);
      socket.on('error', onError);
      socket.on('close', onClose);
      return connection;
    },
  };
}
