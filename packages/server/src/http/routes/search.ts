/**
 * `GET /v1/search/messages`: HTTP to the search use case and back, after the search's own
 * per-user rate limit (each search walks an index: cheaper budgets than a plain read).
 */
import type { SearchService } from '../../services/search.js';
import type { RouteHandlers } from '../handler.js';
import type { RateCheck } from '../rate-limit.js';

type SearchHandlers = Pick<RouteHandlers, 'searchMessages'>;

export function searchHandlers(search: SearchService, limitSearches: RateCheck): SearchHandlers {
  return {
    searchMessages: async ({ query }, { userId, request }) => {
      await limitSearches(request, userId);
      return { status: 200, body: await search.messages(userId, query) };
    },
  };
}
