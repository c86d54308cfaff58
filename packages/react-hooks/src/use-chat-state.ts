/**
 * Reads a part of the store's state and re-renders when, and only when, that part changes.
 */
import type { ChatState } from '@chatwire/sdk';
import { useSyncExternalStore } from 'react';
import { useChatStore } from './provider.js';

/**
 * The value `select` picks from the state. `select` must return a part of the state as it is
 * (a slice, a record entry), not a new object: a new object each call would re-render forever.
 *
 * @example
 * ```tsx
 * const typing = useChatState((state) => state.typing[conversationId]);
 * ```
 */
export function useChatState<T>(select: (state: ChatState) => T): T {
  const store = useChatStore();
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    // Server render and hydration: the state before anything loaded.
    () => select(store.initialState),
  );
}
