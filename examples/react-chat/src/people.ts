/**
 * Names for user ids. Conversations and messages name people by id only: new ids are looked up
 * with one `client.users.get(ids)`, and the store remembers them (which also feeds `usePresence`).
 */
import { useChatState, useChatStore } from '@chatwire/react';
import type { Conversation } from '@chatwire/sdk';
import { useEffect, useRef } from 'react';

export function useKnownPeople(ids: readonly string[]): void {
  const store = useChatStore();
  const me = useChatState((state) => state.auth.user?.id);
  const users = useChatState((state) => state.users);
  /** Ids already looked for: someone deleted is not searched for on every render. */
  const sought = useRef(new Set<string>());
  const missing = [...new Set(ids)].filter((id) => id !== me && !users[id] && !sought.current.has(id));
  const key = missing.sort().join(',');

  useEffect(() => {
    if (!key) return;
    const wanted = new Set(key.split(','));
    for (const id of wanted) sought.current.add(id);
    store.client.users.get([...wanted]).then(
      (users) => store.rememberUsers(users),
      () => {
        // Names are a nicety: the app works with "Someone" too.
      },
    );
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
