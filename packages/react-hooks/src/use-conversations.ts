/**
 * The user's conversations, newest activity first, kept live by the WebSocket.
 */
import type { Conversation, CreateConversationInput, LoadStatus } from '@chatwire/sdk';
import { useCallback, useEffect, useMemo } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/** What {@link useConversations} returns. */
export interface UseConversationsResult {
  /** Newest activity first; each carries its `unreadCount` and `lastMessage`. */
  conversations: Conversation[];
  /** Of the first page. */
  status: LoadStatus;
  error: Error | null;
  /** The sum of the unread counts (of the loaded conversations). */
  unreadTotal: number;
  hasMore: boolean;
  loadingMore: boolean;
  /** Loads the next page. */
  loadMore(): Promise<void>;
  /** Loads the first page again. */
  refresh(): Promise<void>;
  /** Starts a conversation and puts it at the top. Rejects when the server refuses (e.g. `ValidationError`). */
  create(input: CreateConversationInput): Promise<Conversation>;
  /** Marks a conversation read: its badge goes at once. */
  markRead(conversationId: string): void;
}

/**
 * The paginated conversation list with unread counts. It loads once signed in and stays live:
 * new conversations, new messages (which reorder it) and renames arrive over the WebSocket.
 *
 * @example
 * ```tsx
 * function Inbox({ onOpen }: { onOpen: (id: string) => void }) {
 *   const { conversations, hasMore, loadMore, create } = useConversations();
 *   return (
 *     <ul>
 *       {conversations.map((c) => (
 *         <li key={c.id} onClick={() => onOpen(c.id)}>
 *           {c.title ?? 'Untitled'} {c.unreadCount > 0 && <b>{c.unreadCount}</b>}
 *         </li>
 *       ))}
 *       {hasMore && <button onClick={loadMore}>More</button>}
 *       <button onClick={() => create({ type: 'assistant' })}>New chat</button>
 *     </ul>
 *   );
 * }
 * ```
 */
export function useConversations(): UseConversationsResult {
  const store = useChatStore();
  const signedIn = useChatState((state) => state.auth.status === 'signed-in');
  const list = useChatState((state) => state.conversationList);
  const records = useChatState((state) => state.conversations);

  useEffect(() => {
    if (signedIn && list.status === 'idle') void store.loadConversations();
  }, [store, signedIn, list.status]);

  const conversations = useMemo(
    () => list.ids.flatMap((id) => (records[id] ? [records[id]] : [])),
    [list.ids, records],
  );
  return {
    conversations,
    status: list.status,
    error: list.error,
    unreadTotal: conversations.reduce((sum, c) => sum + c.unreadCount, 0),
    hasMore: list.hasMore,
    loadingMore: list.loadingMore,
    loadMore: useCallback(() => store.loadMoreConversations(), [store]),
    refresh: useCallback(() => store.loadConversations(), [store]),
    create: useCallback((input: CreateConversationInput) => store.createConversation(input), [store]),
    markRead: useCallback((id: string) => store.markRead(id), [store]),
  };
}
