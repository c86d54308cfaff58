/**
 * What the business rules throw: what went wrong, in the domain's words — never an HTTP status or
 * a frame. Each edge maps these once: the REST edge to a status and the error envelope
 * (`http/error-envelope.ts`), the WebSocket gateway to an `error` frame (`realtime/frames.ts`),
 * as openai-node maps statuses to its error classes in one place.
 *
 * Every class carries the contract's `code` (what a client branches on) and a message that says
 * what to do next. Problems with the input name the fields by their path *in the input the use
 * case was given* (`['content']`, not `['body', 'content']`): the edge that knows where the input
 * came from prefixes it.
 */
import type { ErrorCode } from '@chatwire/sdk/contracts';
import { ProviderError } from '../providers/provider.js';
import { BrokerUnavailableError } from '../redis/redis-client.js';
import { StoreConflictError, StoreUnavailableError } from '../store/store.js';

/** One problem with the input: where (a path into the input) and what is wrong. */
export interface FieldProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The base of every domain error; `instanceof DomainError` is how the edges recognise one. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** The fields at fault, if the problem is with the input. */
  readonly fields: readonly FieldProblem[];
  /** When a retry may succeed, seconds (an outage). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    options: { fields?: readonly FieldProblem[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.fields = options.fields ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The thing does not exist — or the caller may not know that it does (an outsider sees the same). */
export class NotFound extends DomainError {
  readonly code = 'not_found';
}

/** The request collides with the current state: a reply still generating, an email taken. */
export class Conflict extends DomainError {
  readonly code: 'conflict' | 'email_taken';
  constructor(
    message: string,
    options: { reason?: 'conflict' | 'email_taken'; fields?: readonly FieldProblem[] } = {},
  ) {
    super(message, options);
    this.code = options.reason ?? 'conflict';
  }
}

/** The caller takes part but their role does not allow this. */
export class Forbidden extends DomainError {
  readonly code = 'forbidden';
}

/** The input breaks a rule that its schema cannot express (a byte limit, an unknown model). */
export class Invalid extends DomainError {
  readonly code = 'validation_failed';
  constructor(message: string, fields: readonly FieldProblem[]) {
    super(message, { fields });
  }
}

/** Understood, but not possible for this kind of thing (regenerating a person's message). */
export class Refused extends DomainError {
  readonly code = 'bad_request';
}

/**
 * Content of a type this server (or the model asked) does not take: an upload outside the allowed
 * media types, an image for a model without vision.
 */
export class UnsupportedMediaType extends DomainError {
  readonly code = 'unsupported_media_type';
  constructor(message: string, fields: readonly FieldProblem[] = []) {
    super(message, { fields });
  }
}

/** Too big: a file over the upload limit. */
export class TooLarge extends DomainError {
  readonly code = 'payload_too_large';
}

/** The caller has used up an allowance that does not refill by waiting (the upload quota). */
export class QuotaExceeded extends DomainError {
  readonly code = 'quota_exceeded';
}

/** This server is not set up for it (a direct upload without S3 storage). */
export class NotSupported extends DomainError {
  readonly code = 'not_supported';
}

/** Who is asking is not established: no or a bad token, wrong credentials, an account gone. */
export class Unauthenticated extends DomainError {
  readonly code: 'unauthorized' | 'token_expired' | 'invalid_credentials';
  constructor(message: string, reason: 'unauthorized' | 'token_expired' | 'invalid_credentials') {
    super(message);
    this.code = reason;
  }
}

/** Something this server depends on is away for now: retry after `retryAfterSeconds`. */
export class Unavailable extends DomainError {
  readonly code = 'unavailable';
  constructor(message: string, retryAfterSeconds: number, cause?: unknown) {
    super(message, { retryAfterSeconds, cause });
  }
}

/** The model provider failed or timed out. */
export class ModelFailed extends DomainError {
  readonly code: 'provider_error' | 'provider_timeout';
  constructor(message: string, reason: 'provider_error' | 'provider_timeout') {
    super(message);
    this.code = reason;
  }
}

/** Seconds a client is asked to wait while storage is unreachable. */
const storageRetryAfterSeconds = 5;
/** Seconds a client is asked to wait while events cannot be published (the broker is down). */
const brokerRetryAfterSeconds = 2;

/** A write refused up front because its events could not be announced now (the broker is down). */
export function brokerUnavailable(): Unavailable {
  return new Unavailable(
    'Real-time delivery is briefly unavailable; try again shortly',
    brokerRetryAfterSeconds,
  );
}

/**
 * The domain error a failure stands for: domain errors as they are, and the seams' own errors
 * (storage or Redis unreachable, a conflict in the store, a provider failure) in domain terms.
 * `undefined` for anything else — a bug, which the edges answer as `internal` and log.
 */
export function asDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  if (error instanceof StoreUnavailableError)
    return new Unavailable('Storage is unavailable; try again shortly', storageRetryAfterSeconds, error);
  if (error instanceof BrokerUnavailableError)
    return new Unavailable(
      'Real-time delivery is briefly unavailable; try again shortly',
      brokerRetryAfterSeconds,
    );
  if (error instanceof StoreConflictError) return new Conflict('This conflicts with what is stored');
  if (error instanceof ProviderError) return new ModelFailed(error.message, error.code);
  return undefined;
}
