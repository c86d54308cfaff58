import { useChatState, useReadReceipts } from '@chatwire/react';

/** "Seen by Alice, Bob" under `messageId` when others have read up to it (or past it). */
export function SeenBy({ conversationId, messageId }: { conversationId: string; messageId: string }) {
  const { seenBy } = useReadReceipts(conversationId);
  const users = useChatState((state) => state.users);
  const readers = seenBy(messageId);
  if (readers.length === 0) return null;
  const names = readers.map((id) => users[id]?.displayName ?? 'Someone');
  return <small className="note seen-by">Seen by {names.join(', ')}</small>;
}
