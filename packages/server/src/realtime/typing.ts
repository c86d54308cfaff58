/**
 * Typing indicators. A `start` is published to the conversation's other participants with an
 * `expiresAt`, and lasts `ttlMs`: if no `stop` (or fresh `start`) comes by then, the server
 * publishes the `stop` itself, so an indicator never sticks when a client vanishes mid-sentence.
 * Receivers can also drop a `start` past its `expiresAt` on their own.
 */
import type { Broker } from '../broker/broker.js';
import type { Membership } from '../store/store.js';

interface Typist {
  timer: NodeJS.Timeout;
  recipients: string[];
}

export interface TypingTracker {
  /** `conversation` is the typist's membership: its ids are who hears of it. */
  start(userId: string, conversation: Pick<Membership, 'id' | 'participantIds'>): Promise<void>;
  /** Publishes `stop` if the user was typing there; a `stop` for nothing is ignored. */
  stop(userId: string, conversationId: string): Promise<void>;
  close(): void;
}

const keyOf = (userId: string, conversationId: string) => `${conversationId}\u0000${userId}`;

export function createTypingTracker(options: {
  ttlMs: number;
  broker: Broker;
  now?: () => number;
  onError?: (error: unknown) => void;
}): TypingTracker {
  const now = options.now ?? Date.now;
  const typists = new Map<string, Typist>();

  async function stop(userId: string, conversationId: string): Promise<void> {
    const key = keyOf(userId, conversationId);
    const typist = typists.get(key);
    if (!typist) return;
    clearTimeout(typist.timer);
    typists.delete(key);
    await options.broker.publish({
      recipients: typist.recipients,
      event: { type: 'typing', conversationId, userId, state: 'stop' },
    });
  }

  return {
    async start(userId, conversation) {
      const key = keyOf(userId, conversation.id);
      const recipients = conversation.participantIds.filter((id) => id !== userId);
      clearTimeout(typists.get(key)?.timer);
      const timer = setTimeout(() => {
        stop(userId, conversation.id).catch((error: unknown) => options.onError?.(error));
      }, options.ttlMs);
      timer.unref();
      typists.set(key, { timer, recipients });
      const expiresAt = new Date(now() + options.ttlMs).toISOString();
      await options.broker.publish({
        recipients,
        event: { type: 'typing', conversationId: conversation.id, userId, state: 'start', expiresAt },
      });
    },
    stop,
    close() {
      for (const typist of typists.values()) clearTimeout(typist.timer);
      typists.clear();
    },
  };
}
