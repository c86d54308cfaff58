/**
 * Read receipts: who has seen which message of a conversation ("Seen by Alice, Bob").
 */
import { emptyMessageList, type ReadReceipts, readReceipts } from '@chatwire/sdk';
import { useMemo } from 'react';
import { useChatState } from './use-chat-state.js';

/**
 * Who, other than you, has read up to each loaded message of `conversationId`, kept live by the
 * server's `read` events (to every participant of conversations up to the server's
 * `READ_RECEIPTS_MAX_CONVERSATION_SIZE`) and by each person's own messages.
 *
 * @example
 * ```tsx
 * function SeenBy({ conversationId, messageId }: { conversationId: string; messageId: string }) {
 *   const { seenBy } = useReadReceipts(conversationId);
 *   const who = seenBy(messageId);
 *   return who.length > 0 ? <small>Seen by {who.length}</small> : null;
 * }
 * ```
 */
export function useReadReceipts(conversationId: string | null | undefined): ReadReceipts {
  const conversation = useChatState((state) =>
    conversationId ? state.conversations[conversationId] : undefined,
  );
  const list = useChatState(
    (state) => (conversationId && state.messages[conversationId]) || emptyMessageList,
  );
  const me = useChatState((state) => state.auth.user?.id);
  return useMemo(() => readReceipts(conversation, list.items, me), [conversation, list.items, me]);
}
