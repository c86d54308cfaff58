/**
 * A file storage that failed (disk full or gone, the bucket unreachable) as the client should hear
 * it: `Unavailable`, a 503 with `Retry-After`, not a 500 — the request was fine and a retry later
 * may work. A `DomainError` already raised on the way (a refused upload) stays itself.
 */
import { DomainError, Unavailable } from './errors.js';

/** Seconds a client is asked to wait while the file storage fails. */
export const storageRetryAfterSeconds = 5;

/**
 * @example
 * ```ts
 * const body = await storage.read(key).catch((error: unknown) => { throw storageUnavailable(error); });
 * ```
 */
export function storageUnavailable(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return new Unavailable('File storage is unavailable; try again shortly', storageRetryAfterSeconds, error);
}
