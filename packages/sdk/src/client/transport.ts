/**
 * The one way the client talks HTTP: a call is made from a route contract, with the bearer token
 * read per request, one shared token refresh on expiry, our retry policy and per-attempt timeouts.
 *
 * The fetching is the platform's `fetch` (or the one given), called as it is: the policy lives here
 * and in `retry.ts`, where it is explicit and testable. (ky did the fetching with its retries,
 * timeout and HTTP errors all turned off — 4.4 kB gzipped of a browser bundle for nothing it did.)
 */
import { type EndpointName, endpoints } from '../contracts/endpoints.js';
import type {
  RouteBodyInput,
  RouteContract,
  RouteParams,
  RouteQuery,
  RouteResponse,
  Schema,
} from '../contracts/route.js';
import type { Routes } from '../contracts/routes.js';
import { type AuthSession, createAuthSession } from './auth-session.js';
import {
  apiErrorFrom,
  ChatwireError,
  ConnectionError,
  parseRetryAfter,
  TimeoutError,
  unreachable,
} from './errors.js';
import {
  defaultRetryOptions,
  isIdempotent,
  isRetryableStatus,
  type RetryOptions,
  retryDelay,
} from './retry.js';
import { memoryTokenStore, type TokenStore } from './token-store.js';
import { buildUrl, encodeBody, type QueryValues } from './url.js';

/** How the client reaches the server. Only `baseUrl` is required. */
export interface TransportOptions {
  /** Where the server is, e.g. `https://chat.example.com` or `/api` behind the same origin. */
  baseUrl: string;
  /** The `fetch` to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Where tokens are kept. Default: {@link memoryTokenStore}. */
  tokenStore?: TokenStore;
  /** Time allowed for each attempt, in ms (`Infinity` for none). Default `60000`. */
  timeoutMs?: number;
  /** The retry policy; see {@link RetryOptions} for each default. */
  retry?: Partial<RetryOptions>;
  /** Headers sent with every request (computed once; the bearer token is added per request). */
  headers?: Record<string, string>;
}

