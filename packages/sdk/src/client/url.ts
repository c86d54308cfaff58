/**
 * Turns a route contract and a call's params, query and body into a URL and a request body.
 */
import type { Endpoint } from '../contracts/endpoints.js';

type Scalar = string | number | boolean;
/** Query values: scalars, lists of scalars (repeated keys), or nothing (left out). */
export type QueryValues = Record<string, Scalar | readonly Scalar[] | null | undefined>;

/**
 * The URL of a call: `baseUrl` + the route's path with each `:param` filled in (URI-encoded, so an
 * id can never change the path) + the query, leaving out `undefined` and `null` values.
 */
export function buildUrl(
  baseUrl: string,
  route: Endpoint,
  params: Record<string, unknown> | undefined,
  query: QueryValues | undefined,
): string {
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`Missing path parameter "${name}" for ${route.method} ${route.path}`);
    }
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) search.append(key, String(item));
    }
  }
  const queryString = search.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${queryString ? `?${queryString}` : ''}`;
}

/** The body and its content type: form-encoded for `bodyType: 'form'` routes, JSON otherwise. */
export function encodeBody(
  route: Endpoint,
  body: unknown,
): { body: string; contentType: string } | undefined {
  if (body === undefined) return undefined;
  if (route.bodyType === 'form') {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (value !== undefined && value !== null) form.append(key, String(value));
    }
    return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return { body: JSON.stringify(body), contentType: 'application/json' };
}
