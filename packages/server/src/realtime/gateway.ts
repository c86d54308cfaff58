/**
 * The real-time gateway: `GET /v1/realtime` upgraded to a WebSocket.
 *
 * Protocol (frames are `ClientFrame` in, `ServerFrame` out; see API.md "Real time"):
 * 1. The client sends `auth { token, resumeFrom? }` within `authTimeoutMs`, or is closed with 4401.
 * 2. The server answers `ready { userId, seq }`, `seq` being the head of the event stream (the
 *    last seq handed out; seqs are stream positions shared by all recipients, see event-log.ts):
 *    - no `resumeFrom`: live events follow, each with a seq above `ready.seq` and the previous one
 *      (increasing, not consecutive: the user's seqs skip events meant for others);
 *    - `resumeFrom` still covered by the user's buffer: the missed events follow at once, in order
 *      (seqs above `resumeFrom`, up to `ready.seq`), then the live ones — no gap, no duplicate;
 *    - not covered here, but a shared broker can replay (`Broker.replay`: the client was on another
 *      process): the same, once the missed events were fetched from the broker (broker-resume.ts);
 *      the connection's next frames wait for it;
 *    - `resumeFrom` not covered (evicted, too old, or from another server run): `resync` first
 *      (refetch over REST), then `ready`, then live events.
 * 3. Every event published for the user reaches every open connection of theirs; `message.send`,
 *    `typing`, `read` and `ping` are answered (`ack`, `error { ref }`, `pong`).
 *
 * Close codes: {@link CloseCode}. Raw `ws` with `noServer` rather than `@fastify/websocket`: the
 * upgrade path stays free of Fastify's per-request objects (memory per idle socket is what a
 * gateway with thousands of sockets pays for), and we own the shutdown (1001) and origin check.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@chatwire/sdk/contracts';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Broker, ReplayedEvent } from '../broker/broker.js';
import { rawErrorResponse } from '../http/edge-errors.js';
import { HttpError } from '../http/http-error.js';
import type { RealtimeOptions } from '../options.js';
import type { PresenceDirectory } from '../presence/presence-directory.js';
import type { ConversationService } from '../services/conversations.js';
import type { ParticipantService } from '../services/participants.js';
import type { PresenceView } from '../services/presence.js';
import type { SendMessage } from '../services/send-message.js';
import type { Store } from '../store/store.js';
import { createActions } from './actions.js';
import { type BrokerResumeDeps, resumeFromBroker } from './broker-resume.js';
import { CloseCode } from './close-codes.js';
import { type Connection, type ConnectionHandlers, createConnectionProtocol } from './connection.js';
import { createEventLogs, type ReplayResult } from './event-log.js';
import { createConnectionRegistry, createFanout, createSender } from './fanout.js';
import { type OutgoingFrame, writeFrame } from './frame-writer.js';
import { encodeEventFrame, encodeFrame, errorFrame } from './frames.js';
import { startHeartbeat } from './heartbeat.js';
import { originAllowed } from './origin.js';
import { createPresenceAnnouncer } from './presence-announcer.js';
import { createPresenceTracker } from './presence-tracker.js';
import { createTypingTracker } from './typing.js';

/** The path of the contract's `realtime` route. */
export const realtimePath = '/v1/realtime';

export interface RealtimeGatewayDeps {
  options: RealtimeOptions;
  /** Largest frame a client may send (`limits.wsFrameBytes`); bigger ones are closed with 1009. */
  frameBytes: number;
  /** The CORS allow-list, the default for `options.allowedOrigins`. */
  corsOrigins: readonly string[];
  store: Store;
  broker: Broker;
  /** Who is online across processes (the caller's to close); the gateway tells it of its own users. */
  presence: PresenceDirectory;
  /** Verifies an access token: the user id, or throws an HttpError. */
  authenticate: (token: string) => Promise<string>;
  conversations: ConversationService;
  /** Read markers (`read` frames), as `POST …/read` moves them. */
  participants: ParticipantService;
  /** The send use case, the same REST's `POST …/messages` calls. */
  sendMessage: SendMessage;
  log: FastifyBaseLogger;
}

