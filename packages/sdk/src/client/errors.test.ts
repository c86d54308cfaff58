import { describe, expect, it } from 'vitest';
import { type ErrorCode, errorStatus } from '../contracts/errors.js';
import {
  ApiError,
  AuthenticationError,
  apiErrorFrom,
  ChatwireError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  NotSupportedError,
  PayloadTooLargeError,
  PermissionDeniedError,
  ProviderError,
  parseRetryAfter,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.js';

const expectedClass: Record<ErrorCode, typeof ApiError> = {
  validation_failed: ValidationError,
  bad_request: ValidationError,
  unauthorized: AuthenticationError,
  token_expired: AuthenticationError,
  invalid_credentials: AuthenticationError,
  forbidden: PermissionDeniedError,
  not_found: NotFoundError,
  email_taken: ConflictError,
  conflict: ConflictError,
  payload_too_large: PayloadTooLargeError,
  unsupported_media_type: UnsupportedMediaTypeError,
  quota_exceeded: QuotaExceededError,
  not_supported: NotSupportedError,
  rate_limited: RateLimitError,
  provider_error: ProviderError,
  provider_timeout: ProviderError,
  unavailable: UnavailableError,
  internal: InternalServerError,
};

describe('apiErrorFrom', () => {
  it.each(Object.entries(errorStatus) as [ErrorCode, number][])(
    'maps %s (%i) to its class',
    (code, status) => {
      const body = JSON.stringify({ error: { code, message: `about ${code}`, requestId: 'req-1' } });
      const error = apiErrorFrom(status, new Headers(), body);
      expect(error.constructor).toBe(expectedClass[code]);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toBeInstanceOf(ChatwireError);
      expect(error).toMatchObject({
        status,
        code,
        message: `about ${code}`,
        requestId: 'req-1',
        details: [],
      });
      expect(error.name).toBe(expectedClass[code].kind);
    },
  );

  it('keeps validation details, the request id header and Retry-After', () => {
    const details = [{ path: ['password'], message: 'Needs a digit', code: 'password_digit' }];
    const error = apiErrorFrom(
      429,
      new Headers({ 'retry-after': '7', 'x-request-id': 'hdr-id' }),
      JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down', details } }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.details).toEqual(details);
    expect(error.requestId).toBe('hdr-id');
    expect(error.retryAfter).toBe(7);
    expect(error.headers.get('retry-after')).toBe('7');
  });

  it('falls back on the status when the body is not an envelope', () => {
    const gateway = apiErrorFrom(502, new Headers(), '<html>Bad Gateway</html>');
    expect(gateway).toBeInstanceOf(UnavailableError);
    expect(gateway.code).toBe('unavailable');
    expect(gateway.message).toBe(
      'The server answered 502 without an error envelope: <html>Bad Gateway</html>',
    );
    const missing = apiErrorFrom(404, new Headers(), '');
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ code: 'not_found', requestId: null, retryAfter: null });
    expect(apiErrorFrom(400, new Headers(), '{"message":"nope"}').code).toBe('bad_request');
    expect(apiErrorFrom(418, new Headers(), '').constructor).toBe(ApiError);
    expect(apiErrorFrom(501, new Headers(), '').constructor).toBe(InternalServerError);
  });

  it('keeps a code it does not know (a newer server)', () => {
    const error = apiErrorFrom(
      400,
      new Headers(),
      JSON.stringify({ error: { code: 'new_rule', message: 'm' } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('new_rule');
  });
});

describe('isInstance', () => {
  it('checks the class and its ancestors', () => {
    const error = apiErrorFrom(
      504,
      new Headers(),
      JSON.stringify({ error: { code: 'provider_timeout', message: 'm' } }),
    );
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(InternalServerError.isInstance(error)).toBe(true);
    expect(ApiError.isInstance(error)).toBe(true);
    expect(ChatwireError.isInstance(error)).toBe(true);
    expect(UnavailableError.isInstance(error)).toBe(false);
    expect(ConnectionError.isInstance(error)).toBe(false);
    expect(TimeoutError.isInstance(new TimeoutError('t'))).toBe(true);
    expect(ChatwireError.isInstance(new Error('plain'))).toBe(false);
    expect(ChatwireError.isInstance(null)).toBe(false);
  });

  it('keeps the new upload codes under the classes older code already catches', () => {
    const quota = apiErrorFrom(
      403,
      new Headers(),
      JSON.stringify({ error: { code: 'quota_exceeded', message: 'm' } }),
    );
    expect(PermissionDeniedError.isInstance(quota)).toBe(true);
    const direct = apiErrorFrom(
      501,
      new Headers(),
      JSON.stringify({ error: { code: 'not_supported', message: 'm' } }),
    );
    expect(InternalServerError.isInstance(direct)).toBe(true);
    expect(ProviderError.isInstance(direct)).toBe(false);
  });

  it('recognises errors from another copy of the SDK by the Symbol.for marker', () => {
    // What a second bundled copy produces: a different class with the same registered marker.
    const foreign = Object.assign(new Error('gone'), {
      [Symbol.for('chatwire.error')]: ['NotFoundError', 'ApiError', 'ChatwireError'],
    });
    expect(foreign).not.toBeInstanceOf(NotFoundError);
    expect(NotFoundError.isInstance(foreign)).toBe(true);
    expect(ApiError.isInstance(foreign)).toBe(true);
    expect(ValidationError.isInstance(foreign)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
