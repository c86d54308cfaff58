/**
 * The fan-out seam. Services publish an event *after* its write succeeded, addressed to the users
 * who may see it; the real-time gateway subscribes and delivers to their sockets. In-process by
 * default; a shared broker (Redis) connects several server processes through the same interface.
 */
import type { RealtimeEvent } from '@chatwire/sdk/contracts';

export interface BrokerMessage {
  /** The user ids the event is for: participants of the conversation it concerns. */
  recipients: readonly string[];
  event: RealtimeEvent;
}

/**
 * Receives every published message, in the broker's order. `position` is the message's place in
 * a stream shared by every process (increasing): brokers that connect processes pass it so that
 * every process stamps the same `seq` on the same event; the in-process broker passes nothing and
 * the gateway numbers the events itself.
 */
export type BrokerListener = (message: BrokerMessage, position?: number) => void;

/** One event of a {@link Broker.replay}: what the listeners got, at the position they got it. */
export interface ReplayedEvent {
  position: number;
  event: RealtimeEvent;
}

/** The same limits a process's own replay buffers keep (`realtime.replayEvents`, `replayMaxAgeMs`). */
export interface ReplayLimits {
  /** More events than this for the user: `null` (a buffer here would have evicted some). */
  maxEvents: number;
  /** One of the user's events older than this, ms: `null` (it would no longer be replayable here). */
  maxAgeMs: number;
}

/** The shared stream as of one instant: see {@link Broker.head}. */
export interface StreamHead {
  /** The position of the newest entry (0 when the stream is empty). */
  last: number;
  /**
   * The broker's clock as a position, chosen on the boundary: at or above every seed a process
   * could have taken before (`position()` at its start), and below every entry appended after.
   */
  now: number;
}

export interface Broker {
  /** `memory`, `redis`, …: reported by `/health`. */
  readonly kind: string;
  publish(message: BrokerMessage): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: BrokerListener): () => void;
  /**
   * Optional (a broker that can lose messages for this process): `listener` is called when
   * messages published for this process were lost before it read them (a reader whose last id
   * was trimmed away), before the first message after the gap. The gateway then tells every
   * socket here to `resync`. The in-process broker never loses anything and has none.
   * Returns the unsubscribe function.
   */
  subscribeGaps?(listener: () => void): () => void;
  /**
   * Optional: the position the next delivered message is above (the last one read, or the
   * shared stream's start), so that the gateway's seqs start there rather than at its own clock:
   * processes whose clocks differ then stamp the same seq from the first event. `undefined` when
   * the broker has none.
   */
  position?(): number | undefined;
  /**
   * Optional (a broker whose stream outlives this process's buffers): the events addressed to
   * `userId` with `after < position <= upTo`, oldest first, at the positions listeners were given,
   * so that a client resuming on a process that has no buffer for it gets exactly what it missed.
   * `null` when that cannot be answered exactly — the stream no longer holds everything after
   * `after`, one of the user's events is older than `limits.maxAgeMs`, there are more than
   * `limits.maxEvents` of them, or the scan would be too long: the client must `resync`.
   * The in-process broker has none (its process's buffers are all there is).
   */
  replay?(userId: string, after: number, upTo: number, limits: ReplayLimits): Promise<ReplayedEvent[] | null>;
  /**
   * Optional (a broker with a shared stream): where that stream is now, so that a process whose
   * head is below a resuming client's position can tell a client that is simply caught up (it
   * got `ready` on a process started later, whose seed is above every entry) from one that is
   * ahead of what this process has read, or that holds a position nobody handed out.
   * The in-process broker has none.
   */
  head?(): Promise<StreamHead>;
  /**
   * Optional (a broker that can be down while this process is up): whether a write made now
   * would have its event published. Synchronous and cheap — it is asked before every write:
   * `false` makes writes answer 503 `unavailable` (WebSocket: `error { code: 'unavailable' }`)
   * before their transaction, and new sockets close with 1013. Absent = always available.
   */
  available?(): boolean;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Delivers to the listeners of this process only, synchronously, in publish order. */
export function createMemoryBroker(): Broker {
  const listeners = new Set<BrokerListener>();
  return {
    kind: 'memory',
    async publish(message) {
      for (const listener of listeners) listener(message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async ping() {
      return true;
    },
    async close() {
      listeners.clear();
    },
  };
}