/** Options every call accepts. */
export interface RequestOptions {
  /** Aborts the call; the client then rethrows `signal.reason` (as `fetch` does). */
  signal?: AbortSignal;
  /** This call's time allowed per attempt, in ms. */
  timeoutMs?: number;
  /** This call's retries (only idempotent requests are retried at all). */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

export type ParamsArg<R extends RouteContract> = R['params'] extends Schema
  ? { params: RouteParams<R> }
  : { params?: undefined };
export type QueryArg<R extends RouteContract> = R['query'] extends Schema
  ? { query?: Partial<RouteQuery<R>> | undefined }
  : { query?: undefined };
export type BodyArg<R extends RouteContract> = R['body'] extends Schema
  ? { body: RouteBodyInput<R> }
  : { body?: undefined };

/** What a call of route `R` takes: its path params, query and body as the contract types them. */
export type RouteCall<R extends RouteContract> = ParamsArg<R> & QueryArg<R> & BodyArg<R> & RequestOptions;

/**
 * Low-level access to the API, for what the resource methods do not cover (streaming, realtime,
 * a route added to a newer server).
 */
export interface Transport {
  /**
   * Calls the route named `name` (its operation id, e.g. `'listMessages'`) and returns its parsed
   * JSON body (`undefined` for 204). Throws `ApiError` & co.
   */
  request<K extends EndpointName>(name: K, call: RouteCall<Routes[K]>): Promise<RouteResponse<Routes[K]>>;
  /**
   * Calls `route` and returns the successful `Response` unread, e.g. an SSE stream. The timeout
   * covers the wait for the response headers only; the caller's `signal` still aborts the body.
   */
  send<K extends EndpointName>(name: K, call: RouteCall<Routes[K]>): Promise<Response>;
  /** The session: tokens, refresh and change listeners. */
  readonly session: AuthSession;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; response: Response; text: string };

/** 2³¹−1 ms: the longest delay `setTimeout` honours. */
const maxTimerMs = 2_147_483_647;

/** Creates the transport every resource shares. */
export function createTransport(options: TransportOptions): Transport {
  // Read at each call (a test or a polyfill may set the global later), and called unbound: a
  // browser's `fetch` refuses another `this`.
  const http: typeof fetch = (input, init) => (options.fetch ?? fetch)(input, init);
  const retry: RetryOptions = { ...defaultRetryOptions, ...options.retry };
  const defaultTimeoutMs = options.timeoutMs ?? 60_000;
  // The per-route call types are checked at the public signatures; inside, every route is alike.
  const erase = <R extends RouteContract>(call: RouteCall<R>) => call as RouteCall<RouteContract>;
  const session = createAuthSession(
    options.tokenStore ?? memoryTokenStore(),
    async (refreshToken) => (await request('refresh', { body: { refreshToken } })).tokens,
  );

  /** One attempt: fetch and `consume` the response within the timeout, or read the error body. */
  async function attempt<T>(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string | undefined },
    call: RequestOptions,
    consume: ((response: Response) => Promise<T>) | null,
  ): Promise<Outcome<T>> {
    const { signal } = call;
    signal?.throwIfAborted();
    const timeoutMs = call.timeoutMs ?? defaultTimeoutMs;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(
          () => {
            timedOut = true;
            controller.abort();
          },
          Math.min(timeoutMs, maxTimerMs),
        )
      : undefined;
    try {
      const response = await http(url, { ...init, signal: controller.signal });
      if (!response.ok) return { ok: false, response, text: await response.text() };
      return { ok: true, value: consume ? await consume(response) : (response as T) };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) {
        throw new TimeoutError(
          `${init.method} ${url} got no answer within ${timeoutMs} ms; raise timeoutMs if the server is slow`,
          { cause: error },
        );
      }
      if (ChatwireError.isInstance(error)) throw error;
      throw unreachable(url, error);
    } finally {
      clearTimeout(timer);
      // A returned stream (`consume` null) must stay abortable by the caller's signal.
      if (consume) signal?.removeEventListener('abort', onAbort);
    }
  }

  async function run<T>(
    name: EndpointName,
    call: RouteCall<RouteContract>,
    consume: ((response: Response) => Promise<T>) | null,
  ): Promise<T> {
    const route = endpoints[name];
    const url = buildUrl(
      options.baseUrl,
      route,
      call.params as Record<string, unknown> | undefined,
      call.query as QueryValues | undefined,
    );
    const encoded = encodeBody(route, call.body);
    const idempotent = isIdempotent(route, call.body);
    const maxRetries = call.maxRetries ?? retry.maxRetries;
    let retries = 0;
    let refreshed = false;
    for (;;) {
      // Read the token for every attempt: a refresh (here or elsewhere) may have replaced it.
      const accessToken = route.auth ? (await session.tokens())?.accessToken : undefined;
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...options.headers,
        ...call.headers,
        ...(encoded && { 'content-type': encoded.contentType }),
        ...(accessToken && { authorization: `Bearer ${accessToken}` }),
      };
      let outcome: Outcome<T>;
      try {
        outcome = await attempt(url, { method: route.method, headers, body: encoded?.body }, call, consume);
      } catch (error) {
        const transient = TimeoutError.isInstance(error) || ConnectionError.isInstance(error);
        if (!transient || !idempotent || retries >= maxRetries) throw error;
        await retry.sleep(retryDelay(retries++, null, retry) ?? 0, call.signal);
        continue;
      }
      if (outcome.ok) return outcome.value;

      const { status, headers: responseHeaders } = outcome.response;
      const error = apiErrorFrom(status, responseHeaders, outcome.text);
      // An expired (or, e.g. after a key rotation, rejected) access token: refresh once, replay.
      const refreshable = error.code === 'token_expired' || error.code === 'unauthorized';
      if (status === 401 && accessToken && refreshable && !refreshed) {
        refreshed = true;
        await session.refresh(accessToken);
        continue;
      }
      if (idempotent && retries < maxRetries && isRetryableStatus(status, error.code)) {
        const delay = retryDelay(retries, parseRetryAfter(responseHeaders.get('retry-after')), retry);
        if (delay !== null) {
          retries++;
          await retry.sleep(delay, call.signal);
          continue;
        }
      }
      throw error;
    }
  }

  async function readJson<T>(response: Response): Promise<T> {
    const text = response.status === 204 ? '' : await response.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new ChatwireError(`The server answered ${response.status} with a body that is not JSON`, {
        cause: error,
      });
    }
  }

  function request<K extends EndpointName>(
    name: K,
    call: RouteCall<Routes[K]>,
  ): Promise<RouteResponse<Routes[K]>> {
    return run(name, erase(call), readJson<RouteResponse<Routes[K]>>);
  }

  return { request, send: (name, call) => run(name, erase(call), null), session };
}
