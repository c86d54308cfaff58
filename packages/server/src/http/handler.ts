/**
 * What a route handler is: a small function of the validated input and a context, typed from
 * its contract.
 */
import type {
  RouteBody,
  RouteContract,
  RouteName,
  RouteParams,
  RouteQuery,
  RouteResult,
  Routes,
} from '@chatwire/sdk/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface HandlerInput<R extends RouteContract> {
  params: RouteParams<R>;
  query: RouteQuery<R>;
  body: RouteBody<R>;
}

export interface RequestContext {
  request: FastifyRequest;
  reply: FastifyReply;
  /** The signed-in user on routes with `auth: true`. */
  userId: string | null;
}

export interface AuthedContext extends RequestContext {
  userId: string;
}

/** Returned by a handler that has written the response itself (an SSE stream). */
export const streamed: unique symbol = Symbol('streamed');
export type Streamed = typeof streamed;

export type Handler<R extends RouteContract> = (
  input: HandlerInput<R>,
  context: R['auth'] extends true ? AuthedContext : RequestContext,
) => Promise<RouteResult<R> | Streamed>;

/** The REST routes: every contract route but the WebSocket upgrade. */
export type RestRouteName = {
  [K in RouteName]: Routes[K] extends { websocket: true } ? never : K;
}[RouteName];

/** One handler per REST contract route: a missing or extra one is a type error. */
export type RouteHandlers = { [K in RestRouteName]: Handler<Routes[K]> };
