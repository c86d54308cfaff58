/**
 * The edges of the protocol: auth (in time, valid), malformed, invalid and oversized frames, the
 * per-connection rate limit, the origin check, and tokens in URLs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call } from '../testing/http.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { connectRealtime, signUp, type TestUser } from '../testing/ws-client.js';
import { CloseCode } from './close-codes.js';

let server: TestServer;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer({
    corsOrigins: ['https://app.example'],
    realtime: { authTimeoutMs: 150, framesPerSecond: 5, frameBurst: 10 },
  });
  user = await signUp(server.url);
});
afterAll(() => server.close());

async function stillServes(): Promise<void> {
  const socket = await connectRealtime(server.url, { token: user.token });
  socket.send({ type: 'ping' });
  await socket.waitFor((frame) => frame.type === 'pong');
  await socket.close();
  expect((await call(`${server.url}/health`)).status).toBe(200);
}

describe('auth', () => {
  it('answers ready with the user id and a seq', async () => {
    const socket = await connectRealtime(server.url, { token: user.token });
    expect(socket.frames[0]).toMatchObject({ type: 'ready', userId: user.id });
    await socket.close();
  });

  it('closes with 4401 when no auth frame comes in time', async () => {
    const socket = await connectRealtime(server.url);
    expect((await socket.closed).code).toBe(CloseCode.unauthorized);
  });

  it('closes with 4401, after an error frame, on a bad token', async () => {
    const socket = await connectRealtime(server.url);
    socket.send({ type: 'auth', token: 'not-a-token' });
    expect(await socket.waitFor((frame) => frame.type === 'error')).toMatchObject({ code: 'unauthorized' });
    expect(await socket.closed).toEqual({ code: CloseCode.unauthorized, reason: 'unauthorized' });
  });

  it('closes with 4401 when the first frame is not auth', async () => {
    const socket = await connectRealtime(server.url);
    socket.send({ type: 'ping' });
    expect((await socket.closed).code).toBe(CloseCode.unauthorized);
  });

  it('refuses a token in the URL', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/realtime?token=${user.token}`);
    const status = await new Promise((resolve) =>
      ws.once('unexpected-response', (_q, response) => resolve(response.statusCode)),
    );
    expect(status).toBe(400);
  });

  it('answers a plain GET (no upgrade) with a clear error', async () => {
    const response = await call(`${server.url}/v1/realtime`);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/WebSocket/);
  });
});

describe('frames', () => {
  it('malformed JSON gets bad_request and the connection stays', async () => {
    const socket = await connectRealtime(server.url, { token: user.token });
    socket.send('{not json');
    expect(await socket.waitFor((frame) => frame.type === 'error')).toMatchObject({ code: 'bad_request' });
    socket.send({ type: 'ping' });
    await socket.waitFor((frame) => frame.type === 'pong');
    await socket.close();
  });

  it('an invalid frame gets validation_failed, with the clientMessageId as ref', async () => {
    const socket = await connectRealtime(server.url, { token: user.token });
    socket.send(JSON.stringify({ type: 'message.send', clientMessageId: 'c9' }));
    const error = await socket.waitFor((frame) => frame.type === 'error');
    expect(error).toMatchObject({ code: 'validation_failed', ref: 'c9' });
    const paths = error.type === 'error' ? error.details?.map((detail) => detail.path.join('.')) : [];
    expect(paths).toEqual(expect.arrayContaining(['conversationId']));
    // A send that says nothing (no text, no files) is refused on the same field as over REST.
    const conversationId = '0190f3c4-1d2e-7a3b-8c4d-5e6f7a8b9c0d';
    socket.send(
      JSON.stringify({ type: 'message.send', conversationId, clientMessageId: 'c10', content: ' ' }),
    );
    const empty = await socket.waitFor((frame) => frame.type === 'error' && frame.ref === 'c10');
    expect(empty.type === 'error' && empty.details?.map((detail) => detail.path.join('.'))).toEqual([
      'content',
    ]);
    socket.send(JSON.stringify({ type: 'dance' }));
    await socket.waitFor((frame) => frame.type === 'error' && frame.ref === undefined);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    await socket.close();
  });

  it('an oversized frame closes that socket with 1009; the server carries on', async () => {
    const socket = await connectRealtime(server.url, { token: user.token });
    socket.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(70 * 1024) }));
    expect((await socket.closed).code).toBe(CloseCode.messageTooBig);
    await stillServes();
  });

  it('rate-limits frames per connection with rate_limited errors', async () => {
    const socket = await connectRealtime(server.url, { token: user.token });
    for (let i = 0; i < 30; i += 1) socket.send({ type: 'ping' });
    await socket.waitFor((frame) => frame.type === 'error' && frame.code === 'rate_limited');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pongs = socket.frames.filter((frame) => frame.type === 'pong').length;
    expect(pongs).toBeGreaterThanOrEqual(9); // the burst (10, one spent on auth)
    expect(pongs).toBeLessThan(20);
    await socket.close();
  });
});

describe('origin', () => {
  const open = (origin?: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/realtime`, origin ? { origin } : {});
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_q, response) => resolve(response.statusCode ?? 0));
    });

  it('lets allowed origins and non-browser clients in, refuses other origins with 403', async () => {
    expect(await open('https://app.example')).toBe(101);
    expect(await open()).toBe(101);
    expect(await open('https://evil.example')).toBe(403);
  });
});
