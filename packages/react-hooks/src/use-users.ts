/**
 * Finding people to talk to.
 */
import type { CursorPage, LoadStatus, PublicUser } from '@chatwire/sdk';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/** Options of {@link useUsers}. */
export interface UseUsersOptions {
  /** Wait this long after the last change of `query` before searching, ms. Default `250`. */
  debounceMs?: number;
  /** Results per page. Default `20`. */
  limit?: number;
}

/** What {@link useUsers} returns. */
export interface UseUsersResult {
  /** The matches so far (the previous query's while the new one loads, so the list does not flash). */
  users: readonly PublicUser[];
  status: LoadStatus;
  error: Error | null;
  hasMore: boolean;
  /** Appends the next page of matches. */
  loadMore(): Promise<void>;
}

interface Search {
  query: string;
  users: readonly PublicUser[];
  page: CursorPage<PublicUser> | null;
  error: Error | null;
}

/**
 * People whose display name matches `query` (`''` lists everyone; `null` searches nothing).
 * Found people feed {@link usePresence}; their profiles are live (a `user.updated` re-renders
 * the list with the new name, avatar or status).
 *
 * @example
 * ```tsx
 * function Picker({ onPick }: { onPick: (id: string) => void }) {
 *   const [query, setQuery] = useState('');
 *   const { users } = useUsers(query);
 *   return (
 *     <>
 *       <input value={query} onChange={(e) => setQuery(e.target.value)} />
 *       {users.map((u) => <button key={u.id} onClick={() => onPick(u.id)}>{u.displayName}</button>)}
 *     </>
 *   );
 * }
 * ```
 */
export function useUsers(query: string | null, options: UseUsersOptions = {}): UseUsersResult {
  const store = useChatStore();
  const { debounceMs = 250, limit = 20 } = options;
  const [search, setSearch] = useState<Search | null>(null);

  useEffect(() => {
    if (query === null) return;
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const page = await store.client.users.search({ q: query, limit });
        if (!current) return;
        store.rememberUsers(page.items);
        setSearch({ query, users: page.items, page, error: null });
      } catch (error) {
        if (current) setSearch({ query, users: [], page: null, error: error as Error });
      }
    }, debounceMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [store, query, debounceMs, limit]);

  const loadMore = useCallback(async () => {
    const page = search?.page;
    if (!search || !page?.hasNextPage()) return;
    const next = await page.getNextPage();
    store.rememberUsers(next.items);
    setSearch((now) =>
      now === search ? { ...search, users: [...search.users, ...next.items], page: next } : now,
    );
  }, [store, search]);

  // The store's copy of each person is the live one: `user.updated` replaces it there.
  const known = useChatState((state) => state.users);
  const found = search?.users;
  const users = useMemo(() => (found ?? []).map((user) => known[user.id] ?? user), [found, known]);

  const settled = search !== null && search.query === query;
  return {
    users,
    status: query === null ? 'idle' : !settled ? 'loading' : search.error ? 'error' : 'ready',
    error: settled ? search.error : null,
    hasMore: search?.page?.hasNextPage() ?? false,
    loadMore,
  };
}
