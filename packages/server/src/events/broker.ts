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
