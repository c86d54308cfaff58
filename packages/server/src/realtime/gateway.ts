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
 * The upgrade and its refusals are in upgrade.ts, step 2 (`ready`, replay, registration) in
 * admission.ts, the per-publish delivery in fanout.ts.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Broker } from '../broker/broker.js';
import { HttpError } from '../http/http-error.js';
import type { RealtimeOptions } from '../options.js';
import type { PresenceDirectory } from '../presence/presence-directory.js';
import type { ConversationService } from '../services/conversations.js';
import type { ParticipantService } from '../services/participants.js';
import type { PresenceView } from '../services/presence.js';
import type { SendMessage } from '../services/send-message.js';
import type { Store } from '../store/store.js';
import { createAccountCloser } from './account-closer.js';
import { createActions } from './actions.js';
import { createAdmission } from './admission.js';
import { CloseCode } from './close-codes.js';
import { type Connection, type ConnectionHandlers, createConnectionProtocol } from './connection.js';
import { createEventLogs } from './event-log.js';
import {
  type ConnectionRegistry,
  createConnectionRegistry,
  createFanout,
  createSender,
  type Sender,
} from './fanout.js';
import type { OutgoingFrame } from './frame-writer.js';
import { encodeFrame, errorFrame } from './frames.js';
import { startHeartbeat } from './heartbeat.js';
import { createPresenceAnnouncer } from './presence-announcer.js';
import { createPresenceSnapshot } from './presence-snapshot.js';
import { createPresenceTracker } from './presence-tracker.js';
import { createTypingTracker } from './typing.js';
import { createUpgradeHandler, realtimePath } from './upgrade.js';

export { realtimePath } from './upgrade.js';

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
  /** Verifies an access token: the user id, or throws `Unauthenticated`. */
  authenticate: (token: string) => Promise<string>;
  /** Told on every process when an account is deleted (before its sockets here close with 4410). */
  onAccountDeleted?: ((userId: string) => void) | undefined;
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

/**
 * Events for this process were lost (a Redis reader trimmed past): every socket here may have
 * missed some, so all of them refetch. Registered ones only: a connection still being admitted
 * (broker-resume.ts) checks that its replay is complete itself, and a `resync` before its `ready`
 * would void that replay.
 */
function resyncRegistered(sockets: Iterable<Connection>, registry: ConnectionRegistry, sender: Sender): void {
  const resync = encodeFrame({ type: 'resync' });
  for (const connection of sockets)
    if (connection.userId !== null && registry.of(connection.userId)?.includes(connection))
      sender.send(connection, resync);
}

/** Closes every socket with 1001, terminating those that do not close within `closeTimeoutMs`. */
async function closeAll(sockets: Iterable<Connection>, closeTimeoutMs: number): Promise<void> {
  await Promise.all(
    [...sockets].map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(CloseCode.goingAway, 'server shutting down: reconnect and resume');
          setTimeout(() => socket.terminate(), closeTimeoutMs).unref();
        }),
    ),
  );
}

/** Who is online: this process's users, told to the directory, changes announced to conversations. */
function trackPresence(deps: RealtimeGatewayDeps) {
  const { options, log } = deps;
  return createPresenceTracker({
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
}

/**
 * Creates the gateway; it subscribes to the broker at once (so that presence and logs are live)
 * and serves sockets once `register(app)` is called.
 *
 * @example
 * ```ts
 * const realtime = createRealtimeGateway({ options: options.realtime, frameBytes, corsOrigins, store, broker,
 *   presence: createMemoryPresence(), authenticate: (token) => accessTokens.verify(token), conversations, participants, sendMessage, log: app.log });
 * const users = createUserService({ store, broker, presence: realtime.presence });
 * realtime.register(app);
 * ```
 */
export function createRealtimeGateway(deps: RealtimeGatewayDeps): RealtimeGateway {
  const { options, log } = deps;
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
  const presence = trackPresence(deps);
  const typing = createTypingTracker({
    ttlMs: options.typingTtlMs,
    broker: deps.broker,
    onError: (error) => log.warn({ err: error }, 'typing expiry failed'),
  });
  const actions = createActions({ ...deps, typing });
  const unsubscribeFanout = deps.broker.subscribe(createFanout({ registry, logs, sender }));
  // After the fanout: the `account.deleted` event is written before the close frame.
  const unsubscribeClosing = deps.broker.subscribe(
    createAccountCloser({
      registry,
      closeTimeoutMs: options.closeTimeoutMs,
      onAccountDeleted: deps.onAccountDeleted,
    }),
  );
  const unsubscribe = () => {
    unsubscribeFanout();
    unsubscribeClosing();
  };
  // A broker gap: every buffer is incomplete, and every socket refetches.
  const unsubscribeGaps =
    deps.broker.subscribeGaps?.(() => {
      logs.invalidate();
      resyncRegistered(sockets, registry, sender);
    }) ?? (() => undefined);
  const stopHeartbeat = startHeartbeat(() => sockets, options.heartbeatMs);
  let closing = false;
  const isClosing = () => closing;

  const snapshotOf = createPresenceSnapshot({
    store: deps.store,
    presence,
    max: options.readyPresenceMax,
    log,
  });
  /**
   * Each connection's `ready.presence`, from its snapshot until it is admitted, and no longer:
   * kept for the socket's life, up to `readyPresenceMax` ids each were most of an idle socket's heap.
   */
  const snapshots = new WeakMap<Connection, string[]>();
  const admit = createAdmission({
    logs,
    registry,
    presence,
    broker: deps.broker,
    limits,
    frameBytes: deps.frameBytes,
    closing: isClosing,
    log,
    presenceOf: (connection) => snapshots.get(connection) ?? [],
  });

  const handlers: ConnectionHandlers = {
    authenticate: deps.authenticate,
    act: actions.act,
    send: sender.send,
    // The snapshot is read first (asynchronously), then the admit runs as it always does: a
    // presence change in between reaches the socket neither way (a known, short window).
    async admit(connection, resumeFrom) {
      snapshots.set(connection, await snapshotOf(connection.userId as string));
      try {
        if (connection.socket.readyState !== connection.socket.OPEN || closing) return;
        await admit(connection, resumeFrom);
      } finally {
        snapshots.delete(connection);
      }
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

  const protocol = createConnectionProtocol(options, handlers);
  const onUpgrade = createUpgradeHandler({
    frameBytes: deps.frameBytes,
    allowedOrigins: options.allowedOrigins ?? deps.corsOrigins,
    closing: isClosing,
    available: () => deps.broker.available?.() !== false,
    accept: (ws) => sockets.add(protocol.accept(ws)),
  });

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    stopHeartbeat();
    unsubscribe();
    unsubscribeGaps();
    presence.close();
    typing.close();
    await closeAll(sockets, options.closeTimeoutMs);
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
