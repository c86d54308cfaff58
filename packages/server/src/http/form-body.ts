/**
 * `application/x-www-form-urlencoded` bodies (the OAuth2 token endpoint), without a plugin.
 */
import type { FastifyRequest } from 'fastify';

export function formBodyParser(
  _request: FastifyRequest,
  body: string | Buffer,
  done: (error: Error | null, value?: Record<string, string>) => void,
): void {
  done(null, Object.fromEntries(new URLSearchParams(body.toString())));
}
