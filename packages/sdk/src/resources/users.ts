/**
 * `client.users`: find people to talk to; change my profile and my password.
 */

import { PagePromise } from '../client/pagination.js';
import type { RequestOptions, Transport } from '../client/transport.js';
import type { PublicUser, Tokens, User } from '../contracts/resources.js';
import type { RouteBodyInput, RouteQuery } from '../contracts/route.js';
import type { routes } from '../contracts/routes.js';

/**
 * Other users, as anyone may see them (never their email), and my own profile.
 *
 * @example
 * ```ts
 * const page = await client.users.search({ q: 'ada', limit: 10 });
 * const ada = page.items[0];
 * const [bob, cy] = await client.users.get([bobId, cyId]); // e.g. a conversation's participants
 * await client.users.updateMe({ statusText: 'In Lisbon until Friday', avatarUrl: null });
 * await client.users.changePassword({ currentPassword: 'S3cure!pass', newPassword: 'N3w-S3cure!pass' });
 * ```
 */
export interface UsersResource {
  /** Users whose display name matches `q`, a page at a time (`for await` walks every page). */
  search(
    query?: Partial<RouteQuery<typeof routes.searchUsers>>,
    options?: RequestOptions,
  ): PagePromise<PublicUser>;
  /**
   * The users with these ids, in this order (each once); unknown ids are left out. Any number of
   * ids: they are asked for 100 a request, the requests at once.
   */
  get(ids: readonly string[], options?: RequestOptions): Promise<PublicUser[]>;
  /**
   * Changes my profile: a field left out stays as it is, `null` clears the avatar or the status.
   * Everyone who shares a conversation with me gets `user.updated`. Throws `ValidationError`
   * (an avatar that is not `https:`, a status over `limits.statusTextChars`, an empty name).
   */
  updateMe(patch: RouteBodyInput<typeof routes.updateMe>, options?: RequestOptions): Promise<User>;
  /**
   * Changes my password. The server revokes every refresh token of mine (other devices sign in
   * again once their access token expires) and answers new tokens, which this client stores and
   * goes on with (listeners hear `refreshed`). Throws `AuthenticationError` (`invalid_credentials`)
   * when `currentPassword` is wrong, `RateLimitError` after too many attempts.
   */
  changePassword(
    body: RouteBodyInput<typeof routes.changePassword>,
    options?: RequestOptions,
  ): Promise<Tokens>;
  /**
   * Deletes my account (`password` is my current one): every session ends, my assistant
   * conversations and uploads go, I leave every other conversation (my messages there stay, from
   * "Deleted user"). Then this client is signed out. Throws `AuthenticationError`
   * (`invalid_credentials`) for a wrong password.
   *
   * @example
   * ```ts
   * await client.users.deleteMe('S3cure!pass'); // listeners hear `signed-out`
   * ```
   */
  deleteMe(password: string, options?: RequestOptions): Promise<void>;
}

/** The most ids `GET /v1/users?ids=` takes. */
const maxIdsPerRequest = 100;

/** Creates `client.users` over a transport. */
export function createUsersResource(transport: Transport): UsersResource {
  return {
    search: (query, options) =>
      new PagePromise((cursor) =>
        transport.request('searchUsers', { ...options, query: { ...query, ...(cursor && { cursor }) } }),
      ),
    async get(ids, options) {
      const unique = [...new Set(ids)];
      const slices: string[][] = [];
      for (let i = 0; i < unique.length; i += maxIdsPerRequest)
        slices.push(unique.slice(i, i + maxIdsPerRequest));
      const pages = await Promise.all(
        slices.map((slice) =>
          transport.request('searchUsers', { ...options, query: { ids: slice.join(',') } }),
        ),
      );
      return pages.flatMap((page) => page.items);
    },
    updateMe: (patch, options) => transport.request('updateMe', { ...options, body: patch }),
    async changePassword(body, options) {
      const tokens = await transport.request('changePassword', { ...options, body });
      await transport.session.replaceTokens(tokens);
      return tokens;
    },
    deleteMe: (password, options) =>
      transport
        .request('deleteMe', { ...options, body: { password } })
        .then(() => transport.session.signOut('logout')),
  };
}
