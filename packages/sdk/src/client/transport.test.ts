import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  ProviderError,
  TimeoutError,
  UnavailableError,
} from './errors.js';
import {
  errorResponse,
  fakeFetch,
  hang,
  ids,
  json,
  type RecordedRequest,
  recordingSleep,
  tokens,
  user,
} from './fake-fetch.test-support.js';
import { memoryTokenStore } from './token-store.js';
import { createTransport, type TransportOptions } from './transport.js';

const baseUrl = 'https://api.test';

function setup(script: Parameters<typeof fakeFetch>[0], options: Partial<TransportOptions> = {}) {
  const fake = fakeFetch(script);
  const { delays, sleep } = recordingSleep();
  const store = memoryTokenStore(tokens('old'));
  const transport = createTransport({
    baseUrl,
    fetch: fake.fetch,
    tokenStore: store,
    ...options,
    retry: { sleep, random: () => 0.5, ...options.retry },
  });
  return { transport, requests: fake.requests, delays, store };
}

describe('URLs and bodies from the route table', () => {
  it('fills path params URI-encoded and appends the query, skipping undefined values', async () => {
    const { transport, requests } = setup([json(200, {}), json(200, { items: [], nextCursor: null })]);
    await transport.request('getConversation', { params: { id: 'a/b c?d' } });
    await transport.request('searchUsers', { query: { q: 'ada & bob', limit: 5, cursor: undefined } });
    expect(requests.map((r) => r.url)).toEqual([
      'https://api.test/v1/conversations/a%2Fb%20c%3Fd',
      'https://api.test/v1/users?q=ada+%26+bob&limit=5',
    ]);
    expect(requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('keeps a path prefix of baseUrl and drops its trailing slash', async () => {
    const { transport, requests } = setup([json(200, {})], { baseUrl: 'https://host.test/api/' });
    await transport.request('removeParticipant', { params: { id: ids.conversation, userId: ids.user } });
    expect(requests[0]?.url).toBe(
      `https://host.test/api/v1/conversations/${ids.conversation}/participants/${ids.user}`,
    );
    expect(requests[0]?.method).toBe('DELETE');
  });

  it('refuses to call a route with a missing path param', async () => {
    const { transport, requests } = setup([]);
    await expect(transport.request('getConversation', { params: { id: '' } })).rejects.toThrow(
      'Missing path parameter "id" for GET /v1/conversations/:id',
    );
    expect(requests).toHaveLength(0);
  });

  it('sends a form body to bodyType form routes (the OAuth2 token endpoint)', async () => {
    const answer = { access_token: 'a', token_type: 'bearer', expires_in: 900, refresh_token: 'r' };
    const { transport, requests } = setup([json(200, answer)]);
    const result = await transport.request('token', {
      body: { grant_type: 'password', username: 'ada@example.com', password: 'p&ss=word' },
    });
    expect(result).toEqual(answer);
    expect(requests[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(requests[0]?.body).toBe('grant_type=password&username=ada%40example.com&password=p%26ss%3Dword');
    expect(requests[0]?.headers.get('authorization')).toBeNull();
  });

  it('sends JSON bodies with content-type and accept headers and merges custom headers', async () => {
    const { transport, requests } = setup([json(200, {})], { headers: { 'x-app': 'demo' } });
    await transport.request('updateConversation', {
      params: { id: ids.conversation },
      body: { title: 'Trip' },
      headers: { 'x-call': '1' },
    });
    const [request] = requests;
    expect(request?.method).toBe('PATCH');
    expect(JSON.parse(request?.body ?? '')).toEqual({ title: 'Trip' });
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('accept')).toBe('application/json');
    expect(request?.headers.get('x-app')).toBe('demo');
    expect(request?.headers.get('x-call')).toBe('1');
  });

  it('answers undefined for 204', async () => {
    const { transport } = setup([new Response(null, { status: 204 })]);
    await expect(transport.request('deleteConversation', { params: { id: ids.conversation } })).resolves.toBe(
      undefined,
    );
  });

  it('send() hands back the unread Response', async () => {
    const { transport } = setup([new Response('data: 1\n\n', { status: 200 })]);
    const response = await transport.send('streamMessage', {
      params: { id: ids.conversation, messageId: ids.message },
      query: { offset: 3 },
    });
    expect(await response.text()).toBe('data: 1\n\n');
  });
});

describe('bearer token', () => {
  it('is read from the store for every request, and only sent to routes that need it', async () => {
    const { transport, requests, store } = setup(() => json(200, user));
    await transport.request('me', {});
    await store.set(tokens('next'));
    await transport.request('me', {});
    await transport.request('health', {});
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer access-old',
      'Bearer access-next',
      null,
    ]);
  });
});

describe('token refresh', () => {
  /** The server: `access-old` has expired; refresh trades `refresh-old` for `new` tokens. */
  function server(refresh: (request: RecordedRequest) => Response | Promise<Response>) {
    return async (request: RecordedRequest) => {
      if (request.path === '/v1/auth/refresh') return refresh(request);
      if (request.headers.get('authorization') === 'Bearer access-new') return json(200, user);
      return errorResponse(401, 'token_expired');
    };
  }

  it('refreshes once for concurrent calls and replays each of them', async () => {
    const { transport, requests, store } = setup(
      server(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return json(200, { tokens: tokens('new') });
      }),
    );
    const changes: unknown[] = [];
    transport.session.onChange((change) => changes.push(change));
    const results = await Promise.all([
      transport.request('me', {}),
      transport.request('me', {}),
      transport.request('me', {}),
    ]);
    expect(results).toEqual([user, user, user]);
    const refreshes = requests.filter((r) => r.path === '/v1/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(JSON.parse(refreshes[0]?.body ?? '')).toEqual({ refreshToken: 'refresh-old' });
    expect(requests.filter((r) => r.headers.get('authorization') === 'Bearer access-new')).toHaveLength(3);
    expect(requests).toHaveLength(7);
    expect(await store.get()).toEqual(tokens('new'));
    expect(changes).toEqual([{ type: 'refreshed', tokens: tokens('new') }]);
  });

  it('does not refresh again for a call refused with a token that was already replaced', async () => {
    const { transport, requests } = setup(server(() => json(200, { tokens: tokens('new') })));
    await transport.request('me', {});
    await transport.session.refresh('access-old');
    expect(requests.filter((r) => r.path === '/v1/auth/refresh')).toHaveLength(1);
  });

  it('clears the session and throws AuthenticationError when the refresh is refused', async () => {
    const { transport, requests, store } = setup(
      server(() => errorResponse(401, 'unauthorized', 'The refresh token was revoked')),
    );
    const changes: unknown[] = [];
    transport.session.onChange((change) => changes.push(change));
    const failure = transport.request('me', {});
    await expect(failure).rejects.toBeInstanceOf(AuthenticationError);
    await expect(failure).rejects.toMatchObject({
      code: 'unauthorized',
      message: 'The refresh token was revoked',
    });
    expect(await store.get()).toBeNull();
    expect(changes).toEqual([{ type: 'signed-out', tokens: null, reason: 'session-expired' }]);
    expect(requests.map((r) => r.path)).toEqual(['/v1/auth/me', '/v1/auth/refresh']);
  });

  it('keeps the session when the refresh fails for another reason', async () => {
    const { transport, store } = setup(server(() => errorResponse(500, 'internal')));
    await expect(transport.request('me', {})).rejects.toMatchObject({ status: 500, code: 'internal' });
    expect(await store.get()).toEqual(tokens('old'));
  });

  it('refreshes on unauthorized too, but replays only once', async () => {
    const { transport, requests } = setup([
      errorResponse(401, 'unauthorized'),
      json(200, { tokens: tokens('new') }),
      errorResponse(401, 'token_expired'),
    ]);
    await expect(transport.request('me', {})).rejects.toMatchObject({
      status: 401,
      code: 'token_expired',
    });
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer access-old',
      null,
      'Bearer access-new',
    ]);
  });

  it('does not refresh without a token or on invalid_credentials', async () => {
    const signedOut = setup([errorResponse(401, 'unauthorized')], { tokenStore: memoryTokenStore() });
    await expect(signedOut.transport.request('me', {})).rejects.toBeInstanceOf(AuthenticationError);
    expect(signedOut.requests).toHaveLength(1);
    const login = setup([errorResponse(401, 'invalid_credentials')]);
    await expect(
      login.transport.request('login', { body: { email: 'ada@example.com', password: 'x' } }),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(login.requests).toHaveLength(1);
  });
});

describe('retries', () => {
  const listConversations = { query: { limit: 10 } };

  it('honours Retry-After (seconds) on 503, then backs off with full jitter', async () => {
    const { transport, requests, delays } = setup(
      [
        errorResponse(503, 'unavailable', 'Storage is unavailable', { 'retry-after': '2' }),
        errorResponse(503, 'unavailable'),
        json(200, { items: [], nextCursor: null }),
      ],
      { retry: { maxRetries: 3 } },
    );
    await expect(transport.request('listConversations', listConversations)).resolves.toEqual({
      items: [],
      nextCursor: null,
    });
    expect(requests).toHaveLength(3);
    // 2 s from Retry-After; then retry #1: random 0.5 × min(8000, 500 × 2¹) = 500.
    expect(delays).toEqual([2000, 500]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const when = new Date(Date.now() + 5000).toUTCString();
    const { transport, delays } = setup([
      errorResponse(429, 'rate_limited', 'Slow down', { 'retry-after': when }),
      json(200, { items: [], nextCursor: null }),
    ]);
    await transport.request('listConversations', listConversations);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(3000);
    expect(delays[0]).toBeLessThanOrEqual(5000);
  });

  it('caps the backoff at maxDelayMs and gives up after maxRetries with the last error', async () => {
    const { transport, requests, delays } = setup(
      () => errorResponse(503, 'unavailable', 'down', { 'x-request-id': 'r' }),
      {
        retry: { maxRetries: 4, baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.999 },
      },
    );
    const failure = transport.request('listConversations', listConversations);
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    expect(requests).toHaveLength(5);
    expect(delays).toEqual([999, 1998, 2997, 2997]);
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs: throws with retryAfter', async () => {
    const { transport, requests, delays } = setup([
      errorResponse(429, 'rate_limited', 'Slow down', { 'retry-after': '120' }),
    ]);
    await expect(transport.request('listConversations', listConversations)).rejects.toMatchObject({
      status: 429,
      retryAfter: 120,
    });
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('does not retry a POST without clientMessageId', async () => {
    const { transport, requests } = setup(() => errorResponse(503, 'unavailable'));
    await expect(
      transport.request('createConversation', { body: { type: 'assistant' } }),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(requests).toHaveLength(1);
  });

  it('retries a POST that carries a clientMessageId, with the same body', async () => {
    const { transport, requests } = setup([
      errorResponse(502, 'unavailable'),
      json(201, { message: { id: ids.message }, reply: null }),
    ]);
    const body = { content: 'Hello', clientMessageId: 'cm-1' };
    await transport.request('sendMessage', { params: { id: ids.conversation }, body });
    expect(requests.map((r) => JSON.parse(r.body))).toEqual([body, body]);
  });

  it('never retries 409 conflicts or provider failures', async () => {
    const conflict = setup([errorResponse(409, 'conflict')]);
    await expect(
      conflict.transport.request('updateConversation', { params: { id: ids.conversation }, body: {} }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(conflict.requests).toHaveLength(1);
    const provider = setup([errorResponse(502, 'provider_error')]);
    await expect(
      provider.transport.request('sendMessage', {
        params: { id: ids.conversation },
        body: { content: 'Hi', clientMessageId: 'cm-2' },
      }),
    ).rejects.toBeInstanceOf(ProviderError);
    expect(provider.requests).toHaveLength(1);
  });

  it('retries network errors of idempotent requests only', async () => {
    const networkDown = () => Promise.reject(new TypeError('fetch failed'));
    const get = setup([networkDown, json(200, user)]);
    await expect(get.transport.request('me', {})).resolves.toEqual(user);
    expect(get.requests).toHaveLength(2);
    expect(get.delays).toEqual([250]);

    const post = setup([networkDown]);
    const failure = post.transport.request('createConversation', { body: { type: 'assistant' } });
    await expect(failure).rejects.toBeInstanceOf(ConnectionError);
    await expect(failure).rejects.toThrow(
      /Could not reach https:\/\/api.test\/v1\/conversations \(fetch failed\)/,
    );
    expect(post.requests).toHaveLength(1);
  });

  it('lets a call turn retrying off with maxRetries: 0', async () => {
    const { transport, requests } = setup(() => errorResponse(503, 'unavailable'));
    await expect(transport.request('me', { maxRetries: 0 })).rejects.toBeInstanceOf(UnavailableError);
    expect(requests).toHaveLength(1);
  });
});

describe('timeouts and aborts', () => {
  it('throws TimeoutError when an attempt exceeds timeoutMs', async () => {
    const { transport, requests } = setup(hang, { timeoutMs: 20, retry: { maxRetries: 0 } });
    const started = Date.now();
    await expect(transport.request('me', {})).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(requests[0]?.signal.aborted).toBe(true);
  });

  it('retries an idempotent request that timed out, each attempt with its own timeout', async () => {
    const { transport, requests } = setup([hang, json(200, user)]);
    await expect(transport.request('me', { timeoutMs: 20 })).resolves.toEqual(user);
    expect(requests).toHaveLength(2);
  });

  it('covers reading the body: a stalled body times out too', async () => {
    // Like fetch, the body errors when the request's signal aborts; until then it sends nothing.
    const stalled = (request: RecordedRequest) =>
      new Response(
        new ReadableStream({
          start: (controller) =>
            request.signal.addEventListener('abort', () => controller.error(request.signal.reason)),
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    const { transport } = setup([stalled], { timeoutMs: 20, retry: { maxRetries: 0 } });
    await expect(transport.request('me', {})).rejects.toBeInstanceOf(TimeoutError);
  });

  it("rethrows the caller's abort reason, during a request and during a retry wait", async () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    const { transport } = setup(hang);
    const pending = transport.request('me', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);

    const waiting = new AbortController();
    const { transport: retrying } = setup(
      () => errorResponse(503, 'unavailable', 'down', { 'retry-after': '10' }),
      {
        retry: { sleep: (ms, signal) => import('./retry.js').then((m) => m.sleep(ms, signal)) },
      },
    );
    const retry = retrying.request('me', { signal: waiting.signal });
    setTimeout(() => waiting.abort(), 20);
    await expect(retry).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('does not start when the signal is already aborted', async () => {
    const { transport, requests } = setup([json(200, user)]);
    await expect(transport.request('me', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(requests).toHaveLength(0);
  });
});
