/**
 * Short-lived access tokens (JWT, HS256, signed with jose) and opaque refresh tokens, of which
 * only a SHA-256 hash is ever stored.
 */
import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { newId } from '../ids.js';
import { LruCache } from '../store/lru-cache.js';
import { Unauthenticated } from './errors.js';

const issuer = 'chatwire';
const audience = 'chatwire';

export interface AccessTokens {
  issue(userId: string): Promise<{ token: string; expiresIn: number }>;
  /**
   * The user id in a valid token whose user exists; throws {@link Unauthenticated}
   * (`token_expired`, or `unauthorized` for a bad token or an account that does not exist).
   */
  verify(token: string): Promise<string>;
  /**
   * The account `userId` was deleted: every token of it remembered here is refused from now on
   * (a token not remembered asks `subjectExists`, which answers no for a deleted account).
   */
  forgetSubject(userId: string): void;
}

export interface AccessTokenOptions {
  /**
   * Whether the token's subject is an account that exists, asked once per token (the answer is
   * remembered with it). A token signed with the right secret may name no account: the data was
   * reset while the secret was kept, or an operator removed the user. Default: not asked.
   */
  subjectExists?: (userId: string) => Promise<boolean>;
}

/** How many verified tokens are remembered (most recent first out when full). */
const verifiedCacheSize = 10_000;

export function createAccessTokens(
  secret: string,
  ttlSeconds: number,
  options: AccessTokenOptions = {},
): AccessTokens {
  const { subjectExists } = options;
  // A KeyObject made once: given raw bytes, jose imports the key again on every sign and verify.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  // A client sends the same token with every request until it expires. Verifying it once and
  // remembering (token → user, expiry) spares a WebCrypto HMAC and the account look-up per
  // request — the HMAC measured as the largest cost of a small authenticated GET. The signature
  // is what made the token valid and it cannot change; expiry is still checked on every use.
  // Access tokens are never revoked early (logout revokes refresh tokens), so remembering a valid
  // one changes no answer — but an account removed while one of its tokens is remembered stays
  // signed in until that token expires (the access token lifetime, 15 minutes by default). A
  // subject found missing is remembered too (`userId: null`): ids are never reused.
  // Keyed by the token's digest, not the token: a remembered token then costs 32 bytes instead of
  // ~300 (one per open WebSocket, and per REST client, adds up), and a SHA-256 of it is a small
  // fraction of the HMAC it spares. The expiry in seconds, as in the token, fits a small integer.
  const verified = new LruCache<string, { userId: string | null; expiresAt: number }>(verifiedCacheSize);
  // Deleted accounts whose tokens may still be remembered above; ids are never reused. Bounded
  // in practice by deletions within one process's lifetime.
  const forgotten = new Set<string>();
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
      const cacheKey = digestOf(token);
      const known = verified.get(cacheKey);
      if (known) {
        if (Date.now() >= known.expiresAt * 1000) {
          verified.delete(cacheKey);
          throw expired();
        }
        if (known.userId === null || forgotten.has(known.userId)) throw accountGone();
        return known.userId;
      }
      let userId: string;
      let expiresAt: number;
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer,
          audience,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'iat', 'exp', 'jti'],
        });
        userId = payload.sub as string;
        expiresAt = payload.exp as number;
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw expired();
        throw new Unauthenticated('The access token is not valid: sign in again', 'unauthorized');
      }
      // Outside the try: a failed look-up (storage unreachable) is that failure, not a bad token,
      // and nothing is remembered.
      if (subjectExists && !(await subjectExists(userId))) {
        verified.set(cacheKey, { userId: null, expiresAt });
        throw accountGone();
      }
      verified.set(cacheKey, { userId, expiresAt });
      return userId;
    },
    forgetSubject(userId) {
      forgotten.add(userId);
    },
  };
}

/** A token's SHA-256, as a 32-character one-byte string (`binary` is latin1: the smallest string V8 keeps for it). */
function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('binary');
}

function expired(): Unauthenticated {
  return new Unauthenticated('The access token has expired: refresh it', 'token_expired');
}

function accountGone(): Unauthenticated {
  return new Unauthenticated(
    'The account of this access token no longer exists: sign in again',
    'unauthorized',
  );
}

/** A new opaque refresh token (256 random bits) and the hash under which it is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
