/**
 * The rules of assistant turns (docs/DESIGN.md, "Turns"), each through a real server and a fake
 * OpenAI speaking its wire format: a deleted reply stays deleted, one regenerate wins, a retried
 * send attaches to its first turn, turns of one conversation take turns, an edited prompt marks
 * its reply stale, a reply whose prompt was deleted is not regenerated, the finish reason is kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Broker, createMemoryBroker } from '../broker/broker.js';
import { resolveModels } from '../providers/registry.js';
import { createLowdbStore } from '../store/lowdb/index.js';
import { type Store, StoreUnavailableError } from '../store/store.js';
import { type FakeOpenAIScript, type FakeServerHandle, startFakeOpenAI } from '../testing/fake-openai.js';
import { loadFixture } from '../testing/fixtures.js';
import { call } from '../testing/http.js';
import { sharedLowdbStore } from '../testing/shared-store.js';
import { readSse } from '../testing/sse-client.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { connectRealtime, signUp } from '../testing/ws-client.js';

interface StreamEvent {
  type: string;
  messageId?: string;
  delta?: string;
  message?: { id: string; status: string; content: string; finishReason: string | null };
  error?: { code: string };
}

/** OpenAI stream chunks spelling `pieces`, then `finish_reason`. */
const chunks = (pieces: readonly string[], finish = 'stop') => [
  ...pieces.map((content) =>
    JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] }),
  ),
  JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: finish }] }),
];

/** The last user message of a recorded chat-completions request. */
const lastUserText = (body: unknown) =>
  ((body as { messages: { role: string; content: string }[] }).messages
    .filter((m) => m.role === 'user')
    .at(-1)?.content ?? '') as string;

/** Sends (or regenerates: `path`) asking for SSE; its events fill as they arrive. */
const streamOf = (url: string, token: string, path: string, body: unknown) =>
  readSse<StreamEvent>(`${url}${path}`, { token, body });

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function fakeOpenAI(script: FakeOpenAIScript | ((request: { body: unknown }) => FakeOpenAIScript)) {
  const fake = await startFakeOpenAI(script);
  cleanup.push(() => fake.close());
  return fake;
}

