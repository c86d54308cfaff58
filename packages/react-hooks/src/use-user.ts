/**
 * One person's public profile, by id.
 */
import type { PublicUser } from '@chatwire/sdk';
import { useEffect, useMemo } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/**
 * `userId`'s public profile (name, avatar, status), looked up once when the store does not know
 * them, and live: it re-renders when they change it (`user.updated`). The signed-in user's own id
 * answers their own profile. `undefined` while unknown (or for an id nobody has).
 *
 * @example
 * ```tsx
 * function Author({ userId }: { userId: string }) {
 *   const user = useUser(userId);
 *   return <span title={user?.statusText ?? undefined}>{user?.displayName ?? 'Someone'}</span>;
 * }
 * ```
 */
export function useUser(userId: string | null | undefined): PublicUser | undefined {
  const store = useChatStore();
  const known = useChatState((state) => (userId ? state.users[userId] : undefined));
  const me = useChatState((state) => (userId && state.auth.user?.id === userId ? state.auth.user : null));
  const online = useChatState((state) => (userId ? state.presence[userId] : undefined));

  useEffect(() => {
    if (userId && !known && !me) void store.loadUsers([userId]);
  }, [store, userId, known, me]);

  return useMemo(() => {
    if (!me) return known;
    // My own `User` is the live one (my changes land there first); the public view of it.
    const { id, displayName, avatarUrl, statusText } = me;
    return { ...known, id, displayName, avatarUrl, statusText, online: online ?? true, deleted: false };
  }, [known, me, online]);
}
