/**
 * Pipelined sends (`realtime.pipelineDepth`, env `WS_PIPELINE_DEPTH`): a socket's consecutive
 * `message.send` frames are handled at once, but a client sees them as if handled one by one —
 * answers in the order sent (an error in its place), messages stored and delivered in that order
 * (also when an earlier send has more to check: a quote), and any other frame waits for the sends
 * before it.
 */
import type { ServerFrame } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../testing/http.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { connectRealtime, directConversation, signUp, type TestUser } from '../testing/ws-client.js';

const unlimited = { framesPerSecond: 1e6, frameBurst: 1e6 };

function answerOf(frame: ServerFrame): string | null {
  if (frame.type === 'ack') return `ack ${frame.clientMessageId}`;
  if (frame.type === 'error') return `${frame.code} ${frame.ref ?? ''}`;
  if (frame.type === 'pong') return 'pong';
  return null;
}

async function floodAndCheck(server: TestServer, ada: TestUser, bob: TestUser, conversationId: string) {
  const quoted = await call(`${server.url}/v1/conversations/${conversationId}/messages`, {
    token: ada.token,
    body: { content: 'to be quoted' },
  });
  const sender = await connectRealtime(server.url, { token: ada.token });
  const receiver = await connectRealtime(server.url, { token: bob.token });
  const expected: string[] = [];
  const contents: string[] = [];
  const send = (id: string, extra: Record<string, unknown> = {}) => {
    sender.send({
      type: 'message.send',
      conversationId,
      clientMessageId: id,
      content: `text ${id}`,
      ...extra,
    });
    expected.push(`ack ${id}`);
    contents.push(`text ${id}`);
  };
  // The first send quotes a message (one more read before its append) than those behind it.
  send('s0', { quotedMessageId: quoted.body.message.id });
  for (let i = 1; i < 12; i++) send(`s${i}`);
  // A send that is refused, in the middle: answered in its place.
  sender.send({
    type: 'message.send',
    conversationId: crypto.randomUUID(),
    clientMessageId: 'lost',
    content: 'x',
  });
  expected.push('not_found lost');
  for (let i = 12; i < 20; i++) send(`s${i}`);
  // Not a send: waits for the sends before it, and the sends after it wait for it.
  const elsewhere = crypto.randomUUID();
  sender.send({ type: 'typing', conversationId: elsewhere, state: 'start' });
  expected.push(`not_found ${elsewhere}`);
  for (let i = 20; i < 30; i++) send(`s${i}`);
  sender.send({ type: 'ping' });
  expected.push('pong');

  await sender.waitFor((frame) => frame.type === 'pong');
  const answers = sender.frames.map(answerOf).filter((answer) => answer !== null);
  expect(answers).toEqual(expected);

  const stored = await call(`${server.url}/v1/conversations/${conversationId}/messages?limit=100`, {
    token: ada.token,
  });
  const storedContents = (stored.body.items as { content: string }[]).map((message) => message.content);
  expect(storedContents).toEqual(['to be quoted', ...contents]);

  await receiver.waitForEvent(
    (event) => event.type === 'message.created' && event.message.content === contents.at(-1),
  );
  const delivered = receiver
    .events()
    .flatMap((frame) => (frame.event.type === 'message.created' ? [frame.event.message.content] : []));
  expect(delivered).toEqual(contents);
  await Promise.all([sender.close(), receiver.close()]);
}

describe.each([
  ['pipelined (the default depth)', {}],
  ['at most 3 in flight', { pipelineDepth: 3 }],
  ['one at a time (depth 1)', { pipelineDepth: 1 }],
])('a socket’s sends, %s', (_name, realtime) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ realtime: { ...unlimited, ...realtime } });
  });
  afterAll(() => server.close());

  it('are answered, stored and delivered in the order sent; other frames wait their turn', async () => {
    const [ada, bob] = [await signUp(server.url, 'ada'), await signUp(server.url, 'bob')];
    await floodAndCheck(server, ada, bob, await directConversation(server.url, ada, bob));
  });
});

describe('the pipeline depth', () => {
  it('comes from the configuration (WS_PIPELINE_DEPTH)', async () => {
    const { loadConfig } = await import('../config.js');
    const { resolveOptions } = await import('../options.js');
    expect(resolveOptions(loadConfig({ WS_PIPELINE_DEPTH: '4' }).app).realtime.pipelineDepth).toBe(4);
    expect(resolveOptions(loadConfig({}).app).realtime.pipelineDepth).toBe(32);
    expect(() => loadConfig({ WS_PIPELINE_DEPTH: '0' })).toThrow(/WS_PIPELINE_DEPTH/);
  });
});
