/**
 * Tells the people who share a conversation with a user that the user came online or went
 * offline. Announcements for one user are chained, so an `online` and the `offline` right after
 * it can never be published in the wrong order while their peer lookups run.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Broker } from '../broker/broker.js';
import type { ConversationListAfter, Store } from '../store/store.js';

const pageSize = 100;

/**
 * Everyone who shares at least one conversation of at most `maxConversationSize` people with
 * `userId`, `userId` excluded.
 */
export async function peersOf(store: Store, userId: string, maxConversationSize: number): Promise<string[]> {
  const peers = new Set<string>();
  let after: ConversationListAfter | undefined;
  for (;;) {
    const page = await store.listConversationsForUser(userId, pageSize, after);
    for (const conversation of page) {
      if (conversation.participants.length > maxConversationSize) continue;
      for (const participant of conversation.participants) peers.add(participant.userId);
    }
    const last = page.at(-1);
    if (page.length < pageSize || !last) break;
    after = { lastActivityAt: last.lastActivityAt, id: last.id };
  }
  peers.delete(userId);
  return [...peers];
}

export function createPresenceAnnouncer(deps: {
  store: Store;
  broker: Broker;
  log: FastifyBaseLogger;
  maxConversationSize: number;
}) {
  const chains = new Map<string, Promise<void>>();

  async function announce(userId: string, online: boolean): Promise<void> {
    const recipients = await peersOf(deps.store, userId, deps.maxConversationSize);
    if (recipients.length > 0)
      await deps.broker.publish({ recipients, event: { type: 'presence', userId, online } });
  }

  return (userId: string, online: boolean): void => {
    const next = (chains.get(userId) ?? Promise.resolve())
      .then(() => announce(userId, online))
      .catch((error: unknown) => deps.log.warn({ err: error, userId }, 'presence announcement failed'))
      .finally(() => {
        if (chains.get(userId) === next) chains.delete(userId);
      });
    chains.set(userId, next);
  };
}