export interface RealtimeGateway {
  /** Who is online anywhere (the directory; this process's sockets when it cannot be reached). */
  readonly presence: PresenceView;
  /** Registers `GET /v1/realtime`, takes the server's upgrades, closes sockets (1001) on `app.close()`. */
  register(app: FastifyInstance): void;
  /** Closes every socket with 1001 and stops all timers. */
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, text: string): void {
  // The one error envelope, as every HTTP answer (a non-browser client reads it; browsers give a
  // page nothing of a failed upgrade, hence 1013 after the upgrade for a broker outage).
  const [code, message, headers]: [ErrorCode, string, Record<string, string>?] =
    status === 404
      ? ['not_found', `No WebSocket endpoint here: connect to ${realtimePath}`]
      : status === 403
        ? ['forbidden', 'This origin may not open a socket here (CORS_ORIGINS)']
        : status === 503
          ? ['unavailable', 'The server is shutting down: reconnect', { 'retry-after': '1' }]
          : ['bad_request', `${text}: send the access token in the auth frame, never in the URL`];
  socket.once('finish', () => socket.destroy());
  socket.end(rawErrorResponse(status, code, message, headers));
}

/**
 * Creates the gateway; it subscribes to the broker at once (so that presence and logs are live)
 * and serves sockets once `register(app)` is called.
 *
 * @example
 * ```ts
 * const realtime = createRealtimeGateway({ options: options.realtime, frameBytes, corsOrigins, store, broker,
 *   presence: createMemoryPresence(), authenticate: (token) => accessTokens.verify(token), conversations, participants, sendMessage, log: app.log });
 * const users = createUserService({ store, presence: realtime.presence });
 * realtime.register(app);
 * ```
 */
