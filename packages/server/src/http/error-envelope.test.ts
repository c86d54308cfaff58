import { ErrorEnvelope } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newAccount } from '../testing/http.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer({ limits: { bodyBytes: 4096 } });
  token = (await call(`${server.url}/v1/auth/register`, { body: newAccount() })).body.tokens.accessToken;
});
afterAll(() => server.close());

function expectEnvelope(response: { body: unknown; text: string }, code: string) {
  const parsed = ErrorEnvelope.safeParse(response.body);
  expect(parsed.success, response.text).toBe(true);
  expect(parsed.data?.error.code).toBe(code);
  expect(parsed.data?.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.text).not.toMatch(/at .+\.(js|ts):\d+/); // no stack frames
}

describe('one error envelope for every failure', () => {
  it('malformed JSON → 400 bad_request', async () => {
    const response = await call(`${server.url}/v1/auth/login`, {
      method: 'POST',
      raw: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expectEnvelope(response, 'bad_request');
  });

  it('unknown route → 404 not_found', async () => {
    const response = await call(`${server.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expectEnvelope(response, 'not_found');
  });

  it('a body over the limit → 413 payload_too_large', async () => {
    const response = await call(`${server.url}/v1/auth/login`, {
      body: { email: 'a@b.co', password: 'x'.repeat(5000) },
    });
    expect(response.status).toBe(413);
    expectEnvelope(response, 'payload_too_large');
  });

  it('an unsupported media type → 415', async () => {
    const response = await call(`${server.url}/v1/auth/login`, {
      method: 'POST',
      raw: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expectEnvelope(response, 'unsupported_media_type');
  });

  it('validation failures list every problem with its path', async () => {
    const response = await call(`${server.url}/v1/conversations`, {
      token,
      body: { type: 'group', participantIds: ['not-an-id'], title: 'x'.repeat(300) },
    });
    expect(response.status).toBe(400);
    expectEnvelope(response, 'validation_failed');
    const paths = response.body.error.details.map((detail: { path: unknown[] }) => detail.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['body.participantIds.0', 'body.title']));
  });

  it('a bad query → 400 with the query path', async () => {
    const response = await call(`${server.url}/v1/conversations?limit=1000`, { token });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].path).toEqual(['query', 'limit']);
  });

  it('a tampered cursor → 400, not a crash', async () => {
    const response = await call(`${server.url}/v1/conversations?cursor=bm9wZQ`, { token });
    expect(response.status).toBe(400);
    expectEnvelope(response, 'validation_failed');
  });

  it('every response carries its request id', async () => {
    const response = await call(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).toMatchObject({ status: 'ok', storage: 'lowdb', broker: 'memory' });
  });
});

describe('rate limits', () => {
  it('login is limited per IP and per email with 429 + Retry-After', async () => {
    const limited = await startTestServer({ rateLimits: { authPerMinute: 3 } });
    try {
      const attempt = () =>
        call(`${limited.url}/v1/auth/login`, {
          body: { email: 'victim@example.com', password: 'Wrong-pass-1' },
        });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await attempt()).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const blocked = await attempt();
      expectEnvelope(blocked, 'rate_limited');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('signed-in users are limited per user', async () => {
    const limited = await startTestServer({ rateLimits: { userPerMinute: 5 } });
    try {
      const session = (await call(`${limited.url}/v1/auth/register`, { body: newAccount() })).body;
      const statuses = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(
          (await call(`${limited.url}/v1/auth/me`, { token: session.tokens.accessToken })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
