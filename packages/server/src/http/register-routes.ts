/**
 * Registers every route of the contract table on Fastify: authentication, rate limits, edge
 * validation and the handler — so a route exists on the server exactly when it is in the contract.
 */
import type { RouteContract, RouteResult } from '@chatwire/sdk/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { brokerUnavailable, Unauthenticated } from '../services/errors.js';
import type { InputLocation } from './error-envelope.js';
import { type Handler, type RequestContext, type Streamed, streamed } from './handler.js';
import { HttpError } from './http-error.js';
import type { RateLimiters } from './rate-limit.js';
import { validate } from './validate.js';

export interface RouteRegistration<T extends Record<string, RouteContract>> {
  routes: T;
  /** A handler for every route but WebSocket upgrades. */
  handlers: { [K in keyof T as T[K] extends { websocket: true } ? never : K]: Handler<T[K]> };
  /** Verifies a bearer access token and returns its user id; throws `Unauthenticated` otherwise. */
  authenticate: (token: string) => Promise<string>;
  limiters: RateLimiters;
  /**
   * Whether events can be published now (the broker's `available()`); while `false`, routes that
   * {@link publishesEvents} answer 503 `unavailable` before doing anything. Default: always.
   */
  brokerAvailable?: () => boolean;
}

/**
 * Whether a route's write is announced to other users through the broker: its contract's `events`,
 * by default the signed-in, non-GET routes (sends, edits, deletes, read markers, conversation and
 * membership changes, regenerate, stop). While the broker is down these are refused *before* their
 * transaction: storing the change but announcing it only later (or never) is what an up-front 503
 * avoids, and the SDK's idempotent retries carry users through a short outage. GETs read the store
 * and keep working; the routes that announce nothing (a password change, uploads) say
 * `events: false`.
 */
export function publishesEvents(route: RouteContract): boolean {
  if (route.websocket) return false;
  return route.events ?? (route.auth && route.method !== 'GET');
}

const bearer = /^Bearer\s+(\S+)$/i;
/** The signed-in user of each request, set by the route's onRequest hook. */
const userIds = new WeakMap<FastifyRequest, string>();

function bearerToken(request: FastifyRequest): string {
  const match = bearer.exec(request.headers.authorization ?? '');
  if (!match?.[1]) {
    // RFC 6750 §3: a request with no credentials gets the bare challenge.
    throw new HttpError('unauthorized', 'Sign in first: send Authorization: Bearer <access token>', {
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
  return match[1];
}

/**
 * The signed-in user of a request: its bearer token verified (and its account found). A refused
 * token gets RFC 6750's `invalid_token` challenge with the domain error's code and message; any
 * other failure (storage unreachable) is answered as itself.
 */
async function signedInUser(
  request: FastifyRequest,
  authenticate: (token: string) => Promise<string>,
): Promise<string> {
  const token = bearerToken(request);
  try {
    return await authenticate(token);
  } catch (error) {
    if (!(error instanceof Unauthenticated)) throw error;
    throw new HttpError(error.code, error.message, {
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }
}

/** The email an auth request is about, for the per-email limit (before validation: any string). */
function emailOf(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  const email = record.email ?? record.username;
  return typeof email === 'string' ? email.trim().toLowerCase() : null;
}

function checkContentType(route: RouteContract, request: FastifyRequest): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (route.bodyType === 'multipart') {
    // Its handler reads the body as a stream: nothing has been parsed yet.
    if (type !== 'multipart/form-data')
      throw new HttpError(
        'unsupported_media_type',
        'Send the file as multipart/form-data, in a field named file',
      );
    return;
  }
  // A multipart body is never parsed up front (the parser only marks it), so its body is undefined.
  if (!route.body || (request.body === undefined && type !== 'multipart/form-data')) return;
  const wanted = route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  if (type !== wanted) throw new HttpError('unsupported_media_type', `Send the body as ${wanted}`);
}

/** The part of a request a route's handler passes to its use case: the body if it has one. */
function inputLocation(route: RouteContract): InputLocation {
  if (route.body || route.bodyType === 'multipart') return 'body';
  return route.query ? 'query' : 'params';
}

/** A handler with its route's types erased: inputs are validated against the route at run time. */
type ErasedHandler = (
  input: unknown,
  context: RequestContext,
) => Promise<RouteResult<RouteContract> | Streamed>;

export function registerRoutes<T extends Record<string, RouteContract>>(
  app: FastifyInstance,
  registration: RouteRegistration<T>,
): void {
  const { routes, handlers, authenticate, limiters } = registration;
  const brokerAvailable = registration.brokerAvailable ?? (() => true);
  for (const name of Object.keys(routes) as (keyof T & string)[]) {
    const route = routes[name] as RouteContract;
    if (route.websocket) continue; // the real-time gateway registers its own upgrade route
    const handler = (handlers as Record<string, unknown>)[name] as ErasedHandler | undefined;
    if (!handler) throw new Error(`No handler for contract route ${name}`);

    const gated = publishesEvents(route);
    const onRequest = async (request: FastifyRequest) => {
      if (route.rateLimit === 'auth') await limiters.authByIp(request, request.ip);
      // A binary answer (a file's bytes) takes a bearer token when one is sent; without one, the
      // route checks what stands in for it (a signed URL).
      const signsIn = route.auth || (route.binary === true && request.headers.authorization !== undefined);
      if (signsIn) {
        const userId = await signedInUser(request, authenticate);
        userIds.set(request, userId);
        // After authentication (a bad token is still 401: retrying would not help), before
        // anything is counted or stored.
        if (gated && !brokerAvailable()) throw brokerUnavailable();
        if (route.rateLimit !== 'none') await limiters.perUser(request, userId);
      }
    };

    app.route({
      method: route.method,
      url: route.path,
      config: { operationId: name, input: inputLocation(route) },
      onRequest,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        if (route.rateLimit === 'auth') {
          // A signed-in auth route (a password change) counts against the account, so guesses
          // of its password from many addresses share one budget, as login's per-email one.
          const signedIn = userIds.get(request);
          const email = signedIn === undefined ? emailOf(request.body) : `user:${signedIn}`;
          if (email) await limiters.authByEmail(request, email);
        }
        checkContentType(route, request);
        const input = {
          params: validate(route.params, request.params, 'params'),
          query: validate(route.query, request.query, 'query'),
          body: validate(route.body, request.body ?? {}, 'body'),
        };
        const context: RequestContext = { request, reply, userId: userIds.get(request) ?? null };
        const result = await handler(input, context);
        if (result === streamed) return reply;
        reply.code(result.status);
        return result.body === null || result.body === undefined ? reply.send() : reply.send(result.body);
      },
    });
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The contract route this Fastify route was registered from. */
    operationId?: string;
    /** Where the route's input comes from: domain errors name fields relative to it. */
    input?: InputLocation;
  }
}
