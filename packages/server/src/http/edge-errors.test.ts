/**
 * The answers written outside Fastify's request lifecycle — by its router, by Node's HTTP parser,
 * for an `Expect` it cannot meet, during shutdown, and for refused WebSocket upgrades — are the
 * one envelope like every other error, with the API's headers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { call, type JsonResponse, newAccount } from '../testing/http.js';
import { startTestServer, type TestServer, testSecret } from '../testing/start-server.js';
import { envelopeProblem, type RawAnswer, rawRequest } from './raw-http.test-support.js';

let server: TestServer;
let token: string;
let host: string;
beforeAll(async () => {
  server = await startTestServer({ corsOrigins: ['https://app.example'] });
  host = new URL(server.url).host;
  token = (await call(`${server.url}/v1/auth/register`, { body: newAccount() })).body.tokens.accessToken;
});
afterAll(() => server.close());

function expectRawEnvelope(answer: RawAnswer, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(
    envelopeProblem({
      status: answer.status,
      contentType: answer.headers['content-type'],
      requestIdHeader: answer.headers['x-request-id'],
      body: answer.body,
    }),
  ).toBeNull();
  expect(JSON.parse(answer.body).error.code).toBe(code);
  expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['cache-control']).toBe('no-store');
}

type ErrorAnswer = JsonResponse<{ error: { code: string; requestId: string } }>;

async function expectEnvelope(response: ErrorAnswer, status: number, code: string) {
  expect(response.status, response.text).toBe(status);
  expect(
    envelopeProblem({
      status: response.status,
      contentType: response.headers.get('content-type'),
      requestIdHeader: response.headers.get('x-request-id'),
      body: response.text,
    }),
  ).toBeNull();
  expect(response.body.error.code).toBe(code);
  expect(response.headers.get('x-request-id')).toBe(response.body.error.requestId);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
}

describe("the router's errors", () => {
  it('a path parameter over maxParamLength → 414 bad_request (the contract has no 414 code)', async () => {
    const response = await call(`${server.url}/v1/conversations/${'a'.repeat(150)}`, { token });
    await expectEnvelope(response, 414, 'bad_request');
  });

  it('a malformed percent-encoding in a parameter → 400 bad_request', async () => {
    for (const value of ['%E0%A4%A', '%', '%ZZ', '%C3%28'])
      await expectEnvelope(
        await call(`${server.url}/v1/conversations/${value}/messages`, { token }),
        400,
        'bad_request',
      );
  });
});

describe("Node's parser errors (raw TCP)", () => {
  it('a request head over maxHeaderSize → 431 bad_request', async () => {
    const answer = await rawRequest(
      server.url,
      `GET /v1/auth/me HTTP/1.1\r\nHost: ${host}\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`,
    );
    expectRawEnvelope(answer, 431, 'bad_request');
  });

  it('a query string over maxHeaderSize → 431 bad_request', async () => {
    const answer = await rawRequest(
      server.url,
      `GET /v1/users?q=${'q'.repeat(40_000)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    );
    expectRawEnvelope(answer, 431, 'bad_request');
  });

  it('the head limit is limits.headerBytes (HEADER_LIMIT_BYTES)', async () => {
    const small = await startTestServer({ limits: { headerBytes: 4096 } });
    try {
      const head = (padding: number) =>
        `GET /health HTTP/1.1\r\nHost: ${host}\r\nX-Padding: ${'x'.repeat(padding)}\r\nConnection: close\r\n\r\n`;
      expect((await rawRequest(small.url, head(3000))).status).toBe(200);
      const refused = await rawRequest(small.url, head(5000));
      expectRawEnvelope(refused, 431, 'bad_request');
      expect(JSON.parse(refused.body).error.message).toContain('over 4096 bytes');
    } finally {
      await small.close();
    }
  });

  it('a request that is not HTTP → 400 bad_request', async () => {
    expectRawEnvelope(await rawRequest(server.url, 'HELLO THERE\r\n\r\n'), 400, 'bad_request');
    expectRawEnvelope(
      await rawRequest(server.url, `GET / HTTP/1.1\r\nHost: ${host}\r\nBad Header\r\n\r\n`),
      400,
      'bad_request',
    );
  });

  it('an Expect other than 100-continue → 417 bad_request', async () => {
    const answer = await rawRequest(
      server.url,
      `GET /health HTTP/1.1\r\nHost: ${host}\r\nExpect: 42-teapot\r\nConnection: close\r\n\r\n`,
    );
    expectRawEnvelope(answer, 417, 'bad_request');
  });

  it('the server carries on', async () => {
    expect((await call(`${server.url}/health`)).status).toBe(200);
  });
});

describe('refused WebSocket upgrades', () => {
  const upgrade = (path: string, extra = '') =>
    rawRequest(
      server.url,
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );

  it('another path → 404 not_found', async () => {
    expectRawEnvelope(await upgrade('/v1/elsewhere'), 404, 'not_found');
  });

  it('a token in the URL → 400 bad_request', async () => {
    expectRawEnvelope(await upgrade(`/v1/realtime?token=${token}`), 400, 'bad_request');
  });

  it('an origin not allowed → 403 forbidden', async () => {
    expectRawEnvelope(await upgrade('/v1/realtime', 'Origin: https://evil.example\r\n'), 403, 'forbidden');
  });
});

describe('during shutdown', () => {
  it('requests and upgrades are refused with 503 unavailable and Retry-After', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-edge-'));
    const app = await buildApp({ logger: false, jwtSecret: testSecret, dataDir });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let closing = () => {};
    const closingStarted = new Promise<void>((resolve) => {
      closing = resolve;
    });
    // Holds the close in its preClose phase: the server still accepts connections.
    app.addHook('preClose', async () => {
      closing();
      await held;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    try {
      const closed = app.close();
      await closingStarted;
      const response = await call(`${url}/health`);
      await expectEnvelope(response, 503, 'unavailable');
      expect(response.headers.get('retry-after')).toBe('1');
      const refused = await rawRequest(
        url,
        `GET /v1/realtime HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      expectRawEnvelope(refused, 503, 'unavailable');
      expect(refused.headers['retry-after']).toBe('1');
      release();
      await closed;
    } finally {
      release();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
