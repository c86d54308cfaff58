/**
 * The access token to authenticate a socket with. Unlike an HTTP call, a refused socket costs a
 * whole connection round trip, so a token about to expire is refreshed before use when it is a
 * JWT whose `exp` we can read (an opaque token is sent as is; a 4401 then triggers the refresh).
 */
import type { AuthSession } from '../client/auth-session.js';
import { freshAccessToken } from '../client/token-expiry.js';
import { RealtimeError } from './errors.js';

/**
 * The current access token, refreshed first when it expires soon or when it is `stale` (the
 * token the server just refused). Throws `RealtimeError('unauthorized')` when not signed in, and
 * what the refresh throws (an `AuthenticationError` when the session is over).
 */
export async function accessTokenFor(session: AuthSession, stale?: string): Promise<string> {
  if (!(await session.tokens())) {
    throw new RealtimeError('unauthorized', 'Not signed in: call auth.login() before opening realtime()');
  }
  return freshAccessToken(session, stale);
}
