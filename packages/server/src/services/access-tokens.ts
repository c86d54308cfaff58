/**
 * Short-lived access tokens (JWT, HS256, signed with jose) and opaque refresh tokens, of which
 * only a SHA-256 hash is ever stored.
 */
import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { HttpError } from '../http/http-error.js';
import { newId } from '../ids.js';
import { LruCache } from '../store/lru-cache.js';

const issuer = 'chatwire';
const audience = 'chatwire';

export interface AccessTokens {
  issue(userId: string): Promise<{ token: string; expiresIn: number }>;
  /** The user id in a valid token; `token_expired` or `unauthorized` otherwise. */
  verify(token: string): Promise<string>;
}

/** How many verified tokens are remembered (most recent first out when full). */
const verifiedCacheSize = 10_000;

export function createAccessTokens(secret: string, ttlSeconds: number): AccessTokens {
  // A KeyObject made once: given raw bytes, jose imports the key again on every sign and verify.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  // A client sends the same token with every request until it expires. Verifying it once and
  // remembering (token → user, expiry) spares a WebCrypto HMAC per request — measured as the
  // largest cost of a small authenticated GET. The signature is what made the token valid and it
  // cannot change; expiry is still checked on every use. Access tokens are never revoked early
  // (logout revokes refresh tokens), so remembering a valid one changes no answer.
  const verified = new LruCache<string, { userId: string; expiresAtMs: number }>(verifiedCacheSize);
  return {
    async issue(userId) {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(userId)
        .setIssuedAt()
        .setJti(newId())
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
      return { token, expiresIn: ttlSeconds };
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (Date.now() < known.expiresAtMs) return known.userId;
        verified.delete(token);
        throw expired();
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer,
          audience,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'iat', 'exp', 'jti'],
        });
        const userId = payload.sub as string;
        verified.set(token, { userId, expiresAtMs: (payload.exp as number) * 1000 });
        return userId;
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw expired();
        throw new HttpError('unauthorized', 'The access token is not valid: sign in again', {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
    },
  };
}

function expired(): HttpError {
  return new HttpError('token_expired', 'The access token has expired: refresh it', {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/** A new opaque refresh token (256 random bits) and the hash under which it is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
