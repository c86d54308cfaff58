/**
 * Turns anything thrown while handling a request into the one error envelope — Fastify's own
 * errors included — with no stack traces or internals in the body.
 */
import type { ErrorEnvelope } from '@chatwire/sdk/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asDomainError, type DomainError } from '../services/errors.js';
import { HttpError } from './http-error.js';

/** Where a route's input comes from: the prefix of the paths in a domain error's `fields`. */
export type InputLocation = 'body' | 'query' | 'params';

/** A domain error as the REST edge answers it: its code's status, its fields under `location`. */
function fromDomainError(error: DomainError, location: InputLocation): HttpError {
  const details = error.fields.map((field) => ({ path: [location, ...field.path], message: field.message }));
  return new HttpError(error.code, error.message, {
    ...(details.length > 0 ? { details } : {}),
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  });
}

/** Fastify's parser and router errors, by code, with what the client should do about them. */
const fastifyErrors: Record<string, () => HttpError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new HttpError('bad_request', 'The body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new HttpError('bad_request', 'The body is empty but Content-Type is application/json'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new HttpError('payload_too_large', 'The request body is too large'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new HttpError('unsupported_media_type', 'Send the body as application/json'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new HttpError('bad_request', 'Content-Length does not match the body'),
  FST_ERR_CTP_INVALID_TYPE: () => new HttpError('bad_request', 'Content-Type is malformed'),
  // The router's, through `frameworkErrors` (edge-errors.ts).
  FST_ERR_BAD_URL: () =>
    new HttpError('bad_request', 'The path is malformed: percent-encode it as UTF-8 (%XX with hex digits)'),
  // No code of the contract is 414: the closest one, with the true status (see HttpError).
  FST_ERR_MAX_PARAM_LENGTH: () =>
    new HttpError('bad_request', 'A path segment is too long: no id is that long', { status: 414 }),
};

/**
 * Maps an error to the HttpError the client sees. `location` is where the route's input came
 * from (the prefix of a domain error's field paths); the body by default.
 */
export function toHttpError(error: unknown, location: InputLocation = 'body'): HttpError {
  if (error instanceof HttpError) return error;
  const domain = asDomainError(error);
  if (domain) return fromDomainError(domain, location);
  const fastifyError = error as Partial<FastifyError>;
  const known = fastifyError.code ? fastifyErrors[fastifyError.code] : undefined;
  if (known) return known();
  if (fastifyError.statusCode === 413)
    return new HttpError('payload_too_large', 'The request body is too large');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HttpError('bad_request', 'The request is malformed');
  }
  return new HttpError(
    'internal',
    'Something went wrong on our side; the request id identifies it in the server log',
  );
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: HttpError): FastifyReply {
  const envelope: ErrorEnvelope = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.extra.details ? { details: error.extra.details } : {}),
      requestId: String(request.id),
    },
  };
  if (error.extra.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.extra.retryAfterSeconds))));
  }
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value);
  return reply.code(error.status).type('application/json; charset=utf-8').send(envelope);
}

/** Installs the error and not-found handlers. */
export function installErrorEnvelope(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const httpError = toHttpError(error, request.routeOptions.config.input);
    if (httpError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    }
    return sendError(request, reply, httpError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new HttpError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
