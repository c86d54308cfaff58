/**
 * The headers an API is expected to send, from one hook: nosniff, no Referer, a CSP that lets a
 * JSON answer do nothing, and no caching — RFC 6749 §5.1's `Cache-Control: no-store` +
 * `Pragma: no-cache` on every answer carrying tokens — on successes, errors and SSE streams,
 * while Swagger UI under `/docs` keeps its own CSP (tests/browser/docs.test.ts loads it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newAccount } from '../testing/http.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';

let server: TestServer;
let session: { tokens: { accessToken: string; refreshToken: string } };
const account = newAccount('headers');
beforeAll(async () => {
  server = await startTestServer();
  session = (await call(`${server.url}/v1/auth/register`, { body: account })).body;
});
afterAll(() => server.close());

const apiCsp = "default-src 'none'; frame-ancestors 'none'";

function expectApiHeaders(headers: Headers, label: string) {
  expect(headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(headers.get('referrer-policy'), label).toBe('no-referrer');
  expect(headers.get('content-security-policy'), label).toBe(apiCsp);
  expect(headers.get('cache-control'), label).toBe('no-store');
  expect(headers.get('pragma'), label).toBe('no-cache');
  expect(headers.get('x-request-id'), label).toMatch(/^[0-9a-f-]{36}$/);
}

describe('answers that carry tokens are never stored (RFC 6749 §5.1)', () => {
  it('register, login, refresh and the OAuth2 token endpoint', async () => {
    const register = await call(`${server.url}/v1/auth/register`, { body: newAccount('more') });
    expect(register.status).toBe(201);
    expectApiHeaders(register.headers, 'register');

    const login = await call(`${server.url}/v1/auth/login`, {
      body: { email: account.email, password: account.password },
    });
    expect(login.status).toBe(200);
    expectApiHeaders(login.headers, 'login');

    const refresh = await call(`${server.url}/v1/auth/refresh`, {
      body: { refreshToken: login.body.tokens.refreshToken },
    });
    expect(refresh.status).toBe(200);
    expectApiHeaders(refresh.headers, 'refresh');

    const token = await call(`${server.url}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: new URLSearchParams({
        grant_type: 'password',
        username: account.email,
        password: account.password,
      }).toString(),
    });
    expect(token.status).toBe(200);
    expect(token.body.access_token).toBeTruthy();
    expectApiHeaders(token.headers, 'token');
  });
});

describe('every other answer', () => {
  it('authenticated JSON', async () => {
    for (const path of ['/v1/auth/me', '/v1/conversations', '/v1/models']) {
      const response = await call(`${server.url}${path}`, { token: session.tokens.accessToken });
      expect(response.status).toBe(200);
      expectApiHeaders(response.headers, path);
    }
  });

  it('errors, in the envelope', async () => {
    const unauthorized = await call(`${server.url}/v1/auth/me`);
    expect(unauthorized.status).toBe(401);
    expectApiHeaders(unauthorized.headers, '401');
    const notFound = await call(`${server.url}/v1/nothing-here`);
    expect(notFound.status).toBe(404);
    expectApiHeaders(notFound.headers, '404');
    const invalid = await call(`${server.url}/v1/conversations?limit=100000`, {
      token: session.tokens.accessToken,
    });
    expect(invalid.status).toBe(400);
    expectApiHeaders(invalid.headers, '400');
  });

  it('server-sent event streams (their head is written by sse.ts)', async () => {
    const token = session.tokens.accessToken;
    const chat = await call(`${server.url}/v1/conversations`, { token, body: { type: 'assistant' } });
    expect(chat.status).toBe(201);
    const response = await fetch(`${server.url}/v1/conversations/${chat.body.id}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({ content: 'headers, please' }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toBe(apiCsp);
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toContain('event: message.completed');
  });

  it('/health and /openapi.json', async () => {
    for (const path of ['/health', '/openapi.json']) {
      const response = await call(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expectApiHeaders(response.headers, path);
    }
  });
});

describe('Swagger UI under /docs', () => {
  it('keeps its own CSP (scripts and styles of its own origin), not the API one', async () => {
    const page = await fetch(`${server.url}/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).not.toBe(apiCsp);
    const html = await page.text();
    const script = /src="\.?\/?([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    const asset = await fetch(`${server.url}/docs/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-security-policy')).not.toBe(apiCsp);
    await asset.arrayBuffer(); // a body left unread keeps its connection busy: close() would wait
  });
});
