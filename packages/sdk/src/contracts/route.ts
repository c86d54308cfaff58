/**
 * The shape of a route contract, and the types derived from one.
 */
import type * as z from 'zod/mini';
import type { Endpoint } from './endpoints.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A schema of any shape (a `zod/mini` or classic `zod` 4 schema). */
export type Schema = z.ZodMiniType;

/**
 * One REST route, declared once: the server registers it, the SDK calls it, OpenAPI documents it.
 * Its {@link Endpoint} (method, path, auth) plus the schemas and documentation.
 */
export interface RouteContract extends Endpoint {
  readonly summary: string;
  readonly description?: string;
  /** The OpenAPI tag (groups routes in `/docs`). */
  readonly tag: string;
  readonly params?: Schema;
  readonly query?: Schema;
  readonly body?: Schema;
  /** Success responses by status; `null` for no content. */
  readonly responses: { readonly [status: number]: Schema | null };
  /** Error codes this route may answer with, besides the ones every route may (documentation). */
  readonly errors?: readonly string[];
  /** The events sent when the request asks for `Accept: text/event-stream`. */
  readonly sse?: Schema;
  /** Which rate-limit bucket the route draws from (default: the per-user bucket). */
  readonly rateLimit?: 'auth' | 'none';
  /**
   * Whether the route publishes real-time events: while the broker is down it is refused with
   * 503 `unavailable` before doing anything. Default: an authenticated, non-GET REST route does.
   */
  readonly events?: boolean;
}

/** What a schema parses to (`undefined` where a route declares none). */
export type SchemaOutput<S> = S extends Schema ? z.output<S> : undefined;
/** What a schema accepts (`undefined` where a route declares none). */
export type SchemaInput<S> = S extends Schema ? z.input<S> : undefined;

/** Validated path parameters of a route. */
export type RouteParams<R extends RouteContract> = SchemaOutput<R['params']>;
/** Validated query of a route. */
export type RouteQuery<R extends RouteContract> = SchemaOutput<R['query']>;
/** Validated body of a route. */
export type RouteBody<R extends RouteContract> = SchemaOutput<R['body']>;
/** What a caller may send as the query (before defaults and coercion). */
export type RouteQueryInput<R extends RouteContract> = SchemaInput<R['query']>;
/** What a caller may send as the body (before defaults). */
export type RouteBodyInput<R extends RouteContract> = SchemaInput<R['body']>;

/** Every success a route answers with, as `{ status, body }`. */
export type RouteResult<R extends RouteContract> = {
  [S in keyof R['responses'] & number]: { status: S; body: SchemaOutput<R['responses'][S]> };
}[keyof R['responses'] & number];

/** The success body of a route (the union over its success statuses). */
export type RouteResponse<R extends RouteContract> = RouteResult<R>['body'];

/** Declares a route table, keeping each route's literal types. */
export function defineRoutes<const T extends Record<string, RouteContract>>(routes: T): T {
  return routes;
}
