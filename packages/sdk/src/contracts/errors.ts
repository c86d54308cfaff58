/**
 * The one error envelope every failure is answered with, whatever its status.
 */
import * as z from 'zod/mini';

/** Every error code the API answers with, grouped by HTTP status in {@link errorStatus}. */
export const ErrorCode = z.enum([
  'validation_failed',
  'bad_request',
  'unauthorized',
  'token_expired',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'email_taken',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'quota_exceeded',
  'not_supported',
  'rate_limited',
  'provider_error',
  'provider_timeout',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The HTTP status each error code is sent with. */
export const errorStatus = {
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  token_expired: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  email_taken: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 403,
  not_supported: 501,
  rate_limited: 429,
  provider_error: 502,
  provider_timeout: 504,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;

/** One problem with the input: where (`path` into the body, query or params) and what is wrong. */
export const ErrorDetail = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  code: z.optional(z.string()),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** `{ error: { code, message, details?, requestId? } }` */
export const ErrorEnvelope = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.optional(z.array(ErrorDetail)),
    requestId: z.optional(z.string()),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
