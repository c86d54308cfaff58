/**
 * `auth { resumeFrom }` on a process whose own buffer does not cover that position — the client
 * was connected to another process, or this process's buffer for it was opened later — replayed
 * from a shared broker's stream (`Broker.replay`), where every process's seqs are positions.
 *
 * Why the order below gives no gap and no duplicate:
 * 1. The user's buffer is opened first: from then on every event this process reads for the user
 *    is recorded there, above the head as of now.
 * 2. If the client holds a position above this process's head (it came from a process that had
 *    read further), wait for the head to pass it; otherwise this process would later deliver events
 *    the client already has. Never reached in time (a made-up number) → `resync`.
 * 3. `upTo` = the head. The broker replays the user's events in `(resumeFrom, upTo]`, the buffer
 *    holds everything above `upTo`; if the buffer itself already covers `resumeFrom` (opened
 *    before the head passed it), the broker is not asked.
 * 4. In one synchronous block: `ready { seq: head }`, the broker's events, the buffer's events
 *    above `upTo`, then the connection is registered — the next event published is live.
 * Anything not exact (the stream was trimmed past `resumeFrom`, limits, a broker error, the buffer
 * evicted events during the wait) → `resync`, then `ready`, as on a single process.
 */
import { WebSocket } from 'ws';
import type { Broker, ReplayedEvent, ReplayLimits } from '../events/broker.js';
import type { Connection } from './connection.js';
import type { EventLogs, StreamEntry } from './event-log.js';
import type { ConnectionRegistry } from './fanout.js';
import { type OutgoingFrame, writeFrame } from './frame-writer.js';
import { encodeEventFrame, encodeFrame } from './frames.js';

/** How long a resume waits for this process to read up to the client's position, ms. */
export const catchUpMs = 1000;

export interface BrokerResumeDeps {
  logs: EventLogs<OutgoingFrame>;
  replay: NonNullable<Broker['replay']>;
  /** The gateway's own replay limits, so a resume here follows the same rules as on the same process. */
  limits: ReplayLimits;
  registry: ConnectionRegistry;
  /** Registers the admitted connection (registry and presence), as the synchronous path does. */
  register(connection: Connection & { userId: string }): void;
  /** Whether the gateway is shutting down (then nothing is sent). */
  closing(): boolean;
  /** A broker replay failed: reported, and the client resyncs. */
  onError(error: unknown): void;
}

type Missed = { fromBroker: ReplayedEvent[]; fromBuffer: StreamEntry<OutgoingFrame>[] };

/** What the client missed, or `null` when it must resync. */
async function missedEvents(
  deps: BrokerResumeDeps,
  userId: string,
  resumeFrom: number,
): Promise<Missed | null> {
  const { logs } = deps;
  const log = logs.open(userId);
  if (!(await logs.whenHeadReaches(resumeFrom, catchUpMs))) return null;
  const local = logs.replayFrom(log, resumeFrom);
  if (local.ok) return { fromBroker: [], fromBuffer: local.entries };
  const upTo = logs.head;
  let fromBroker: ReplayedEvent[] | null;
  try {
    fromBroker = await deps.replay(userId, resumeFrom, upTo, deps.limits);
  } catch (error) {
    deps.onError(error);
    return null;
  }
  if (!fromBroker) return null;
  // Still complete above `upTo`? (It evicts past its limits, and a broker gap empties it.)
  const rest = logs.replayFrom(log, upTo);
  return rest.ok ? { fromBroker, fromBuffer: rest.entries } : null;
}

/**
 * Admits `connection` (authenticated, not yet registered) resuming from `resumeFrom`; resolves
 * once it is registered, or once it turned out to be closed.
 *
 * @example
 * ```ts
 * if (!local.ok && broker.replay)
 *   return resumeFromBroker({ logs, replay: broker.replay, limits, registry, register, closing, onError },
 *     connection, resumeFrom);
 * ```
 */
export async function resumeFromBroker(
  deps: BrokerResumeDeps,
  connection: Connection,
  resumeFrom: number,
): Promise<void> {
  const userId = connection.userId as string;
  const missed = await missedEvents(deps, userId, resumeFrom);
  const { socket } = connection;
  if (socket.readyState !== WebSocket.OPEN || deps.closing()) {
    // Closed while waiting: `closed` skipped it (it was not registered), so the buffer opened for
    // it is dropped here unless another connection of the user uses it.
    if (!deps.closing() && !deps.registry.of(userId)) deps.logs.dropLater(userId);
    return;
  }
  if (!missed) socket.send(encodeFrame({ type: 'resync' }));
  socket.send(encodeFrame({ type: 'ready', userId, seq: deps.logs.head }));
  if (missed) {
    // Unchecked writes, as for a replay from the buffer: both parts are bounded by the replay
    // limits (`maxEvents`), and the live frames after them are checked as usual.
    for (const { position, event } of missed.fromBroker)
      writeFrame(socket, encodeEventFrame(position, event));
    for (const entry of missed.fromBuffer) writeFrame(socket, entry.frame);
  }
  deps.register(connection as Connection & { userId: string });
}
