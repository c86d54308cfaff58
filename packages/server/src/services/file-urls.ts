/**
 * Signed file URLs: what a message's `file` part carries so that a browser can show an `<img src>`
 * (which sends no `Authorization` header). `/v1/files/<id>/content?expires=<unix s>&signature=…`,
 * the signature an HMAC-SHA256 over `<id>.<expires>`.
 *
 * The key is derived from the server's JWT secret under a purpose label of its own, never the raw
 * secret: a signature over a file URL can never be replayed as (or help forge) an access token,
 * and processes sharing `JWT_SECRET` accept each other's URLs.
 *
 * Expiry is rounded up to a bucket of a quarter of the lifetime: reading history twice within a
 * bucket gives the same URL (the browser's cache keeps the image), and a URL handed out is always
 * valid for at least three quarters of the lifetime.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from './clock.js';

/** Signs and checks the URLs of file contents. */
export interface FileUrls {
  /** A signed path (`/v1/files/<id>/content?expires=…&signature=…`) valid for ¾ to all of the lifetime. */
  url(fileId: string): string;
  /** Whether `signature` is this server's for `fileId` until `expires` (unix seconds), and it has not passed. */
  verify(fileId: string, expires: number, signature: string): boolean;
}

export interface FileUrlOptions {
  /** The server's JWT secret: the signing key is derived from it. */
  secret: string;
  /** How long a URL is valid, seconds (`FILE_URL_TTL_SECONDS`, default 3600). */
  ttlSeconds: number;
  clock: Clock;
}

/** The purpose label of the derived key: change it and every URL handed out is refused. */
const purpose = 'chatwire file-url v1';

/**
 * @example
 * ```ts
 * const fileUrls = createFileUrls({ secret: jwtSecret, ttlSeconds: 3600, clock: systemClock });
 * const url = fileUrls.url(file.id); // '/v1/files/0190…/content?expires=1767225600&signature=…'
 * fileUrls.verify(file.id, 1767225600, signature); // true until then
 * ```
 */
export function createFileUrls(options: FileUrlOptions): FileUrls {
  const { ttlSeconds, clock } = options;
  const key = createHmac('sha256', options.secret).update(purpose).digest();
  // A quarter of the lifetime; below 4 s there is nothing worth sharing.
  const bucket = ttlSeconds >= 4 ? Math.floor(ttlSeconds / 4) : 0;
  const sign = (fileId: string, expires: number): Buffer =>
    createHmac('sha256', key).update(`${fileId}.${expires}`).digest();
  const nowSeconds = () => clock.now().getTime() / 1000;

  return {
    url(fileId) {
      const now = nowSeconds();
      // In [now + ttl - bucket, now + ttl): the same value for every read within one bucket.
      const expires =
        bucket > 0 ? Math.ceil((now + ttlSeconds - bucket) / bucket) * bucket : Math.floor(now + ttlSeconds);
      const signature = sign(fileId, expires).toString('base64url');
      return `/v1/files/${encodeURIComponent(fileId)}/content?expires=${expires}&signature=${signature}`;
    },
    verify(fileId, expires, signature) {
      const now = nowSeconds();
      // Past, or further ahead than this server ever signs (a lifetime shortened since).
      if (!Number.isSafeInteger(expires) || expires <= now || expires > now + ttlSeconds) return false;
      // The text, not its decoding: base64url decoding ignores the spare bits of the last character,
      // so a changed signature could decode to the same bytes.
      const given = Buffer.from(signature, 'utf8');
      const expected = Buffer.from(sign(fileId, expires).toString('base64url'), 'utf8');
      // The length of a signature is public: comparing it first leaks nothing.
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
