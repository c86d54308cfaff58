/**
 * Whether a person is online.
 */
import type { PublicUser } from '@chatwire/sdk';
import { useChatState } from './use-chat-state.js';

/** What {@link usePresence} returns. */
export interface UsePresenceResult {
  /** `undefined` until known: from a search (`useUsers`) or a `presence` event. */
  online: boolean | undefined;
  /** The person, if a search has found them. */
  user: PublicUser | undefined;
}

/**
 * Whether `userId` is online, kept live by the server's presence events (sent to the people who
 * share a conversation with them).
 *
 * @example
 * ```tsx
 * function Dot({ userId }: { userId: string }) {
 *   const { online } = usePresence(userId);
 *   return <span className={online ? 'dot online' : 'dot'} />;
 * }
 * ```
 */
export function usePresence(userId: string | null | undefined): UsePresenceResult {
  const online = useChatState((state) => (userId ? state.presence[userId] : undefined));
  const user = useChatState((state) => (userId ? state.users[userId] : undefined));
  return { online, user };
}
