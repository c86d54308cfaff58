/**
 * My own profile: who I am, and the calls that change it.
 */
import type { ChatwireClient, User } from '@chatwire/sdk';
import { useCallback } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/** What {@link useProfile} changes: a field left out stays as it is, `null` clears the avatar or status. */
export type ProfilePatch = Parameters<ChatwireClient['users']['updateMe']>[0];

/** What {@link useProfile} returns. */
export interface UseProfileResult {
  /** The signed-in user (live: another tab's change shows here too), or `null`. */
  me: User | null;
  /**
   * Changes my profile; everyone who shares a conversation with me sees it live. Rejects with
   * `ValidationError` (an avatar that is not `https:`, a status over `limits.statusTextChars`, an
   * empty name), nothing changed.
   */
  update(patch: ProfilePatch): Promise<User>;
  /**
   * Changes my password: my other devices sign in again once their access token expires; this one
   * goes on. Rejects with `AuthenticationError` (`invalid_credentials`) when `current` is wrong,
   * `ValidationError` when `next` is too weak, `RateLimitError` after too many attempts.
   */
  changePassword(current: string, next: string): Promise<void>;
}

/**
 * The signed-in user's profile, with `update` and `changePassword`.
 *
 * @example
 * ```tsx
 * function Status() {
 *   const { me, update } = useProfile();
 *   const [text, setText] = useState(me?.statusText ?? '');
 *   return (
 *     <form onSubmit={(e) => { e.preventDefault(); void update({ statusText: text || null }); }}>
 *       <input value={text} onChange={(e) => setText(e.target.value)} placeholder="What are you up to?" />
 *     </form>
 *   );
 * }
 * ```
 */
export function useProfile(): UseProfileResult {
  const store = useChatStore();
  const me = useChatState((state) => state.auth.user);
  const update = useCallback((patch: ProfilePatch) => store.updateProfile(patch), [store]);
  const changePassword = useCallback(
    async (current: string, next: string) => {
      await store.client.users.changePassword({ currentPassword: current, newPassword: next });
    },
    [store],
  );
  return { me, update, changePassword };
}
