/**
 * Finding people to talk to.
 */
import type { Page, PublicUser } from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';
import type { Store } from '../store/store.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { PresenceView } from './presence.js';
import { toPublicUser } from './views.js';

const SearchCursor = z.object({ n: z.string(), i: z.string() });

export function createUserService(deps: { store: Store; presence: PresenceView }) {
  return {
    async search(query: { q?: string; limit: number; cursor?: string }): Promise<Page<PublicUser>> {
      const after = query.cursor ? decodeCursor(query.cursor, SearchCursor) : undefined;
      const rows = await deps.store.searchUsers(
        query.q ?? '',
        query.limit + 1,
        after ? { nameKey: after.n, id: after.i } : undefined,
      );
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      const online = await deps.presence.onlineAmong(items.map((user) => user.id));
      return {
        items: items.map((user) => toPublicUser(user, online.has(user.id))),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor({ n: last.displayName.toLowerCase(), i: last.id })
            : null,
      };
    },
  };
}
