/**
 * `client.users`: find people to talk to.
 */

import { PagePromise } from '../client/pagination.js';
import type { RequestOptions, Transport } from '../client/transport.js';
import type { PublicUser } from '../contracts/resources.js';
import type { RouteQuery } from '../contracts/route.js';
import type { routes } from '../contracts/routes.js';

/**
 * Other users, as anyone may see them (never their email).
 *
 * @example
 * ```ts
 * const page = await client.users.search({ q: 'ada', limit: 10 });
 * const ada = page.items[0];
 * const [bob, cy] = await client.users.get([bobId, cyId]); // e.g. a conversation's participants
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
  };
}
