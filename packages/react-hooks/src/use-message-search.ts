/**
 * Finding messages in my conversations, as I type.
 */
import type { CursorPage, LoadStatus, SearchHit } from '@chatwire/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useChatStore } from './provider.js';

/** Options of {@link useMessageSearch}. */
export interface UseMessageSearchOptions {
  /** Wait this long after the last change of `query` before searching, ms. Default `250`. */
  debounceMs?: number;
  /** Hits per page (1–50). Default `20`. */
  limit?: number;
  /** Only this conversation. */
  conversationId?: string;
}

/** What {@link useMessageSearch} returns. */
export interface UseMessageSearchResult {
  /** The hits so far, best first (the previous query's while the new one loads, so the list does not flash). */
  hits: readonly SearchHit[];
  /** `idle` while `query` has no letter or digit (nothing is asked). */
  status: LoadStatus;
  error: Error | null;
  hasMore: boolean;
  /** Appends the next page of hits. */
  loadMore(): Promise<void>;
}

interface Search {
  key: string;
  hits: readonly SearchHit[];
  page: CursorPage<SearchHit> | null;
  error: Error | null;
}

/** Whether the server would search for `query` at all (it refuses one without letters or digits). */
const searchable = (query: string | null): query is string => query !== null && /[\p{L}\p{N}]/u.test(query);

/**
 * Messages of my conversations matching `query` (every word; the last may be unfinished), best
 * first, each with the spans to highlight. Debounced; a newer query cancels the request of the
 * one before, so a slow answer never replaces a newer one.
 *
 * @example
 * ```tsx
 * function Search({ open }: { open: (conversationId: string) => void }) {
 *   const [query, setQuery] = useState('');
 *   const { hits } = useMessageSearch(query);
 *   return (
 *     <>
 *       <input value={query} onChange={(e) => setQuery(e.target.value)} />
 *       {hits.map((hit) => (
 *         <button key={hit.message.id} onClick={() => open(hit.conversationId)}>{hit.message.content}</button>
 *       ))}
 *     </>
 *   );
 * }
 * ```
 */
export function useMessageSearch(
  query: string | null,
  options: UseMessageSearchOptions = {},
): UseMessageSearchResult {
  const store = useChatStore();
  const { debounceMs = 250, limit = 20, conversationId } = options;
  const key = `${conversationId ?? ''}\n${limit}\n${query ?? ''}`;
  const [search, setSearch] = useState<Search | null>(null);

  useEffect(() => {
    if (!searchable(query)) return;
    const aborter = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const page = await store.client.search.messages(query, {
          limit,
          signal: aborter.signal,
          ...(conversationId !== undefined && { conversationId }),
        });
        if (!aborter.signal.aborted) setSearch({ key, hits: page.items, page, error: null });
      } catch (error) {
        if (!aborter.signal.aborted) setSearch({ key, hits: [], page: null, error: error as Error });
      }
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      aborter.abort();
    };
  }, [store, key, query, debounceMs, limit, conversationId]);

  const loadMore = useCallback(async () => {
    const page = search?.page;
    if (!search || !page?.hasNextPage()) return;
    const next = await page.getNextPage();
    setSearch((now) =>
      now === search ? { ...search, hits: [...search.hits, ...next.items], page: next } : now,
    );
  }, [search]);

  const settled = search !== null && search.key === key;
  return {
    hits: searchable(query) ? (search?.hits ?? []) : [],
    status: !searchable(query) ? 'idle' : !settled ? 'loading' : search.error ? 'error' : 'ready',
    error: settled ? search.error : null,
    hasMore: searchable(query) && (search?.page?.hasNextPage() ?? false),
    loadMore,
  };
}
