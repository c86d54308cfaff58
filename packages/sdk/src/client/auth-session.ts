/**
 * The session the client holds: its tokens (in a {@link TokenStore}), the listeners told about
 * sign-in, refresh and sign-out, and the single-flight token refresh.
 */
import type { Session, Tokens, User } from '../contracts/resources.js';
import { createEmitter } from '../internal/foundation.js';
import { AuthenticationError } from './errors.js';
import type { TokenStore } from './token-store.js';

/** A change of the session, as told to {@link ChatwireClient.auth}`.onChange` listeners. */
export type AuthChange =
  | { type: 'signed-in'; tokens: Tokens; user: User }
  | { type: 'refreshed'; tokens: Tokens }
  /** `session-expired`: a refresh was refused (the refresh token expired or was revoked). */
  | { type: 'signed-out'; tokens: null; reason: 'logout' | 'session-expired' };

/** Listens to session changes. */
export type AuthChangeListener = (change: AuthChange) => void;

/** Trades a refresh token for new tokens (the `refresh` route). */
export type ExchangeRefreshToken = (refreshToken: string) => Promise<Tokens>;

/** The client's session state. Internal: apps use `client.auth`. */
export interface AuthSession {
  /** The stored tokens, read afresh (another tab or process may have changed them). */
  tokens(): Promise<Tokens | null>;
  signIn(session: Session): Promise<void>;
  signOut(reason: 'logout' | 'session-expired'): Promise<void>;
  /**
   * Refreshes the tokens once for every caller waiting at the same time. With `staleAccessToken`
   * (the token a request was refused with), a refresh that already happened since is reused.
   */
  refresh(staleAccessToken?: string): Promise<Tokens>;
  /**
   * Stores new tokens of the signed-in user that the server issued outside a refresh (a password
   * change) and tells listeners as a refresh does (`refreshed`).
   */
  replaceTokens(tokens: Tokens): Promise<void>;
  onChange(listener: AuthChangeListener): () => void;
}

/** Creates the session state over `store`; `exchange` calls the server's refresh route. */
export function createAuthSession(store: TokenStore, exchange: ExchangeRefreshToken): AuthSession {
  // A faulty listener must not break the request that changed the session: the emitter reports it apart.
  const listeners = createEmitter<{ change: AuthChangeListener }>();
  const emit = (change: AuthChange) => listeners.emit('change', change);
  let refreshing: Promise<Tokens> | null = null;

  const signOut = async (reason: 'logout' | 'session-expired') => {
    await store.set(null);
    emit({ type: 'signed-out', tokens: null, reason });
  };

  /** The stored tokens, if they are no longer `exchanged` (replaced meanwhile); else `null`. */
  const replacedSince = async (exchanged: Tokens): Promise<Tokens | null> => {
    const now = await store.get();
    return now && now.refreshToken !== exchanged.refreshToken ? now : null;
  };

  const runRefresh = async (staleAccessToken: string | undefined): Promise<Tokens> => {
    const current = await store.get();
    if (!current) {
      throw new AuthenticationError({
        status: 401,
        code: 'unauthorized',
        message: 'Not signed in: call auth.login() or auth.register() first',
        headers: new Headers(),
      });
    }
    if (staleAccessToken !== undefined && current.accessToken !== staleAccessToken) return current;
    let tokens: Tokens;
    try {
      tokens = await exchange(current.refreshToken);
    } catch (error) {
      // Tokens replaced while this refresh was out (a password change revokes the refresh token it
      // carried): the session lives on with those.
      const replaced = await replacedSince(current);
      if (replaced) return replaced;
      if (AuthenticationError.isInstance(error)) await signOut('session-expired');
      throw error;
    }
    const replaced = await replacedSince(current);
    if (replaced) return replaced;
    await store.set(tokens);
    emit({ type: 'refreshed', tokens });
    return tokens;
  };

  return {
    tokens: async () => (await store.get()) ?? null,
    async signIn(session) {
      await store.set(session.tokens);
      emit({ type: 'signed-in', tokens: session.tokens, user: session.user });
    },
    signOut,
    async replaceTokens(tokens) {
      await store.set(tokens);
      emit({ type: 'refreshed', tokens });
    },
    refresh(staleAccessToken) {
      refreshing ??= runRefresh(staleAccessToken).finally(() => {
        refreshing = null;
      });
      return refreshing;
    },
    onChange: (listener) => listeners.on('change', listener),
  };
}
