/**
 * `client.auth`: sign up, sign in and out, and follow the session.
 */

import type { AuthChangeListener } from '../client/auth-session.js';
import { AuthenticationError } from '../client/errors.js';
import type { RequestOptions, Transport } from '../client/transport.js';
import type { Tokens } from '../contracts/resources.js';
import type { RouteBodyInput, RouteResponse } from '../contracts/route.js';
import type { routes } from '../contracts/routes.js';

/**
 * Accounts and the session. Sign-in stores the tokens in the client's token store; every later
 * call sends the access token and refreshes it when it expires.
 *
 * @example
 * ```ts
 * const off = client.auth.onChange((change) => console.log(change.type));
 * const { user } = await client.auth.login({ email: 'ada@example.com', password: 'S3cure!pass' });
 * await client.auth.logout();
 * off();
 * ```
 */
export interface AuthResource {
  /** Creates an account and signs in. Throws `ConflictError` (`email_taken`) or `ValidationError`. */
  register(
    body: RouteBodyInput<typeof routes.register>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.register>>;
  /** Signs in. Throws `AuthenticationError` (`invalid_credentials`) on a wrong email or password. */
  login(
    body: RouteBodyInput<typeof routes.login>,
    options?: RequestOptions,
  ): Promise<RouteResponse<typeof routes.login>>;
  /**
   * Signs out: revokes the refresh token on the server and clears the stored tokens. The local
   * session is cleared even when the server cannot be reached (that error is then thrown).
   */
  logout(options?: RequestOptions): Promise<void>;
  /**
   * Trades the refresh token for new tokens now (the client also does this by itself when the
   * access token expires). Concurrent refreshes share one request. If the server refuses, the
   * session is cleared and `AuthenticationError` is thrown.
   */
  refresh(): Promise<Tokens>;
  /** The signed-in user. */
  me(options?: RequestOptions): Promise<RouteResponse<typeof routes.me>>;
  /** The stored tokens, or `null` when signed out (e.g. to authenticate a WebSocket). */
  getTokens(): Promise<Tokens | null>;
  /** Calls `listener` on every sign-in, refresh and sign-out. Returns the function that stops it. */
  onChange(listener: AuthChangeListener): () => void;
}

/** Creates `client.auth` over a transport. */
export function createAuthResource(transport: Transport): AuthResource {
  const { session } = transport;
  return {
    async register(body, options) {
      const result = await transport.request('register', { ...options, body });
      await session.signIn(result);
      return result;
    },
    async login(body, options) {
      const result = await transport.request('login', { ...options, body });
      await session.signIn(result);
      return result;
    },
    async logout(options) {
      const tokens = await session.tokens();
      try {
        if (tokens) {
          await transport.request('logout', { ...options, body: { refreshToken: tokens.refreshToken } });
        }
      } catch (error) {
        // Already revoked or expired: the goal (no live session) is met.
        if (!AuthenticationError.isInstance(error)) throw error;
      } finally {
        await session.signOut('logout');
      }
    },
    refresh: () => session.refresh(),
    me: (options) => transport.request('me', { ...options }),
    getTokens: () => session.tokens(),
    onChange: (listener) => session.onChange(listener),
  };
}
