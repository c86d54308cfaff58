/**
 * What the request log line says of a request. Fastify's default writes the URL whole, and a file
 * part's signed URL (`/v1/files/:id/content?expires=…&signature=…`) is a credential: anyone holding
 * it reads the file until it expires. So the query's secrets are replaced before a line is written,
 * as the `Authorization` header never is logged.
 */
import type { FastifyRequest } from 'fastify';

/** Query parameters whose values are credentials. */
const secretParameters = /([?&](?:signature|token|access_token|X-Amz-Signature|X-Amz-Credential)=)[^&#]*/gi;

/** `url` with the values of credential parameters replaced by `[redacted]`. */
export function redactedUrl(url: string): string {
  return url.includes('?') ? url.replace(secretParameters, '$1[redacted]') : url;
}

/** The request as Fastify's default serializer writes it, the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