async function serverFor(
  fake: FakeServerHandle,
  options: { store?: Store; broker?: Broker } = {},
): Promise<TestServer> {
  const server = await startTestServer({
    ...options,
    models: resolveModels({ OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-test' }),
  });
  cleanup.push(async () => {
    server.app.server.closeAllConnections();
    await server.close();
  });
  return server;
}

/** A lowdb store of the test's own whose methods in `overrides` run instead of the store's. */
async function storeWith(overrides: (inner: Store) => Partial<Store>): Promise<Store> {
  const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-turns-'));
  const inner = createLowdbStore({ dataDir });
  await inner.init();
  cleanup.push(async () => {
    await inner.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const replaced = overrides(inner);
  // The store keeps private fields: its own methods are called on the store itself.
  return new Proxy(inner, {
    get(target, key) {
      if (key in replaced) return replaced[key as keyof Store];
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function assistantChat(server: TestServer) {
  const user = await signUp(server.url, 'turns');
  const chat = await call(`${server.url}/v1/conversations`, {
    token: user.token,
    body: { type: 'assistant' },
  });
  return { token: user.token, chatId: chat.body.id as string };
}

const history = async (url: string, token: string, chatId: string) =>
  (await call(`${url}/v1/conversations/${chatId}/messages?limit=100`, { token })).body.items as {
    id: string;
    role: string;
    status: string;
    content: string;
    parts: unknown[];
    stale: boolean;
    finishReason: string | null;
  }[];

describe('turns of an assistant conversation', () => {
  it('the model is asked while the prompt is being announced; the reply is told after it', async () => {
    const fake = await fakeOpenAI({ chunks: chunks(['quick']) });
    // A broker slow to publish `message.created`: held until the model has the request (or, should
    // it never come, a while, so that the test fails rather than hangs).
    const memory = createMemoryBroker();
    let askedWhileHeld: boolean | undefined;
    const broker: Broker = {
      ...memory,
      kind: memory.kind,
      subscribe: (listener) => memory.subscribe(listener),
      async publish(message) {
        if (message.event.type === 'message.created' && askedWhileHeld === undefined) {
          for (let waited = 0; fake.requests.length === 0 && waited < 200; waited += 1) await sleep(10);
          askedWhileHeld = fake.requests.length > 0;
        }
        return memory.publish(message);
      },
    };
    const server = await serverFor(fake, { broker });
    const { token, chatId } = await assistantChat(server);
    const stream = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, { content: 'hi' });
    await stream.done;
    expect(askedWhileHeld).toBe(true);
    expect(stream.events.map((event) => event.type)).toEqual([
      'message.created',
      'message.started',
      'message.part',
      'message.part',
      'message.delta',
      'message.completed',
    ]);
    expect(stream.events.at(-1)?.message).toMatchObject({ status: 'complete', content: 'quick' });
  });

  it('a reply deleted while it streams stays deleted, and its generation stops', async () => {
    const fake = await fakeOpenAI({
      chunks: chunks(Array.from({ length: 40 }, (_, i) => `w${i} `)),
      chunkDelayMs: 25,
    });
    const server = await serverFor(fake);
    const { token, chatId } = await assistantChat(server);
    const stream = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, { content: 'talk' });
    await stream.until((events) => events.some((event) => event.type === 'message.delta'));
    const replyId = stream.events.find((event) => event.type === 'message.started')?.messageId;
    const deleted = await call(`${server.url}/v1/conversations/${chatId}/messages/${replyId}`, {
      method: 'DELETE',
      token,
    });
    expect(deleted.body).toMatchObject({ status: 'deleted', content: '' });
    await stream.done;
    expect(stream.events.at(-1)).toMatchObject({ type: 'message.completed', message: { status: 'deleted' } });
    await fake.requests[0]?.closed;
    expect(fake.requests[0]?.aborted).toBe(true);
    const [, reply] = await history(server.url, token, chatId);
    expect(reply).toMatchObject({ id: replyId, status: 'deleted', content: '' });
  });

  it('a deleted message keeps none of its text: its parts go with its content', async () => {
    const fake = await fakeOpenAI({ chunks: chunks(['a secret ', 'answer']) });
    const server = await serverFor(fake);
    const { token, chatId } = await assistantChat(server);
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const sent = await call(base, { token, body: { content: 'a secret question' } });
    expect(sent.body.reply).toMatchObject({ status: 'complete', content: 'a secret answer' });
    for (const id of [sent.body.message.id, sent.body.reply.id]) {
      const deleted = await call(`${base}/${id}`, { method: 'DELETE', token });
      expect(deleted.body).toMatchObject({ status: 'deleted', content: '', parts: [] });
    }
    const stored = await history(server.url, token, chatId);
    expect(stored.map((message) => [message.status, message.content, message.parts])).toEqual([
      ['deleted', '', []],
      ['deleted', '', []],
    ]);
  });

  it('two regenerates of one reply: exactly one runs, the other gets 409', async () => {
    const fake = await fakeOpenAI({ chunks: chunks(['a', 'b', 'c']), firstChunkDelayMs: 100 });
    // Slow reads widen any gap between checking that a reply is idle and claiming it.
    const store = await storeWith((inner) => ({
      listMessages: async (...args) => {
        await sleep(50);
        return inner.listMessages(...args);
      },
      getMessage: async (...args) => {
        await sleep(20);
        return inner.getMessage(...args);
      },
    }));
    const server = await serverFor(fake, { store });
    const { token, chatId } = await assistantChat(server);
    const first = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'hi' },
    });
    const path = `${server.url}/v1/conversations/${chatId}/messages/${first.body.reply.id}/regenerate`;
    const answers = await Promise.all([call(path, { token, body: {} }), call(path, { token, body: {} })]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(answers.find((answer) => answer.status === 409)?.body.error.code).toBe('conflict');
    expect(fake.requests).toHaveLength(2); // the first reply, one regenerate
  });

  it('two regenerates on two processes sharing the store: exactly one runs', async () => {
    const fake = await fakeOpenAI({ chunks: chunks(['a', 'b']), firstChunkDelayMs: 100 });
    const shared = await sharedLowdbStore();
    cleanup.push(shared.cleanup);
    const [one, two] = [
      await serverFor(fake, { store: shared.store }),
      await serverFor(fake, { store: shared.store }),
    ];
    const { token, chatId } = await assistantChat(one);
    const first = await call(`${one.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'hi' },
    });
    const path = `/v1/conversations/${chatId}/messages/${first.body.reply.id}/regenerate`;
    const answers = await Promise.all([
      call(`${one.url}${path}`, { token, body: {} }),
      call(`${two.url}${path}`, { token, body: {} }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(fake.requests).toHaveLength(2);
  });

  it('a retried send that arrives before the first attempt stored anything attaches to its turn', async () => {
    const fake = await fakeOpenAI({ chunks: chunks(['only ', 'once']), firstChunkDelayMs: 150 });
    // Appends that carry an assistant message are slow: the retry arrives while the first is writing.
    const store = await storeWith((inner) => ({
      appendMessage: async (message, reply) => {
        if (message.role === 'assistant' || reply) await sleep(150);
        return inner.appendMessage(message, reply);
      },
    }));
    const server = await serverFor(fake, { store });
    const { token, chatId } = await assistantChat(server);
    const body = { content: 'say it once', clientMessageId: 'retry-me' };
    const first = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, body);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const retry = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, body);
    await Promise.all([first.done, retry.done]);
    const replyIds = [first, retry].map(
      (stream) => stream.events.find((e) => e.type === 'message.completed')?.message?.id,
    );
    expect(replyIds[0]).toBeDefined();
    expect(replyIds[1]).toBe(replyIds[0]);
    expect(retry.events.at(-1)).toMatchObject({
      type: 'message.completed',
      message: { content: 'only once' },
    });
    expect(fake.requests).toHaveLength(1);
    expect((await history(server.url, token, chatId)).map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('a turn whose records cannot be stored fails whole: nothing stored, the model never asked', async () => {
    const fake = await fakeOpenAI({ chunks: chunks(['never']) });
    const store = await storeWith((inner) => ({
      appendMessage: async (message, reply) => {
        if (reply) throw new StoreUnavailableError('disk full');
        return inner.appendMessage(message, reply);
      },
    }));
    const server = await serverFor(fake, { store });
    const { token, chatId } = await assistantChat(server);
    const stream = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, { content: 'hello' });
    await stream.done;
    expect(stream.status).toBe(503);
    expect(stream.events).toEqual([]);
    expect(fake.requests).toHaveLength(0);
    expect(await history(server.url, token, chatId)).toEqual([]);
  });

  it('two quick sends: the second reply waits for the first and answers with it in its context', async () => {
    const fake = await fakeOpenAI((request) => ({
      chunks: chunks([`answer to ${lastUserText(request.body)}`]),
      firstChunkDelayMs: 80,
    }));
    const server = await serverFor(fake);
    const { token, chatId } = await assistantChat(server);
    const path = `/v1/conversations/${chatId}/messages`;
    const one = streamOf(server.url, token, path, { content: 'one' });
    await one.until((events) => events.some((event) => event.type === 'message.created'));
    const two = streamOf(server.url, token, path, { content: 'two' });
    await Promise.all([one.done, two.done]);
    expect(fake.requests).toHaveLength(2);
    const second = fake.requests[1]?.body as { messages: { role: string; content: string }[] };
    expect(second.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'one'],
      ['assistant', 'answer to one'],
      ['user', 'two'],
    ]);
    expect((await history(server.url, token, chatId)).map((m) => [m.role, m.content])).toEqual([
      ['user', 'one'],
      ['assistant', 'answer to one'],
      ['user', 'two'],
      ['assistant', 'answer to two'],
    ]);
  });

  it('a reply stopped while it waits for its turn ends aborted, and the model is never asked', async () => {
    const fake = await fakeOpenAI({ chunks: chunks(['slow ', 'one']), firstChunkDelayMs: 300 });
    const server = await serverFor(fake);
    const { token, chatId } = await assistantChat(server);
    const path = `/v1/conversations/${chatId}/messages`;
    const one = streamOf(server.url, token, path, { content: 'one' });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1), { timeout: 5000, interval: 5 });
    const two = streamOf(server.url, token, path, { content: 'two' });
    await two.until((events) => events.some((event) => event.type === 'message.created'));
    const [, , , waiting] = await history(server.url, token, chatId);
    expect(waiting).toMatchObject({ role: 'assistant', status: 'streaming', content: '' });
    const stopped = await call(`${server.url}${path}/${waiting?.id}/stop`, { method: 'POST', token });
    expect(stopped.body).toMatchObject({ id: waiting?.id, status: 'aborted', content: '' });
    await Promise.all([one.done, two.done]);
    expect(two.events.at(-1)).toMatchObject({ type: 'message.completed', message: { status: 'aborted' } });
    expect(one.events.at(-1)).toMatchObject({ type: 'message.completed', message: { status: 'complete' } });
    expect(fake.requests).toHaveLength(1);
  });

  it('editing a prompt marks its reply stale, for everyone; regenerating clears it', async () => {
    const fake = await fakeOpenAI((request) => ({ chunks: chunks([`re: ${lastUserText(request.body)}`]) }));
    const server = await serverFor(fake);
    const { token, chatId } = await assistantChat(server);
    const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'cats' },
    });
    expect(sent.body.reply).toMatchObject({ content: 're: cats', stale: false });
    const socket = await connectRealtime(server.url, { token });
    cleanup.push(() => socket.close());
    await call(`${server.url}/v1/conversations/${chatId}/messages/${sent.body.message.id}`, {
      method: 'PATCH',
      token,
      body: { content: 'dogs' },
    });
    const updated = await socket.waitForEvent(
      (event) => event.type === 'message.updated' && event.message.id === sent.body.reply.id,
    );
    expect(updated.event).toMatchObject({ message: { stale: true, content: 're: cats' } });
    const regenerated = await call(
      `${server.url}/v1/conversations/${chatId}/messages/${sent.body.reply.id}/regenerate`,
      { token, body: {} },
    );
    expect(regenerated.body.reply).toMatchObject({ content: 're: dogs', stale: false });
  });

  it('a reply whose prompt was deleted is not regenerated (409), and the model is not asked', async () => {
    const fake = await fakeOpenAI({ chunks: chunks(['sure']) });
    const server = await serverFor(fake);
    const { token, chatId } = await assistantChat(server);
    const path = `${server.url}/v1/conversations/${chatId}/messages`;
    await call(path, { token, body: { content: 'first question' } });
    const second = await call(path, { token, body: { content: 'second question' } });
    await call(`${path}/${second.body.message.id}`, { method: 'DELETE', token });
    const regenerated = await call(`${path}/${second.body.reply.id}/regenerate`, { token, body: {} });
    expect(regenerated.status).toBe(409);
    expect(regenerated.body.error.code).toBe('conflict');
    expect(fake.requests).toHaveLength(2);
  });

  it('keeps the finish reason: a reply cut off by the token limit says `length`', async () => {
    const fake = await fakeOpenAI((request) => ({
      chunks:
        lastUserText(request.body) === 'long'
          ? loadFixture('openai-length.chunks.txt')
          : chunks(['short'], 'stop'),
    }));
    const server = await serverFor(fake);
    const { token, chatId } = await assistantChat(server);
    const path = `/v1/conversations/${chatId}/messages`;
    const cut = streamOf(server.url, token, path, { content: 'long' });
    await cut.done;
    expect(cut.events.at(-1)).toMatchObject({
      type: 'message.completed',
      message: { status: 'complete', finishReason: 'length', content: 'Once upon a time' },
    });
    const whole = await call(`${server.url}${path}`, { token, body: { content: 'brief' } });
    expect(whole.body.reply).toMatchObject({ status: 'complete', finishReason: 'stop' });
    expect((await history(server.url, token, chatId)).map((m) => m.finishReason)).toEqual([
      null,
      'length',
      null,
      'stop',
    ]);
  });
});
