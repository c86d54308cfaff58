/**
 * Short-lived access tokens (JWT, HS256, signed with jose) and opaque refresh tokens, of which
 * only a SHA-256 hash is ever stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { HttpError } from '../http/http-error.js';
import { newId } from '../ids.js';

const issuer = 'chatwire';
const audience = 'chatwire';

export interface AccessTokens {
  issue(userId: string): Promise<{ token: string; expiresIn: number }>;
  /** The user id in a valid token; `token_expired` or `unauthorized` otherwise. */
  verify(token: string): Promise<string>;
}

export function createAccessTokens(secret: string, ttlSeconds: number): AccessTokens {
  const key = new TextEncoder().encode(secret);
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
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer,
          audience,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'iat', 'exp', 'jti'],
        });
        return payload.sub as string;
      } catch (error) {
        if (error instanceof errors.JWTExpired) {
          throw new HttpError('token_expired', 'The access token has expired: refresh it', {
            headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          });
        }
        throw new HttpError('unauthorized', 'The access token is not valid: sign in again', {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
    },
  };
}

/** A new opaque refresh token (256 random bits) and the hash under which it is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
