/**
 * An answer of the REST edge itself, in the one error envelope: what the edge knows and the use
 * cases do not (a missing bearer token, a media type, Fastify's and Node's own refusals), and the
 * domain errors once mapped (`error-envelope.ts`). Use cases throw domain errors, never this.
 */
import { type ErrorCode, type ErrorDetail, errorStatus } from '@chatwire/sdk/contracts';

export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      details?: ErrorDetail[];
      retryAfterSeconds?: number;
      headers?: Record<string, string>;
      /**
       * The status when it is not the code's own: only for refusals the contract has no code for
       * (414 URI Too Long), which answer the closest code (`bad_request`) with their true status.
       */
      status?: number;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = extra.status ?? errorStatus[code];
  }
}
