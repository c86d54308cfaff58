/**
 * The reply placeholder is written while the provider connects (chat.ts): what happens when
 * that write is slow or fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveModels } from '../providers/registry.js';
import { createLowdbStore } from '../store/lowdb/index.js';
import type { NewMessage } from '../store/store.js';
import { type FakeServerHandle, startFakeOpenAI } from '../testing/fake-openai.js';
import { call } from '../testing/http.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { signUp } from '../testing/ws-client.js';

/** One OpenAI stream chunk of text, then the finish. */
const chunks = (text: string) => [
  JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] }),
  JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
];

/** Sends `content` asking for SSE; `events` fills as they arrive, `done` settles at the end. */
function streamReply(url: string, token: string, chatId: string, content: string) {
  const events: { type: string; messageId?: string; error?: { code: string } }[] = [];
  const done = (async () => {
    const response = await fetch(`${url}/v1/conversations/${chatId}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({ content }),
    });
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const piece of response.body ?? []) {
      buffer += decoder.decode(piece, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (data) events.push(JSON.parse(data.slice('data: '.length)));
      }
    }
  })();
  return { events, done };
}

const history = async (url: string, token: string, chatId: string) =>
  (await call(`${url}/v1/conversations/${chatId}/messages?limit=100`, { token })).body.items as {
    role: string;
    status: string;
  }[];

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

/** A lowdb store whose assistant appends wait for `gate` and then fail or go through. */
async function gatedStore(gate: Promise<'fail' | 'pass'>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-chat-test-'));
  const store = createLowdbStore({ dataDir });
  await store.init();
  const appendMessage = async (message: NewMessage) => {
    if (message.role === 'assistant' && (await gate) === 'fail') throw new Error('disk full');
    return store.appendMessage(message);
  };
  // The store keeps private fields: its methods are called on the store itself.
  const gated = new Proxy(store, {
    get(target, key) {
      if (key === 'appendMessage') return appendMessage;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    store: gated,
    async close() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function setup(gate: Promise<'fail' | 'pass'>, fake: FakeServerHandle) {
  const { store, close } = await gatedStore(gate);
  cleanup.push(close);
  const server: TestServer = await startTestServer({
    store,
    models: resolveModels({ OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-test' }),
  });
  cleanup.push(async () => {
    server.app.server.closeAllConnections();
    await server.close();
  });
  const user = await signUp(server.url, 'placeholder');
  const chat = await call(`${server.url}/v1/conversations`, {
    token: user.token,
    body: { type: 'assistant' },
  });
  return { url: server.url, token: user.token, chatId: chat.body.id as string };
}

describe('the reply placeholder, written while the provider connects', () => {
  it('a failed write ends the turn: upstream aborted, error event, only the user message stored', async () => {
    let release: (value: 'fail') => void = () => {};
    const gate = new Promise<'fail'>((resolve) => (release = resolve));
    const fake = await startFakeOpenAI({ chunks: chunks('never'), firstChunkDelayMs: 5_000 });
    cleanup.push(() => fake.close());
    const { url, token, chatId } = await setup(gate, fake);
    const stream = streamReply(url, token, chatId, 'hello');
    // The provider is called before the placeholder is stored; then the write fails.
    await until(() => fake.requests.length > 0);
    release('fail');
    await stream.done;
    expect(stream.events.map((event) => event.type)).toEqual(['message.created', 'message.started', 'error']);
    expect(stream.events.at(-1)).toMatchObject({ error: { code: 'internal' } });
    const upstream = fake.requests[0];
    await upstream?.closed;
    expect(upstream?.aborted).toBe(true);
    expect((await history(url, token, chatId)).map((message) => message.role)).toEqual(['user']);
  });

  it('a stop before the placeholder is stored still stops, and the reply is stored as aborted', async () => {
    let release: (value: 'pass') => void = () => {};
    const gate = new Promise<'pass'>((resolve) => (release = resolve));
    const fake = await startFakeOpenAI({ chunks: chunks('slow'), firstChunkDelayMs: 5_000 });
    cleanup.push(() => fake.close());
    const { url, token, chatId } = await setup(gate, fake);
    const stream = streamReply(url, token, chatId, 'hello');
    await until(() => stream.events.some((event) => event.type === 'message.started'));
    const messageId = stream.events.find((event) => event.type === 'message.started')?.messageId;
    const stopping = call(`${url}/v1/conversations/${chatId}/messages/${messageId}/stop`, {
      method: 'POST',
      token,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    release('pass');
    const stopped = await stopping;
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ id: messageId, status: 'aborted', content: '' });
    await stream.done;
    expect(stream.events.at(-1)).toMatchObject({ type: 'message.completed' });
    expect((await history(url, token, chatId)).map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'aborted'],
    ]);
  });
});
