/**
 * Admitting an authenticated connection: `ready`, the replay of what it missed (from this
 * process's buffer, or from a shared broker's stream: broker-resume.ts), and its registration,
 * so that the next event published reaches it live and everything before it was replayed.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Broker, ReplayedEvent, ReplayLimits } from '../broker/broker.js';
import { type BrokerResumeDeps, resumeFromBroker } from './broker-resume.js';
import type { Connection, ConnectionHandlers } from './connection.js';
import type { EventLogs, ReplayResult } from './event-log.js';
import type { ConnectionRegistry } from './fanout.js';
import { type OutgoingFrame, writeFrame } from './frame-writer.js';
import { encodeEventFrame, encodeFrame } from './frames.js';

export interface AdmissionDeps {
  logs: EventLogs<OutgoingFrame>;
  registry: ConnectionRegistry;
  /** Told of each user admitted (presence-tracker.ts). */
  presence: { connected(userId: string): void };
  broker: Broker;
  /** The replay limits, the same for a replay from the buffer and from a shared broker. */
  limits: ReplayLimits;
  /** `ready.maxFrameBytes`. */
  frameBytes: number;
  /** Whether the gateway is shutting down. */
  closing(): boolean;
  /** `ready.presence` of a connection: taken before it is admitted (see the gateway). */
  presenceOf(connection: Connection): string[];
  log: FastifyBaseLogger;
}

/**
 * The gateway's `admit` handler (see `ConnectionHandlers.admit`).
 *
 * @example
 * ```ts
 * const admit = createAdmission({ logs, registry, presence, broker, limits, frameBytes, closing, log });
 * const handlers: ConnectionHandlers = { admit, … };
 * ```
 */
export function createAdmission(deps: AdmissionDeps): ConnectionHandlers['admit'] {
  const { logs, registry } = deps;

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
    socket.send(
      encodeFrame({
        type: 'ready',
        userId,
        seq: logs.head,
        maxFrameBytes: deps.frameBytes,
        presence: deps.presenceOf(connection),
      }),
    );
    if (replay?.ok) {
      // Unchecked writes: a replay is bounded by the replay limits (and the buffer's part is memory
      // already spent, shared with the live fan-out); the live frames after it are checked against
      // maxBufferedBytes as usual.
      for (const { position, event } of fromBroker) writeFrame(socket, encodeEventFrame(position, event));
      for (const entry of replay.entries) writeFrame(socket, entry.frame);
    }
    registry.add(connection as Connection & { userId: string });
    deps.presence.connected(userId);
  }

  const { broker, log } = deps;
  const brokerResume: BrokerResumeDeps | undefined = broker.replay
    ? {
        logs,
        replay: broker.replay.bind(broker),
        ...(broker.head ? { head: broker.head.bind(broker) } : {}),
        limits: deps.limits,
        registry,
        admit: admitNow,
        closing: deps.closing,
        onError: (error) => log.warn({ err: error }, 'replay from the broker failed: the client resyncs'),
      }
    : undefined;

  return (connection, resumeFrom) => {
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
  };
}
