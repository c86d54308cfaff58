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
  /** The users with these ids, in this order (each once; unknown ones left out): one page. */
  async function lookUp(ids: readonly string[]): Promise<Page<PublicUser>> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
    const byId = new Map((await deps.store.getUsers(wanted)).map((user) => [user.id.toLowerCase(), user]));
    const found = wanted.flatMap((id) => {
      const user = byId.get(id);
      return user ? [user] : [];
    });
    const online = await deps.presence.onlineAmong(found.map((user) => user.id));
    return { items: found.map((user) => toPublicUser(user, online.has(user.id))), nextCursor: null };
  }

  return {
    async search(query: {
      q?: string;
      ids?: string;
      limit: number;
      cursor?: string;
    }): Promise<Page<PublicUser>> {
      if (query.ids !== undefined) return lookUp(query.ids.split(','));
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
