/**
 * The retry policy: which requests may be sent again, on which failures, and how long to wait.
 *
 * Kept apart from the transport so the policy reads in one place and is tested without HTTP.
 */
import type { Endpoint } from '../contracts/endpoints.js';

/** Retry settings of a client. Every field has a default; pass only what you change. */
export interface RetryOptions {
  /** Retries after the first attempt. `0` turns retrying off. Default `2`. */
  maxRetries: number;
  /** The backoff before retry `n` (0-based) is a random delay in `[0, baseDelayMs · 2ⁿ]`. Default `500`. */
  baseDelayMs: number;
  /** Upper bound of the backoff (before jitter). Default `8000`. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` the client waits for by itself. A server asking for longer gets the
   * error (with `retryAfter`) thrown at once, so the app can tell the user. Default `30000`.
   */
  maxRetryAfterMs: number;
  /** Waits `ms`, rejecting with `signal.reason` if the signal aborts. Replace it in tests. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in `[0, 1)` for the jitter. Default `Math.random`. Replace it in tests. */
  random: () => number;
}

/** Waits `ms` milliseconds; rejects with the signal's reason if it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The defaults of {@link RetryOptions}. */
export const defaultRetryOptions: RetryOptions = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
  sleep,
  random: Math.random,
};

/**
 * Statuses worth another try: 408 (request timeout), 429 (rate limited), and 500/502/503/504.
 * 409 is not among them: here it means a real conflict (`email_taken`), which a retry repeats.
 */
const retryableStatuses = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Whether a failure with this status (and envelope code) may be retried. 502/504 with
 * `provider_error` / `provider_timeout` are not: the server is up and has already stored the
 * message and the failed reply, so a replay would only return that stored result. Use regenerate.
 */
export function isRetryableStatus(status: number, code: string | undefined): boolean {
  if (code === 'provider_error' || code === 'provider_timeout') return false;
  return retryableStatuses.has(status);
}

/**
 * Whether sending the request twice is harmless. GET, PATCH and DELETE are: our PATCH bodies set
 * fields to values (never increments), so a replay lands on the same state, and a replayed DELETE
 * at worst answers 404. A POST is only when its body carries a `clientMessageId`, which the server
 * uses to store the message once.
 */
export function isIdempotent(route: Endpoint, body: unknown): boolean {
  if (route.method !== 'POST') return true;
  const clientMessageId = (body as { clientMessageId?: unknown } | null | undefined)?.clientMessageId;
  return typeof clientMessageId === 'string' && clientMessageId.length > 0;
}

/**
 * The wait before retry number `retry` (0-based): exponential backoff with full jitter, unless
 * the server named a `Retry-After` (in ms), which is honoured exactly. `null` means do not retry:
 * the server asked for a longer wait than `maxRetryAfterMs`.
 */
export function retryDelay(retry: number, retryAfterMs: number | null, options: RetryOptions): number | null {
  if (retryAfterMs !== null) return retryAfterMs <= options.maxRetryAfterMs ? retryAfterMs : null;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(options.random() * ceiling);
}
