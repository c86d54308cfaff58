/** The Fastify instance under every chatwire route: logging, body and header limits, the one error envelope. */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { answerClientError, frameworkErrors, installEdgeRefusals } from './http/edge-errors.js';
import { installErrorEnvelope } from './http/error-envelope.js';
import { formBodyParser } from './http/form-body.js';
import { serializeRequest } from './http/log-serializers.js';
import { installResponseHeaders } from './http/response-headers.js';
import type { AppOptions } from './options.js';

/** A Fastify instance with chatwire's edge: the envelope for every error, headers, refusals, form bodies. */
export function createEdge(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            ...(typeof options.logger === 'object' ? options.logger : {}),
            // Tokens never reach the logs: neither headers nor the token endpoints' bodies are logged,
            // and a signed file URL's signature is cut from the URL (log-serializers.ts).
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
            serializers: {
              ...(typeof options.logger === 'object' ? options.logger.serializers : {}),
              req: serializeRequest,
            },
          },
    bodyLimit: options.limits.bodyBytes,
    http: { maxHeaderSize: options.limits.headerBytes },
    trustProxy: options.trustProxy,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Errors Fastify and Node answer outside the lifecycle, in the one envelope (edge-errors.ts).
    frameworkErrors,
    clientErrorHandler: answerClientError,
    return503OnClosing: false, // installEdgeRefusals answers 503 in the envelope instead
    forceCloseConnections: 'idle',
  });
  // Every route registered, so a test can hold the server to its contract.
  const registered: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registered.push({ method, url: route.url });
  });
  app.decorate('registeredRoutes', registered);
  installResponseHeaders(app);
  installEdgeRefusals(app);
  installErrorEnvelope(app);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, formBodyParser);
  return app;
}
