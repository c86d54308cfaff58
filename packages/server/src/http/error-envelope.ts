/**
 * Turns anything thrown while handling a request into the one error envelope — Fastify's own
 * errors included — with no stack traces or internals in the body.
 */
import type { ErrorEnvelope } from '@chatwire/sdk/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProviderError } from '../providers/provider.js';
import { StoreUnavailableError } from '../store/store.js';
import { HttpError } from './http-error.js';

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
};

/** Maps an error to the HttpError the client sees. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof StoreUnavailableError) {
    return new HttpError('unavailable', 'Storage is unavailable; try again shortly', {
      retryAfterSeconds: 5,
    });
  }
  if (error instanceof ProviderError) return new HttpError(error.code, error.message);
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
    const httpError = toHttpError(error);
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
