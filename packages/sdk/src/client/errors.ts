/**
 * The errors the client throws: one hierarchy, recognisable across duplicate copies of the package.
 *
 * ```
 * ChatwireError
 * ├─ ApiError                  the server answered with an error status
 * │  ├─ ValidationError        400 validation_failed, bad_request
 * │  ├─ AuthenticationError    401 unauthorized, token_expired, invalid_credentials
 * │  ├─ PermissionDeniedError  403 forbidden
 * │  │  └─ QuotaExceededError  403 quota_exceeded
 * │  ├─ NotFoundError          404 not_found
 * │  ├─ ConflictError          409 email_taken, conflict
 * │  ├─ PayloadTooLargeError   413 payload_too_large
 * │  ├─ UnsupportedMediaTypeError 415 unsupported_media_type
 * │  ├─ RateLimitError         429 rate_limited
 * │  └─ InternalServerError    any 5xx (500 internal)
 * │     ├─ NotSupportedError   501 not_supported
 * │     ├─ ProviderError       502/504 provider_error, provider_timeout
 * │     └─ UnavailableError    503 unavailable (and 502/504 from a gateway)
 * ├─ ConnectionError           the server could not be reached
 * └─ TimeoutError              no answer within `timeoutMs`
 * ```
 *
 * A caller's own `AbortSignal` is not wrapped: the client rethrows `signal.reason` (by default a
 * `DOMException` named `AbortError`), exactly as `fetch` does, so existing abort checks keep working.
 */
import type { ErrorCode, ErrorDetail } from '../contracts/errors.js';

const marker = Symbol.for('chatwire.error');

/** A constructor of a chatwire error class, as seen by {@link ChatwireError.isInstance}. */
export type ErrorClass<T> = { readonly kind: string; prototype: T };

/**
 * The base of every error the client throws.
 *
 * Use `ChatwireError.isInstance(error)` (or `NotFoundError.isInstance(error)`, …) rather than
 * `instanceof` when the SDK may be loaded twice (bundled copies, ESM and CJS): it checks a
 * `Symbol.for` marker instead of object identity.
 */
export class ChatwireError extends Error {
  /** The stable class name (survives minification), e.g. `'NotFoundError'`. */
  static readonly kind: string = 'ChatwireError';
  /** The kinds of this error and of its ancestors, most specific first. */
  readonly [marker]: readonly string[];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    const kinds: string[] = [];
    // Walk the constructors (`NotFoundError` → `ApiError` → `ChatwireError`) for their kinds.
    for (let type: object | null = new.target; type; type = Object.getPrototypeOf(type)) {
      if (Object.hasOwn(type, 'kind')) kinds.push((type as { kind: string }).kind);
    }
    this[marker] = kinds;
    this.name = kinds[0] ?? 'ChatwireError';
  }

  /** Whether `value` is an error of this class (or a subclass), from any copy of the SDK. */
  static isInstance<T>(this: ErrorClass<T>, value: unknown): value is T {
    const kinds = (value as { [marker]?: unknown } | null)?.[marker];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class called on (a subclass too).
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** What an {@link ApiError} is built from. */
export interface ApiErrorInit {
  status: number;
  code: ErrorCode | (string & {});
  message: string;
  details?: ErrorDetail[] | undefined;
  requestId?: string | undefined;
  headers: Headers;
}

/** The server answered with an error status. Branch on `code`; show `message`. */
export class ApiError extends ChatwireError {
  static override readonly kind: string = 'ApiError';
  /** The HTTP status. */
  readonly status: number;
  /** The machine-readable code from the error envelope (derived from the status when there was none). */
  readonly code: ErrorCode | (string & {});
  /** What was wrong with the input, for `validation_failed` (and password policy failures). */
  readonly details: ErrorDetail[];
  /** The id the server logged this request under; quote it when reporting a problem. */
  readonly requestId: string | null;
  /** The response headers. */
  readonly headers: Headers;
  /** Seconds to wait before trying again, from `Retry-After` (429 and 503 send one); `null` if absent. */
  readonly retryAfter: number | null;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.requestId = init.requestId ?? init.headers.get('x-request-id');
    this.headers = init.headers;
    const retryAfterMs = parseRetryAfter(init.headers.get('retry-after'));
    this.retryAfter = retryAfterMs === null ? null : Math.ceil(retryAfterMs / 1000);
  }
}

/** 400: the input was rejected (`validation_failed` lists each problem in `details`, or `bad_request`). */
export class ValidationError extends ApiError {
  static override readonly kind: string = 'ValidationError';
}
/** 401: not signed in, the session expired and could not be refreshed, or wrong email/password. */
export class AuthenticationError extends ApiError {
  static override readonly kind: string = 'AuthenticationError';
}
/** 403: signed in, but not allowed to do this (e.g. only the owner may). */
export class PermissionDeniedError extends ApiError {
  static override readonly kind: string = 'PermissionDeniedError';
}
/**
 * 403 `quota_exceeded`: the account's upload quota (bytes or files) is used up. Delete messages
 * with files, or wait for unattached uploads to expire.
 */
