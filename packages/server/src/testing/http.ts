/**
 * A tiny JSON-over-fetch helper for server tests that exercise the wire directly.
 */
/** What {@link call} resolves with. */
export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or the text when it is not JSON (`undefined` when empty). */
  body: T;
  /** The raw body. */
  text: string;
}

/**
 * One HTTP request with a JSON body (`body`) or a raw one (`raw`); never throws on a status.
 * The method defaults to POST with a body, GET without.
 *
 * @example
 * ```ts
 * const { status, body } = await call(`${server.url}/v1/auth/register`, { body: newAccount('ada') });
 * const me = await call(`${server.url}/v1/auth/me`, { token: body.tokens.accessToken });
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
export async function call<T = any>(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    token?: string;
    headers?: Record<string, string>;
    raw?: string;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

let counter = 0;
/**
 * A unique, policy-compliant account for one test: `{ email, password, displayName }`, ready for
 * `client.auth.register()` or `POST /v1/auth/register`.
 */
export function newAccount(name = 'user') {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return { email: `${name}-${tag}@example.com`, password: 'Correct-horse-9', displayName: `${name} ${tag}` };
}
