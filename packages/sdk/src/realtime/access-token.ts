/**
 * The access token to authenticate a socket with. Unlike an HTTP call, a refused socket costs a
 * whole connection round trip, so a token about to expire is refreshed before use when it is a
 * JWT whose `exp` we can read (an opaque token is sent as is; a 4401 then triggers the refresh).
 */
import type { AuthSession } from '../client/auth-session.js';
import { RealtimeError } from './errors.js';

/** A token expiring within this margin is refreshed first: it could lapse before the server reads it. */
const expiryMarginMs = 10_000;

/**
 * The current access token, refreshed first when it expires soon or when it is `stale` (the
 * token the server just refused). Throws `RealtimeError('unauthorized')` when not signed in, and
 * what the refresh throws (an `AuthenticationError` when the session is over).
 */
export async function accessTokenFor(session: AuthSession, stale?: string): Promise<string> {
  const tokens = await session.tokens();
  if (!tokens) {
    throw new RealtimeError('unauthorized', 'Not signed in: call auth.login() before opening realtime()');
  }
  const { accessToken } = tokens;
  if (stale === undefined && !expiresBefore(accessToken, Date.now() + expiryMarginMs)) return accessToken;
  return (await session.refresh(stale ?? accessToken)).accessToken;
}

/** Whether `token` is a JWT with an `exp` before `time` (ms); `false` when it cannot be read. */
export function expiresBefore(token: string, time: number): boolean {
  try {
    const payload = token.split('.')[1] ?? '';
    const { exp } = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof exp === 'number' && exp * 1000 < time;
  } catch {
    return false;
  }
}