export class QuotaExceededError extends PermissionDeniedError {
  static override readonly kind: string = 'QuotaExceededError';
}
/** 404: no such resource — or a conversation the caller does not take part in. */
export class NotFoundError extends ApiError {
  static override readonly kind: string = 'NotFoundError';
}
/** 409: `email_taken` on register, or another `conflict`. Retrying the same request will not help. */
export class ConflictError extends ApiError {
  static override readonly kind: string = 'ConflictError';
}
/** 413: the body is over the server's limit (64 KiB by default; message content 16 KiB). */
export class PayloadTooLargeError extends ApiError {
  static override readonly kind: string = 'PayloadTooLargeError';
}
/** 415: a file's type (sniffed from its bytes) is not one the server accepts (`files.options().mediaTypes`). */
export class UnsupportedMediaTypeError extends ApiError {
  static override readonly kind: string = 'UnsupportedMediaTypeError';
}
/** 429: too many requests; wait `retryAfter` seconds. */
export class RateLimitError extends ApiError {
  static override readonly kind: string = 'RateLimitError';
}
/** Any 5xx. Its subclasses say more; a plain one (500 `internal`) is a server bug: quote `requestId`. */
export class InternalServerError extends ApiError {
  static override readonly kind: string = 'InternalServerError';
}
/** 501 `not_supported`: this server does not offer the feature (e.g. direct uploads without S3 storage). */
export class NotSupportedError extends InternalServerError {
  static override readonly kind: string = 'NotSupportedError';
}
/** 502/504 `provider_error` / `provider_timeout`: the AI provider failed; the partial reply is kept. */
export class ProviderError extends InternalServerError {
  static override readonly kind: string = 'ProviderError';
}
/** 503 `unavailable` (storage or broker down), or a gateway that could not reach the server. Try later. */
export class UnavailableError extends InternalServerError {
  static override readonly kind: string = 'UnavailableError';
}

/** The server could not be reached (DNS, refused connection, CORS, dropped connection). */
export class ConnectionError extends ChatwireError {
  static override readonly kind: string = 'ConnectionError';
}

/** No answer within the request's `timeoutMs`. */
export class TimeoutError extends ChatwireError {
  static override readonly kind: string = 'TimeoutError';
}

/** The `ConnectionError` of a request to `url` that `fetch` (or `XMLHttpRequest`) could not make. */
export function unreachable(url: string, error: unknown): ConnectionError {
  const reason = error instanceof Error ? error.message : String(error);
  // Without the query: a presigned URL's signature is a credential, not for logs.
  return new ConnectionError(
    `Could not reach ${url.split('?')[0]} (${reason}); check baseUrl, the network and the server's CORS settings`,
    { cause: error },
  );
}

/**
 * Parses a `Retry-After` header — delta seconds or an HTTP date — into milliseconds from `now`.
 * `null` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The code a status stands for when the body is not an error envelope (e.g. from a proxy). */
function codeForStatus(status: number): ErrorCode {
  const known: Record<number, ErrorCode> = {
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
    500: 'internal',
  };
  return (
    known[status] ??
    (status >= 502 && status <= 504 ? 'unavailable' : status >= 500 ? 'internal' : 'bad_request')
  );
}

function classFor(status: number, code: string): typeof ApiError {
  if (code === 'provider_error' || code === 'provider_timeout') return ProviderError;
  if (code === 'quota_exceeded') return QuotaExceededError;
  if (code === 'not_supported') return NotSupportedError;
  if (status >= 502 && status <= 504) return UnavailableError;
  if (status >= 500) return InternalServerError;
  const byStatus: Record<number, typeof ApiError> = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    429: RateLimitError,
  };
  return byStatus[status] ?? ApiError;
}

type Envelope = { error: { code: string; message: string; details?: ErrorDetail[]; requestId?: string } };

function asEnvelope(body: unknown): Envelope | null {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string' ? (body as Envelope) : null;
}

/**
 * Builds the error for an error response from its status, headers and body text. The body is read
 * as the `{ error: { code, message, details, requestId } }` envelope; anything else (an HTML page
 * from a proxy, an empty body) still yields the class for the status and a message quoting the body.
 */
export function apiErrorFrom(status: number, headers: Headers, bodyText: string): ApiError {
  let body: unknown = null;
  try {
    body = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    // Not JSON: described below.
  }
  const envelope = asEnvelope(body)?.error;
  const code = envelope?.code ?? codeForStatus(status);
  const snippet = bodyText.trim().slice(0, 200);
  const message =
    envelope?.message ??
    `The server answered ${status} without an error envelope${snippet ? `: ${snippet}` : ''}`;
  const ErrorClass = classFor(status, code);
  return new ErrorClass({
    status,
    code,
    message,
    details: envelope?.details,
    requestId: envelope?.requestId,
    headers,
  });
}
