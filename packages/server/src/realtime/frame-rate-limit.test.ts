/**
 * What a client sees when it sends frames faster than `realtime.framesPerSecond` (burst
 * `frameBurst`; env `RATE_LIMIT_WS_FRAMES_PER_SECOND` / `RATE_LIMIT_WS_FRAME_BURST`): each frame
 * over the limit is dropped and answered with an `error` frame `rate_limited` — carrying the
 * `clientMessageId` of a `message.send` as `ref` — and the socket stays open; the bucket refills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call } from '../testing/http.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { connectRealtime, directConversation, signUp, type TestUser } from '../testing/ws-client.js';

let server: TestServer;
let ada: TestUser;
let conversationId: string;
beforeAll(async () => {
  server = await startTestServer({ realtime: { framesPerSecond: 2, frameBurst: 3 } });
  ada = await signUp(server.url, 'ada');
  conversationId = await directConversation(server.url, ada, await signUp(server.url, 'bob'));
});
afterAll(() => server.close());

describe('the per-socket frame limit', () => {
  it('drops frames over it with rate_limited (ref: the clientMessageId); the socket stays open', async () => {
    const socket = await connectRealtime(server.url, { token: ada.token }); // `auth` took 1 of 3
    for (const id of ['c1', 'c2', 'c3', 'c4'])
      socket.send({ type: 'message.send', conversationId, clientMessageId: id, content: `frame ${id}` });

    await socket.waitFor((frame) => frame.type === 'error' && frame.ref === 'c4');
    await socket.waitFor((frame) => frame.type === 'ack' && frame.clientMessageId === 'c2');
    const answers = socket.frames
      .filter((frame) => frame.type === 'ack' || frame.type === 'error')
      .map((frame) =>
        frame.type === 'ack' ? `ack ${frame.clientMessageId}` : `${frame.code} ${frame.ref ?? ''}`,
      );
    expect(answers.sort()).toEqual(['ack c1', 'ack c2', 'rate_limited c3', 'rate_limited c4']);
    const limited = socket.frames.find((frame) => frame.type === 'error');
    expect(limited?.type === 'error' && limited.message).toMatch(
      /Over 2 frames a second: this frame was dropped/,
    );
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);

    // Dropped means not stored.
    const stored = await call(`${server.url}/v1/conversations/${conversationId}/messages`, {
      token: ada.token,
    });
    expect(stored.body.items.map((message: { content: string }) => message.content).sort()).toEqual([
      'frame c1',
      'frame c2',
    ]);

    // The bucket refills (2 a second): the socket is served again.
    await new Promise((resolve) => setTimeout(resolve, 600));
    socket.send({ type: 'ping' });
    await socket.waitFor((frame) => frame.type === 'pong');
    await socket.close();
  });

  it('comes from the configuration (RATE_LIMIT_WS_FRAMES_PER_SECOND, RATE_LIMIT_WS_FRAME_BURST)', async () => {
    const { loadConfig } = await import('../config.js');
    const { resolveOptions } = await import('../options.js');
    const options = resolveOptions(
      loadConfig({ RATE_LIMIT_WS_FRAMES_PER_SECOND: '2', RATE_LIMIT_WS_FRAME_BURST: '3' }).app,
    );
    expect(options.realtime).toMatchObject({ framesPerSecond: 2, frameBurst: 3 });
    expect(resolveOptions(loadConfig({}).app).realtime).toMatchObject({
      framesPerSecond: 20,
      frameBurst: 60,
    });
  });
});
