/**
 * The `ready` frame's `presence`: who among the people sharing a conversation with the user is
 * online right now, so a client draws the right dots at once instead of waiting for changes.
 * Across processes it asks the presence directory (Redis: one round trip), like search does.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PresenceView } from '../services/presence.js';
import type { Store } from '../store/store.js';

export interface PresenceSnapshotDeps {
  store: Pick<Store, 'listContactIds'>;
  presence: PresenceView;
  /** Most ids in a snapshot (`realtime.readyPresenceMax`). */
  max: number;
  log: FastifyBaseLogger;
}

/**
 * Up to `max` of `userId`'s contacts who are online. A failure answers `[]` (logged): the socket
 * is still admitted, and `presence` events correct the picture as people come and go.
 *
 * @example
 * ```ts
 * const snapshot = createPresenceSnapshot({ store, presence, max: 500, log });
 * const online = await snapshot(userId); // ['…', '…']
 * ```
 */
export function createPresenceSnapshot(deps: PresenceSnapshotDeps): (userId: string) => Promise<string[]> {
  return async (userId) => {
    if (deps.max === 0) return [];
    try {
      const contacts = await deps.store.listContactIds(userId);
      if (contacts.length === 0) return [];
      const online = await deps.presence.onlineAmong(contacts);
      return contacts.filter((id) => online.has(id)).slice(0, deps.max);
    } catch (error) {
      deps.log.warn({ err: error, userId }, 'presence snapshot failed: ready carries none');
      return [];
    }
  };
}