export function createRealtimeGateway(deps: RealtimeGatewayDeps): RealtimeGateway {
  const { options, log } = deps;
  const allowedOrigins = options.allowedOrigins ?? deps.corsOrigins;
  // The same limits for a replay from the buffer and from a shared broker (broker-resume.ts).
  const limits = { maxEvents: options.replayEvents, maxAgeMs: options.replayMaxAgeMs };
  const logs = createEventLogs<OutgoingFrame>({
    ...limits,
    // A shared broker's position: every process's seqs on one scale from the first event.
    ...(deps.broker.position ? { seed: deps.broker.position() } : {}),
  });
  const registry = createConnectionRegistry();
  /** Every socket, authenticated or not: for the heartbeat and the shutdown. */
  const sockets = new Set<Connection>();
  const sender = createSender({
    maxBufferedBytes: options.maxBufferedBytes,
    closeTimeoutMs: options.closeTimeoutMs,
  });
  const presence = createPresenceTracker({
    graceMs: options.presenceGraceMs,
    directory: deps.presence,
    onError: (error, userId) => log.warn({ err: error, userId }, 'presence directory call failed'),
    onChange: createPresenceAnnouncer({
      store: deps.store,
      broker: deps.broker,
      log,
      maxConversationSize: options.presenceMaxConversationSize,
    }),
  });
  const typing = createTypingTracker({
    ttlMs: options.typingTtlMs,
    broker: deps.broker,
    onError: (error) => log.warn({ err: error }, 'typing expiry failed'),
  });
  const actions = createActions({ ...deps, typing, send: sender.send });
  const unsubscribe = deps.broker.subscribe(createFanout({ registry, logs, sender }));
  // Events for this process were lost (a Redis reader trimmed past): every buffer is incomplete,
  // and every socket here may have missed some: all of them refetch.
  const unsubscribeGaps =
    deps.broker.subscribeGaps?.(() => {
      logs.invalidate();
      const resync = encodeFrame({ type: 'resync' });
      // Registered ones only: a connection still being admitted (broker-resume.ts) checks that its
      // replay is complete itself, and a `resync` before its `ready` would void that replay.
      for (const connection of sockets)
        if (connection.userId !== null && registry.of(connection.userId)?.includes(connection))
          sender.send(connection, resync);
    }) ?? (() => undefined);
  const stopHeartbeat = startHeartbeat(() => sockets, options.heartbeatMs);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: deps.frameBytes,
    // Compression costs ~300 KB of zlib state per socket and CPU per frame (ws #1617): off.
    perMessageDeflate: false,
    clientTracking: false,
  });
  let closing = false;

  /**
   * The end of every admit (authenticated `connection`), in one synchronous block: the user's
   * buffer opened, `resync` if `replay` failed, `ready { seq: head }`, the replayed events (the
   * broker's part `fromBroker`, then the buffer's), and the connection registered — so the next
   * event published (a seq above `ready.seq`) is live and everything up to it was replayed.
   * `replay` undefined: no `resumeFrom`, nothing to replay.
   */
  function admitNow(
    connection: Connection,
    replay?: ReplayResult<OutgoingFrame>,
    fromBroker: readonly ReplayedEvent[] = [],
  ): void {
    const userId = connection.userId as string;
    logs.open(userId);
    const { socket } = connection;
    if (replay && !replay.ok) socket.send(encodeFrame({ type: 'resync' }));
    socket.send(encodeFrame({ type: 'ready', userId, seq: logs.head, maxFrameBytes: deps.frameBytes }));
    if (replay?.ok) {
      // Unchecked writes: a replay is bounded by the replay limits (and the buffer's part is memory
      // already spent, shared with the live fan-out); the live frames after it are checked against
      // maxBufferedBytes as usual.
      for (const { position, event } of fromBroker) writeFrame(socket, encodeEventFrame(position, event));
      for (const entry of replay.entries) writeFrame(socket, entry.frame);
    }
    registry.add(connection as Connection & { userId: string });
    presence.connected(userId);
  }
  const brokerResume: BrokerResumeDeps | undefined = deps.broker.replay
    ? {
        logs,
        replay: deps.broker.replay.bind(deps.broker),
        ...(deps.broker.head ? { head: deps.broker.head.bind(deps.broker) } : {}),
        limits,
        registry,
        admit: admitNow,
        closing: () => closing,
        onError: (error) => log.warn({ err: error }, 'replay from the broker failed: the client resyncs'),
      }
    : undefined;

  const handlers: ConnectionHandlers = {
    authenticate: deps.authenticate,
    act: actions.act,
    send: sender.send,

    admit(connection, resumeFrom) {
      if (resumeFrom === undefined) {
        admitNow(connection);
        return undefined;
      }
      const existing = logs.get(connection.userId as string);
      const replay: ReplayResult<OutgoingFrame> = existing
        ? logs.replayFrom(existing, resumeFrom)
        : { ok: false };
      // Not covered here, but a shared broker's stream may hold what the client missed (it was
      // connected to another process): an asynchronous admit (broker-resume.ts).
      if (!replay.ok && brokerResume) return resumeFromBroker(brokerResume, connection, resumeFrom);
      admitNow(connection, replay);
      return undefined;
    },

    closed(connection) {
      sockets.delete(connection);
      if (!registry.remove(connection) || closing) return;
      const userId = connection.userId as string;
      actions.stopTyping(connection);
      presence.disconnected(userId);
      if (!registry.of(userId)) logs.dropLater(userId);
    },

    failed(connection, error) {
      log.error({ err: error }, 'real-time connection failed');
      sender.send(connection, errorFrame('internal', 'Something went wrong on our side: try again'));
    },
  };

  /** Which refusal (status, text) an upgrade to our path gets, or `null` to accept it. */
  function refusal(request: IncomingMessage, url: URL): [number, string] | null {
    if (closing) return [503, 'Service Unavailable'];
    // Tokens in URLs end up in proxy and access logs: refuse, so that no client gets used to it.
    if (url.searchParams.has('token') || url.searchParams.has('access_token')) return [400, 'Bad Request'];
    if (!originAllowed(request.headers.origin, allowedOrigins, request.headers.host))
      return [403, 'Forbidden'];
    return null;
  }

  const protocol = createConnectionProtocol(options, handlers);

  function onUpgrade(this: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== realtimePath) {
      // Another upgrade handler may own this path; with none, nobody would answer it.
      if (this.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found');
      return;
    }
    const refused = refusal(request, url);
    if (refused) {
      refuse(socket, ...refused);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      if (closing) {
        ws.close(CloseCode.goingAway, 'server shutting down');
        return;
      }
      // Events cannot reach a new socket while the broker is down (open ones stay and resume
      // or resync when it returns). After the upgrade, not a 503 before it: a browser shows the
      // page a close code and reason, never why an upgrade failed.
      if (deps.broker.available?.() === false) {
        ws.close(CloseCode.tryAgainLater, 'real-time delivery is briefly unavailable: reconnect later');
        return;
      }
      sockets.add(protocol.accept(ws));
    });
  }

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    stopHeartbeat();
    unsubscribe();
    unsubscribeGaps();
    presence.close();
    typing.close();
    const open = [...sockets];
    await Promise.all(
      open.map(
        ({ socket }) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.close(CloseCode.goingAway, 'server shutting down: reconnect and resume');
            setTimeout(() => socket.terminate(), options.closeTimeoutMs).unref();
          }),
      ),
    );
    logs.close();
  }

  return {
    presence,
    register(app) {
      app.get(realtimePath, async () => {
        throw new HttpError(
          'bad_request',
          'Open a WebSocket here (Upgrade: websocket), then send { "type": "auth", "token": … }',
        );
      });
      app.server.on('upgrade', onUpgrade);
      app.addHook('preClose', async () => {
        await close();
        app.server.off('upgrade', onUpgrade);
      });
    },
    close,
  };
}
