/**
 * Reading a JWT access token's expiry without verifying it: for requests that cannot simply be
 * replayed after a refusal (a socket's handshake, an upload streamed from a one-shot source), the
 * token is refreshed *before* use when it is about to lapse.
 */
import type { AuthSession } from './auth-session.js';

/** A token expiring within this margin is refreshed first: it could lapse before the server reads it. */
const expiryMarginMs = 10_000;

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

/**
 * The session's access token, refreshed first when it expires within {@link expiryMarginMs} or
 * when it is `stale` (the token the server just refused). Throws the `AuthenticationError` of
 * {@link AuthSession.refresh} when not signed in (or the session is over).
 */
export async function freshAccessToken(session: AuthSession, stale?: string): Promise<string> {
  const accessToken = (await session.tokens())?.accessToken;
  if (stale === undefined && accessToken && !expiresBefore(accessToken, Date.now() + expiryMarginMs))
    return accessToken;
  return (await session.refresh(stale ?? accessToken)).accessToken;
}
