/**
 * People: finding someone to talk to, and changing one's own profile (heard of by everyone who
 * shares a conversation, as `user.updated`).
 */
import type { Page, PublicUser, UpdateProfileInput, User } from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';
import type { Broker } from '../broker/broker.js';
import type { Store, UserPatch } from '../store/store.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Unauthenticated } from './errors.js';
import type { PresenceView } from './presence.js';
import { toPublicUser, toUser } from './views.js';

const SearchCursor = z.object({ n: z.string(), i: z.string() });

export interface UserServiceDeps {
  store: Store;
  broker: Broker;
  presence: PresenceView;
}

/** The store's patch for a profile change: a status of only spaces (trimmed to `''`) is no status. */
function profilePatch(input: UpdateProfileInput): UserPatch {
  const patch: UserPatch = {};
  if (input.displayName !== undefined) patch.displayName = input.displayName;
  if (input.avatarUrl !== undefined) patch.avatarUrl = input.avatarUrl;
  if (input.statusText !== undefined) patch.statusText = input.statusText === '' ? null : input.statusText;
  return patch;
}

export function createUserService(deps: UserServiceDeps) {
  const { store, broker, presence } = deps;

  /** The users with these ids, in this order (each once; unknown ones left out): one page. */
  async function lookUp(ids: readonly string[]): Promise<Page<PublicUser>> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
    const byId = new Map((await store.getUsers(wanted)).map((user) => [user.id.toLowerCase(), user]));
    const found = wanted.flatMap((id) => {
      const user = byId.get(id);
      return user ? [user] : [];
    });
    const online = await presence.onlineAmong(found.map((user) => user.id));
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
      const rows = await store.searchUsers(
        query.q ?? '',
        query.limit + 1,
        after ? { nameKey: after.n, id: after.i } : undefined,
      );
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      const online = await presence.onlineAmong(items.map((user) => user.id));
      return {
        items: items.map((user) => toPublicUser(user, online.has(user.id))),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor({ n: last.displayName.toLowerCase(), i: last.id })
            : null,
      };
    },

    /**
     * Changes `userId`'s profile and, when the input named a field, tells everyone who shares a
     * conversation with them — and their own other sockets, so a second tab shows it too.
     *
     * @example
     * ```ts
     * const me = await users.updateMe(userId, { statusText: 'In Lisbon until Friday', avatarUrl: null });
     * ```
     */
    async updateMe(userId: string, input: UpdateProfileInput): Promise<User> {
      const patch = profilePatch(input);
      const updated = await store.updateUser(userId, patch);
      if (!updated) throw new Unauthenticated('This account no longer exists', 'unauthorized');
      if (Object.keys(patch).length > 0) {
        const [contacts, online] = await Promise.all([
          store.listContactIds(userId),
          presence.onlineAmong([userId]),
        ]);
        await broker.publish({
          recipients: [userId, ...contacts],
          event: { type: 'user.updated', user: toPublicUser(updated, online.has(userId)) },
        });
      }
      return toUser(updated);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
