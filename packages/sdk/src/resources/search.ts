/**
 * `client.search`: find messages in my conversations.
 */

import { PagePromise } from '../client/pagination.js';
import type { RequestOptions, Transport } from '../client/transport.js';
import type { SearchHit } from '../contracts/search.js';

/** What {@link SearchResource.messages} takes besides the words. */
export interface SearchMessagesOptions extends RequestOptions {
  /** Only this conversation (`NotFoundError` if I am not in it). */
  conversationId?: string;
  /** Hits per page, 1–50 (default 20). */
  limit?: number;
  /** A page's `nextCursor`, to continue (done for you by `getNextPage()` and `for await`). */
  cursor?: string;
}

/**
 * Message search over the conversations I take part in now.
 *
 * @example
 * ```ts
 * const page = await client.search.messages('cafe hel', { limit: 10 });
 * for (const { message, highlights } of page.items) {
 *   console.log(message.content, highlights); // [{ start: 0, end: 4 }, …] into message.content
 * }
 * for await (const hit of client.search.messages('invoice')) console.log(hit.conversationId);
 * ```
 */
export interface SearchResource {
  /**
   * Messages containing every word of `q` (the last may be the start of one; case and diacritics
   * do not matter), best match first, as a page that is also `for await`-able over every hit.
   * Throws `ValidationError` for a `q` without letters or digits, `RateLimitError` past the
   * server's search budget.
   */
  messages(q: string, options?: SearchMessagesOptions): PagePromise<SearchHit>;
}

/** Creates `client.search` over a transport. */
export function createSearchResource(transport: Transport): SearchResource {
  return {
    messages: (q, { conversationId, limit, cursor, ...options } = {}) =>
      new PagePromise((next) =>
        transport.request('searchMessages', {
          ...options,
          query: { q, conversationId, limit, cursor: next ?? cursor },
        }),
      ),
  };
}
