/**
 * `auth { resumeFrom }` on a process whose own buffer does not cover that position — the client
 * was connected to another process, or this process's buffer for it was opened later — replayed
 * from a shared broker's stream (`Broker.replay`), where every process's seqs are positions.
 *
 * Why the order below gives no gap and no duplicate:
 * 1. The user's buffer is opened first: from then on every event this process reads for the user
 *    is recorded there, above the head as of now.
 * 2. A position above this process's head: ask the broker where the shared stream is
 *    (`Broker.head`: its last entry, and its clock as a position).
 *    - Above both → no process handed it out (made up, or from a lost Redis): `resync`.
 *    - Else wait (≤ 1 s) for the head here to reach `min(resumeFrom, last)`: the entries up to
 *      there that the client may already have and this process has not read yet (its reader is
 *      behind); delivering them later would duplicate them. Not reached in time → `resync`.
 *    - Still above the head after that: this process has read every entry that existed, and any
 *      entry appended since is above `now` ≥ `resumeFrom`. Nothing lies between the head and
 *      `resumeFrom`: the client is caught up (typically it got `ready` on a process started later,
 *      whose seed — Redis `TIME` — is above every entry). It gets the buffer's entries above
 *      `resumeFrom` (none, or ones published meanwhile) and `ready { seq: head }`, below its
 *      position: the SDK keeps its own position on a resumed socket (seq-tracker.ts), and the
 *      next event here is above `now`, so above `resumeFrom`.
 *    Without `Broker.head`, wait for the head to reach `resumeFrom` itself (never → `resync`).
 * 3. `upTo` = the head. The broker replays the user's events in `(resumeFrom, upTo]`, the buffer
 *    holds everything above `upTo`; if the buffer itself already covers `resumeFrom` (opened
 *    before the head passed it), the broker is not asked.
 * 4. In one synchronous block: the buffer's part is taken, then `ready { seq: head }`, the
 *    broker's events, the buffer's events, and the connection is registered — the next event
 *    published is live. (The buffer's part is taken there, not before the last `await`: an event
 *    delivered in between would be in neither the replay nor the live fan-out.)
 * Anything not exact (the stream was trimmed past `resumeFrom`, limits, a broker error, the buffer
 * evicted events during the wait) → `resync`, then `ready`, as on a single process.
 */
import { WebSocket } from 'ws';
import type { Broker, ReplayedEvent, ReplayLimits } from '../broker/broker.js';
import type { Connection } from './connection.js';
import type { EventLogs, ReplayResult } from './event-log.js';
import type { ConnectionRegistry } from './fanout.js';
import type { OutgoingFrame } from './frame-writer.js';

/** How long a resume waits for this process to read up to the client's position, ms. */
const catchUpMs = 1000;

export interface BrokerResumeDeps {
  logs: EventLogs<OutgoingFrame>;
  replay: NonNullable<Broker['replay']>;
  /** The broker's `head`, if it has one: without it, a position above the head here must be reached. */
  head?: NonNullable<Broker['head']>;
  /** The gateway's own replay limits, so a resume here follows the same rules as on the same process. */
  limits: ReplayLimits;
  registry: ConnectionRegistry;
  /**
   * The gateway's admit, the same as for a resume from its own buffer, synchronous: `resync`
   * unless `replay` is ok, `ready { seq: head }`, then `fromBroker`'s events and `replay`'s
   * entries, and the connection registered (registry and presence).
   */
  admit(
    connection: Connection,
    replay: ReplayResult<OutgoingFrame>,
    fromBroker?: readonly ReplayedEvent[],
  ): void;
  /** Whether the gateway is shutting down (then nothing is sent). */
  closing(): boolean;
  /** A broker call failed: reported, and the client resyncs. */
  onError(error: unknown): void;
}

/** The broker's part of a replay, and the position above which the buffer has the rest. */
type Missed = { fromBroker: ReplayedEvent[]; bufferAbove: number };

/**
 * For a `resumeFrom` above the head here: the position this process must read up to before it
 * can answer, or `null` when no process handed `resumeFrom` out (→ `resync`). See step 2 above.
 */
async function mustReach(deps: BrokerResumeDeps, resumeFrom: number): Promise<number | null> {
  if (!deps.head) return resumeFrom;
  let stream: Awaited<ReturnType<typeof deps.head>>;
  try {
    stream = await deps.head();
  } catch (error) {
    deps.onError(error);
    return null;
  }
  // `last` may be above `now` (entries appended in the same millisecond, or Redis's clock stepped back).
  if (resumeFrom > Math.max(stream.now, stream.last)) return null;
  return Math.min(resumeFrom, stream.last);
}

/** What the client missed, or `null` when it must resync. */
async function missedEvents(
  deps: BrokerResumeDeps,
  userId: string,
  resumeFrom: number,
): Promise<Missed | null> {
  const { logs } = deps;
  const log = logs.open(userId);
  if (resumeFrom > logs.head) {
    const target = await mustReach(deps, resumeFrom);
    if (target === null || !(await logs.whenHeadReaches(target, catchUpMs))) return null;
    // Caught up: nothing between the head and `resumeFrom` exists (step 2).
    if (resumeFrom > logs.head) return { fromBroker: [], bufferAbove: resumeFrom };
  }
  if (logs.covers(log, resumeFrom)) return { fromBroker: [], bufferAbove: resumeFrom };
  const upTo = logs.head;
  let fromBroker: ReplayedEvent[] | null;
  try {
    fromBroker = await deps.replay(userId, resumeFrom, upTo, deps.limits);
  } catch (error) {
    deps.onError(error);
    return null;
  }
  return fromBroker ? { fromBroker, bufferAbove: upTo } : null;
}

/**
 * Admits `connection` (authenticated, not yet registered) resuming from `resumeFrom`; resolves
 * once it is registered, or once it turned out to be closed.
 *
 * @example
 * ```ts
 * if (!local.ok && broker.replay)
 *   return resumeFromBroker({ logs, replay: broker.replay, limits, registry, admit, closing, onError },
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
  // From here to the end of `admit`, synchronous (step 4). `open` again: it cancels a drop
  // scheduled while waiting (another socket of the user closed); a buffer dropped meanwhile comes
  // back covered from the head only, which `replayAbove` accepts only if it covers `bufferAbove`.
  const log = deps.logs.open(userId);
  const fromBuffer: ReplayResult<OutgoingFrame> = missed
    ? deps.logs.replayAbove(log, missed.bufferAbove)
    : { ok: false };
  deps.admit(connection, fromBuffer, missed?.fromBroker);
}
