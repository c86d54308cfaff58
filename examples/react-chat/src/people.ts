/**
 * Names for user ids. Conversations and messages name people by id only: the store looks new ids
 * up (`store.loadUsers`, one request for all, each id once) and keeps them live (`user.updated`).
 */
import { useChatState, useChatStore } from '@chatwire/react';
import type { Conversation } from '@chatwire/sdk';
import { useEffect } from 'react';

export function useKnownPeople(ids: readonly string[]): void {
  const store = useChatStore();
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    // The store looks each unknown id up once; names are a nicety, "Someone" works too.
    if (key) void store.loadUsers(key.split(','));
  }, [store, key]);
}

/** A person's display name, "You" for the signed-in user. */
export function useDisplayName(userId: string | null | undefined): string {
  const me = useChatState((state) => state.auth.user?.id);
  const name = useChatState((state) => (userId ? state.users[userId]?.displayName : undefined));
  return userId === me ? 'You' : (name ?? 'Someone');
}

/** The other person of a direct conversation. */
export function otherPerson(conversation: Conversation | undefined, me: string): string | null {
  if (conversation?.type !== 'direct') return null;
  return conversation.participants.find((p) => p.userId !== me)?.userId ?? null;
}

/** A conversation's title: its own, else the assistant or the names of the others in it. */
export function useConversationTitle(conversation: Conversation | undefined, me: string): string {
  const users = useChatState((state) => state.users);
  if (!conversation) return '';
  if (conversation.title) return conversation.title;
  if (conversation.type === 'assistant') return 'New assistant chat';
  const names = conversation.participants
    .filter((p) => p.userId !== me)
    .map((p) => users[p.userId]?.displayName ?? 'Someone');
  return names.join(', ') || 'Just you';
}
