/**
 * The errors answered before (or instead of) Fastify's request lifecycle, in the one envelope:
 * the router's (a malformed percent-encoding, a path parameter over `maxParamLength`), Node's
 * HTTP parser's (a request head over `maxHeaderSize`, a request that is not HTTP), an `Expect`
 * the server cannot meet, and requests that arrive while the server shuts down. Fastify and Node
 * answer these in shapes of their own (`{"error":"Bad Request","statusCode":400}`, or no body):
 * a client would have to parse two error formats, and the SDK would lose the code and request id.
 */
import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode, ErrorEnvelope } from '@chatwire/sdk/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, toHttpError } from './error-envelope.js';
import { HttpError } from './http-error.js';
import { edgeHeaders, setResponseHeaders } from './response-headers.js';

/** Seconds a client is asked to wait before retrying a request refused during shutdown. */
const shuttingDownRetryAfterSeconds = 1;

/**
 * Fastify's `frameworkErrors`: errors of the router, raised before any hook ran (so the headers
 * the hooks set are set here).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  setResponseHeaders(request, reply);
  if (error.statusCode === undefined || error.statusCode >= 500)
    request.log.error({ err: error }, 'router failed');
  sendError(request, reply, toHttpError(error));
}

/**
 * An error answer as raw HTTP/1.1, for a socket with no Fastify reply (Node's client errors, a
 * refused WebSocket upgrade): the envelope with a request id of its own, the API's headers, and
 * `Connection: close` (the socket is closed after it).
 */
export function rawErrorResponse(
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): string {
  const requestId = randomUUID();
  const envelope: ErrorEnvelope = { error: { code, message, requestId } };
  const body = JSON.stringify(envelope);
  const lines = Object.entries({
    ...edgeHeaders(requestId),
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  }).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * What Node's parser errors answer. The contract has no code for 408 or 431: they answer the
 * closest, `bad_request`, with their true status (what proxies and logs read); the SDK derives
 * `bad_request` for an unknown 4xx as well.
 */
function clientErrorAnswer(code: string | undefined, headerBytes: number): [number, ErrorCode, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        'bad_request',
        `The request line and headers are over ${headerBytes} bytes: send less (a shorter query string, fewer cookies)`,
      ];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'payload_too_large', 'The chunk extensions of the body are too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'bad_request', 'The request took too long to arrive: send it again'];
    default:
      return [400, 'bad_request', 'The request is not valid HTTP/1.1'];
  }
}

/**
 * Fastify's `clientErrorHandler` (Node's `clientError`): the parser failed before a request
 * existed. Answered in the envelope unless a response is already under way on the socket.
 */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset or a closed socket: nobody is left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // `limits.headerBytes`, given to the server as `maxHeaderSize` (Node's default without it).
  const headerBytes = (this.server as { maxHeaderSize?: number }).maxHeaderSize ?? maxHeaderSize;
  const [status, code, message] = clientErrorAnswer(error.code, headerBytes);
  this.log.debug({ err: error, status }, 'client error');
  // As Node's own handler: never write into a response whose head already left.
  const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !current?.headersSent) socket.write(rawErrorResponse(status, code, message));
  socket.destroy(error);
}

/**
 * Refuses, in the envelope, what the server cannot do for a request: a request that arrives
 * during shutdown (503 `unavailable` with `Retry-After`: the SDK retries it, reaching another
 * process behind a balancer) — in place of Fastify's `return503OnClosing`, whose body is its own —
 * and an `Expect` other than `100-continue` (417, which Node answers with no body).
 */
export function installEdgeRefusals(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    if (!closing) return done();
    done(
      new HttpError('unavailable', 'The server is shutting down: retry the request', {
        retryAfterSeconds: shuttingDownRetryAfterSeconds,
      }),
    );
  });
  app.server.on('checkExpectation', (request, response) => {
    const requestId = randomUUID();
    const message = `Expect: ${String(request.headers.expect).slice(0, 64)} is not supported: send no Expect header`;
    const body = JSON.stringify({
      error: { code: 'bad_request', message, requestId },
    } satisfies ErrorEnvelope);
    response.writeHead(417, {
      ...edgeHeaders(requestId),
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    response.end(body);
  });
}
