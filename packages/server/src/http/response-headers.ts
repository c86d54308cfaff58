/**
 * The headers every answer of the API carries — successes, errors, server-sent event streams —
 * set by one `onRequest` hook rather than per route, so a new route cannot forget them. Answers
 * written before any hook runs (Fastify's router errors, Node's client errors, refused WebSocket
 * upgrades) take the same set from {@link edgeHeaders}.
 *
 * Not `@fastify/helmet`: its defaults are made for HTML sites (`X-Frame-Options`,
 * `Cross-Origin-*-Policy`, a CSP for pages…), this is a JSON API with one HTML page (`/docs`),
 * and what an API is expected to send is these few lines.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Sent on every answer, `/docs` included. */
const everywhere: Readonly<Record<string, string>> = {
  // A JSON body is never sniffed into HTML or script.
  'x-content-type-options': 'nosniff',
  // URLs here hold conversation and message ids: no Referer leaves for another site.
  'referrer-policy': 'no-referrer',
};

/** Sent on every answer but Swagger UI's page and assets (which bring their own CSP). */
const apiOnly: Readonly<Record<string, string>> = {
  // A JSON answer opened as a document may load, run and frame nothing (OWASP REST Security).
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  // Tokens, messages and profiles: no browser or proxy cache may keep a copy. RFC 6749 §5.1
  // makes `no-store` and `Pragma: no-cache` (for HTTP/1.0 caches) a MUST on token responses; the
  // other answers are per user too, and errors and `/health` describe a moment.
  'cache-control': 'no-store',
  pragma: 'no-cache',
};

/** Swagger UI (`@fastify/swagger-ui` under `/docs`): an HTML page with scripts, its own CSP. */
function isDocs(url: string): boolean {
  return url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');
}

/** The request id and the headers above for `url`, onto `reply`. */
export function setResponseHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  for (const name in everywhere) reply.header(name, everywhere[name]);
  if (isDocs(request.url)) return;
  for (const name in apiOnly) reply.header(name, apiOnly[name]);
}

/** The same headers for an answer written on the raw socket (no Fastify reply exists). */
export function edgeHeaders(requestId: string): Record<string, string> {
  return { 'x-request-id': requestId, ...everywhere, ...apiOnly };
}

/** Installs the hook: on every request, before routing's own hooks (authentication, limits). */
export function installResponseHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    setResponseHeaders(request, reply);
    done();
  });
}
