/**
 * One thread of a conversation: its replies (kept apart from the conversation's list), sending a
 * reply, older pages, and the thread's read marker.
 */
import { type ChatMessage, emptyMessageList, type ThreadSendOptions } from '@chatwire/sdk';
import { useCallback, useEffect } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/** What {@link useThread} returns. */
export interface UseThreadResult {
  /** The replies loaded, oldest first (live ones arrive by themselves). */
  replies: readonly ChatMessage[];
  /** The newest page is loading. */
  isLoading: boolean;
  hasOlder: boolean;
  /** Why the load or the last send failed. */
  error: Error | null;
  /** Sends a reply (shown once stored); `alsoInConversation` shows it in the main list too. Never rejects. */
  send(content: string, options?: ThreadSendOptions): Promise<void>;
  /** Loads the page before the oldest reply shown. */
  loadOlder(): Promise<void>;
  /** Marks the newest reply read (my thread read marker). */
  markRead(): void;
}

/**
 * The thread of `parentId` in `conversationId`: loaded on first use; `null` ids show nothing.
 *
 * @example
 * ```tsx
 * function Thread({ chatId, parentId }: { chatId: string; parentId: string }) {
 *   const { replies, send } = useThread(chatId, parentId);
 *   return (
 *     <>
 *       {replies.map((reply) => <p key={reply.key}>{reply.content}</p>)}
 *       <button onClick={() => send('Me too', { alsoInConversation: true })}>Reply</button>
 *     </>
 *   );
 * }
 * ```
 */
export function useThread(
  conversationId: string | null | undefined,
  parentId: string | null | undefined,
): UseThreadResult {
  const store = useChatStore();
  const list = useChatState((state) => (parentId ? state.threads[parentId] : undefined)) ?? emptyMessageList;

  useEffect(() => {
    if (conversationId && parentId) void store.loadThread(conversationId, parentId);
  }, [store, conversationId, parentId]);

  const send = useCallback(
    async (content: string, options?: ThreadSendOptions) => {
      if (conversationId && parentId) await store.sendReply(conversationId, parentId, content, options);
    },
    [store, conversationId, parentId],
  );
  const loadOlder = useCallback(async () => {
    if (parentId) await store.loadOlderReplies(parentId);
  }, [store, parentId]);
  const markRead = useCallback(() => {
    if (conversationId && parentId) store.markThreadRead(conversationId, parentId);
  }, [store, conversationId, parentId]);

  return {
    replies: list.items,
    isLoading: list.status === 'loading',
    hasOlder: list.hasOlder,
    error: list.error,
    send,
    loadOlder,
    markRead,
  };
}
