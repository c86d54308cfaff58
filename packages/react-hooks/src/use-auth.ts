/**
 * The session: who is signed in, and the calls that change it.
 */
import type { AuthState, ChatwireClient, User } from '@chatwire/sdk';
import { useCallback } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

type Auth = ChatwireClient['auth'];

/** What {@link useAuth} returns. */
export interface UseAuthResult {
  /** The signed-in user, or `null`. */
  user: User | null;
  /** `loading` while the stored session is checked (and on the server render). */
  status: AuthState['status'];
  /** Why the session check failed (not a sign-in form's error: those reject). */
  error: Error | null;
  /** Creates an account and signs in. Rejects with `ConflictError` (`email_taken`) or `ValidationError`. */
  register(input: Parameters<Auth['register']>[0]): Promise<User>;
  /** Signs in. Rejects with `AuthenticationError` (`invalid_credentials`). */
  login(input: Parameters<Auth['login']>[0]): Promise<User>;
  /** Signs out; the store forgets everything of the session. */
  logout(): Promise<void>;
}

/**
 * The signed-in user and the session's status, with register, login and logout.
 *
 * @example
 * ```tsx
 * function Account() {
 *   const { user, status, login, logout } = useAuth();
 *   if (status === 'loading') return null;
 *   if (!user) return <button onClick={() => login({ email, password })}>Sign in</button>;
 *   return <button onClick={logout}>Sign out {user.displayName}</button>;
 * }
 * ```
 */
export function useAuth(): UseAuthResult {
  const { client } = useChatStore();
  const auth = useChatState((state) => state.auth);
  const register = useCallback<UseAuthResult['register']>(
    async (input) => (await client.auth.register(input)).user,
    [client],
  );
  const login = useCallback<UseAuthResult['login']>(
    async (input) => (await client.auth.login(input)).user,
    [client],
  );
  const logout = useCallback(() => client.auth.logout(), [client]);
  return { user: auth.user, status: auth.status, error: auth.error, register, login, logout };
}
