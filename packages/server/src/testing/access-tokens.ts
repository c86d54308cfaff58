/**
 * The server's access-token signer, for tests that need a token the API would not hand out: an
 * expired one, or one for a user id the test chooses.
 */
import { createAccessTokens as createServerAccessTokens } from '../services/access-tokens.js';

/**
 * Access tokens signed and checked as a chatwire server does. (Its own interface, not the
 * server's internal one, so this entry's API stays put while the server's evolves; the compiler
 * checks that the server's signer still fits it.)
 */
export interface AccessTokens {
  /** Signs a token for `userId`, expiring after the `ttlSeconds` the signer was made with. */
  issue(userId: string): Promise<{ token: string; expiresIn: number }>;
  /** The user id in a valid token; rejects (`token_expired`, `unauthorized`) otherwise. */
  verify(token: string): Promise<string>;
}

/**
 * Signs and verifies access tokens exactly as a server with `secret` does (JWT, HS256). Pass
 * {@link testSecret} to make tokens a {@link startTestServer} server accepts; a negative
 * `ttlSeconds` issues a token that has already expired.
 *
 * @example
 * ```ts
 * const { token } = await createAccessTokens(testSecret, -60).issue(user.id);
 * // the server answers 401 `token_expired`; the SDK refreshes and replays the request
 * ```
 */
export function createAccessTokens(secret: string, ttlSeconds: number): AccessTokens {
  return createServerAccessTokens(secret, ttlSeconds);
}
