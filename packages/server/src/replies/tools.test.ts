/**
 * The tool loop through a real server and a fake OpenAI speaking its wire format (streamed
 * `tool_calls` in pieces by index, `finish_reason: "tool_calls"`, `tool` messages back): server
 * tools over several steps, `maxSteps`, bad input, a throwing and a hanging tool, client tools
 * answered over REST, approvals, a second answer refused, a stop during a tool, re-attach mid
 * tool input, and a reply waiting for input across a restart.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { resolveModels } from '../providers/registry.js';
import { createPostgresStore } from '../store/postgres/postgres-store.js';
import type { Store } from '../store/store.js';
import { type FakeOpenAIScript, type FakeServerHandle, startFakeOpenAI } from '../testing/fake-openai.js';
import { call } from '../testing/http.js';
import { replyFromEvents } from '../testing/reply-events.js';
import { sharedLowdbStore } from '../testing/shared-store.js';
import { readSse } from '../testing/sse-client.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { createTestSchema, databaseUrl } from '../testing/test-database.js';
import { signUp } from '../testing/ws-client.js';
import { defineTool, type ToolDefinition } from '../tools/define-tool.js';

interface Call {
  id: string;
  name: string;
  /** The arguments' JSON text, sent in pieces. */
  args: string;
}

const chunk = (delta: unknown, finish: string | null = null) =>
  JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] });

/** OpenAI chunks calling `calls` in parallel: each call's id and name first, its arguments in three pieces. */
function toolCallChunks(calls: readonly Call[]): string[] {
  const chunks: string[] = [];
  calls.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    const third = Math.ceil(call.args.length / 3);
    for (let at = 0; at < call.args.length; at += third) {
      chunks.push(
        chunk({ tool_calls: [{ index, function: { arguments: call.args.slice(at, at + third) } }] }),
      );
    }
  });
  chunks.push(chunk({}, 'tool_calls'));
  return chunks;
}

const textChunks = (text: string) => [chunk({ content: text }), chunk({}, 'stop')];

interface SentMessages {
  messages: { role: string; content: string | null; tool_calls?: { id: string }[]; tool_call_id?: string }[];
  tools?: { function: { name: string } }[];
}
const bodyOf = (request: { body: unknown }) => request.body as SentMessages;
/** The tool results since the request's last user message: which step of the current reply this is. */
const resultsIn = (request: { body: unknown }) => {
  const { messages } = bodyOf(request);
  const lastUser = messages.findLastIndex((m) => m.role === 'user');
  return messages.slice(lastUser + 1).filter((m) => m.role === 'tool');
};

interface StreamEvent {
  type: string;
  messageId?: string;
  index?: number;
  part?: unknown;
  message?: { id: string; status: string; parts: { type: string; state?: string }[] };
}

const streamOf = (url: string, token: string, path: string, body: unknown) =>
  readSse<StreamEvent>(`${url}${path}`, { token, body });

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function setup(
  script: (request: { body: unknown }) => FakeOpenAIScript,
  options: {
    tools?: ToolDefinition[];
    maxSteps?: number;
    toolTimeoutMs?: number;
    dataDir?: string;
    store?: Store;
    limits?: { toolOutputBytes?: number };
  } = {},
): Promise<{ fake: FakeServerHandle; server: TestServer; token: string; chatId: string }> {
  const fake = await startFakeOpenAI(script);
  cleanup.push(() => fake.close());
  const server = await startTestServer({
    ...options,
    models: resolveModels({ OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-test' }),
  });
  cleanup.push(async () => {
    server.app.server.closeAllConnections();
    await server.close();
  });
  const user = await signUp(server.url, 'tools');
  const chat = await call(`${server.url}/v1/conversations`, {
    token: user.token,
    body: { type: 'assistant' },
  });
  return { fake, server, token: user.token, chatId: chat.body.id as string };
}

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

const partsOf = (reply: { parts: { type: string; state?: string }[] }) =>
  reply.parts.map((part) => (part.type === 'tool' ? `tool:${part.state}` : part.type));

describe('server tools', () => {
  it('a 3-step loop: two parallel calls, then one more, then the answer; every call and result in the context', async () => {
    const { fake, server, token, chatId } = await setup(
      (request) => {
        const results = resultsIn(request).length;
        if (results === 0)
          return {
            chunks: toolCallChunks([
              { id: 'call_a', name: 'add', args: '{"a":1,"b":2}' },
              { id: 'call_b', name: 'add', args: '{"a":10,"b":20}' },
            ]),
          };
        if (results === 2)
          return { chunks: toolCallChunks([{ id: 'call_c', name: 'add', args: '{"a":3,"b":30}' }]) };
        return { chunks: textChunks('The sums are 3, 30 and 33.') };
      },
      { tools: [add] },
    );
    const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'add' },
    });
    expect(sent.body.reply).toMatchObject({
      status: 'complete',
      finishReason: 'stop',
      content: 'The sums are 3, 30 and 33.',
    });
    expect(partsOf(sent.body.reply)).toEqual([
      'step-start',
      'tool:output-available',
      'tool:output-available',
      'step-start',
      'tool:output-available',
      'step-start',
      'text',
    ]);
    expect(sent.body.reply.parts[2]).toMatchObject({
      toolCallId: 'call_b',
      input: { a: 10, b: 20 },
      output: { sum: 30 },
    });
    expect(fake.requests).toHaveLength(3);
    expect(bodyOf(fake.requests[0]!).tools?.map((tool) => tool.function.name)).toEqual(['add']);
    const last = bodyOf(fake.requests[2]!).messages;
    expect(last.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant', 'tool']);
    expect(last[1]?.tool_calls?.map((c) => c.id)).toEqual(['call_a', 'call_b']);
    expect(last[5]).toMatchObject({ tool_call_id: 'call_c', content: '{"sum":33}' });
  });

  it('stops at maxSteps with finishReason tool_calls', async () => {
    let n = 0;
    const { fake, server, token, chatId } = await setup(
      () => ({ chunks: toolCallChunks([{ id: `call_${n++}`, name: 'add', args: '{"a":1,"b":1}' }]) }),
      { tools: [add], maxSteps: 2 },
    );
    const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'loop' },
    });
    expect(sent.body.reply).toMatchObject({ status: 'complete', finishReason: 'tool_calls' });
    expect(fake.requests).toHaveLength(2);
  });

  it('bad input, a throwing tool and a hanging one are errors the model is told, never a failed reply', async () => {
    const boom = defineTool({
      name: 'boom',
      description: 'Fails',
      input: z.object({}),
      execute: () => {
        throw new Error('the tool broke');
      },
    });
    let aborted = false;
    const hang = defineTool({
      name: 'hang',
      description: 'Never answers',
      input: z.object({}),
      timeoutMs: 100,
      execute: (_input, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    });
    const { fake, server, token, chatId } = await setup(
      (request) =>
        resultsIn(request).length === 0
          ? {
              chunks: toolCallChunks([
                { id: 'call_json', name: 'add', args: '{"a":1,' },
                { id: 'call_schema', name: 'add', args: '{"a":"one","b":2}' },
                { id: 'call_boom', name: 'boom', args: '{}' },
                { id: 'call_hang', name: 'hang', args: '{}' },
                { id: 'call_none', name: 'nope', args: '{}' },
              ]),
            }
          : { chunks: textChunks('Sorry.') },
      { tools: [add, boom, hang] },
    );
    const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'go' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.reply.status).toBe('complete');
    const errors = sent.body.reply.parts.filter((part: { state?: string }) => part.state === 'output-error');
    expect(errors.map((part: { toolCallId: string }) => part.toolCallId)).toEqual([
      'call_json',
      'call_schema',
      'call_boom',
      'call_hang',
      'call_none',
    ]);
    expect(aborted).toBe(true);
    const told = resultsIn(fake.requests[1]!).map((m) => m.content);
    expect(told[0]).toMatch(/not valid JSON/);
    expect(told[1]).toMatch(/a/);
    expect(told[2]).toMatch(/the tool broke/);
    expect(told[3]).toMatch(/timed out/);
    expect(told[4]).toMatch(/no tool named "nope"/);
  });

  it('a stop during a tool aborts it and stores the reply aborted with its parts', async () => {
    let started = false;
    let signalled = false;
    const slow = defineTool({
      name: 'slow',
      description: 'Takes its time',
      input: z.object({}),
      execute: (_input, { signal }) =>
        new Promise((resolve) => {
          started = true;
          signal.addEventListener('abort', () => {
            signalled = true;
            resolve('late');
          });
        }),
    });
    const { fake, server, token, chatId } = await setup(
      () => ({ chunks: toolCallChunks([{ id: 'call_slow', name: 'slow', args: '{}' }]) }),
      { tools: [slow] },
    );
    const stream = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, { content: 'slowly' });
    await vi.waitFor(() => expect(started).toBe(true), { timeout: 5000, interval: 5 });
    const replyId = stream.events.find((event) => event.type === 'message.started')?.messageId;
    const stopped = await call(`${server.url}/v1/conversations/${chatId}/messages/${replyId}/stop`, {
      method: 'POST',
      token,
    });
    expect(stopped.body).toMatchObject({ status: 'aborted' });
    expect(partsOf(stopped.body)).toEqual(['step-start', 'tool:output-error']);
    expect(signalled).toBe(true);
    await stream.done;
    expect(fake.requests).toHaveLength(1);
  });
});

describe('needsApproval, bounded as execute is', () => {
  const guarded = (
    needsApproval: (input: { what: string }) => boolean | Promise<boolean>,
    timeoutMs?: number,
  ) =>
    defineTool({
      name: 'guarded',
      description: 'Asks a rule first',
      input: z.object({ what: z.string() }),
      needsApproval,
      ...(timeoutMs ? { timeoutMs } : {}),
      execute: () => 'ran',
    });
  const script = (request: { body: unknown }) =>
    resultsIn(request).length === 0
      ? { chunks: toolCallChunks([{ id: 'call_g', name: 'guarded', args: '{"what":"x"}' }]) }
      : { chunks: textChunks('Understood.') };

  it('a rule that throws ends the call output-error, the model is told, the reply completes', async () => {
    const tool = guarded(() => {
      throw new Error('policy service down');
    });
    const { fake, server, token, chatId } = await setup(script, { tools: [tool] });
    const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'go' },
    });
    expect(sent.body.reply).toMatchObject({ status: 'complete', content: 'Understood.' });
    expect(partsOf(sent.body.reply)).toEqual(['step-start', 'tool:output-error', 'step-start', 'text']);
    const [told] = resultsIn(fake.requests[1]!).map((m) => m.content);
    expect(told).toMatch(
      /needsApproval\) of tool "guarded" failed \(policy service down\): the call was not run/,
    );
  });

  it('a rule that hangs past the tool’s timeoutMs ends the call output-error, and the reply completes', async () => {
    let signalled = false;
    const tool = guarded(
      () =>
        new Promise<boolean>(() => {
          // Ignores its signal: the bound alone must end it.
        }),
      50,
    );
    const watching = defineTool({
      ...tool,
      needsApproval: (input, ctx) => {
        ctx.signal.addEventListener('abort', () => {
          signalled = true;
        });
        return (tool.needsApproval as (i: typeof input, c: typeof ctx) => Promise<boolean>)(input, ctx);
      },
    });
    const { fake, server, token, chatId } = await setup(script, { tools: [watching] });
    const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'go' },
    });
    expect(sent.body.reply).toMatchObject({ status: 'complete', content: 'Understood.' });
    expect(sent.body.reply.parts[1]).toMatchObject({ state: 'output-error' });
    expect(signalled).toBe(true);
    const [told] = resultsIn(fake.requests[1]!).map((m) => m.content);
    expect(told).toMatch(/timed out after 50 ms: the call was not run/);
  });

  it('a stop during a rule that never settles stops the reply: stored aborted, the call output-error', async () => {
    let asked = false;
    const tool = guarded(() => {
      asked = true;
      return new Promise<boolean>(() => {});
    });
    const { fake, server, token, chatId } = await setup(script, { tools: [tool], toolTimeoutMs: 600_000 });
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const stream = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, { content: 'go' });
    await vi.waitFor(() => expect(asked).toBe(true), { timeout: 5000, interval: 5 });
    const replyId = stream.events.find((event) => event.type === 'message.started')?.messageId;
    const stopped = await call(`${base}/${replyId}/stop`, { method: 'POST', token });
    expect(stopped.body).toMatchObject({ status: 'aborted' });
    expect(partsOf(stopped.body)).toEqual(['step-start', 'tool:output-error']);
    await stream.done;
    expect(fake.requests).toHaveLength(1);
    const [, stored] = (await call(`${base}?limit=10`, { token })).body.items;
    expect(stored).toMatchObject({ id: replyId, status: 'aborted' });
  });
});

describe('calls a reply that ends leaves unfinished', () => {
  it('a stop mid tool input: stored aborted, the call output-error "Not run", everyone sees it', async () => {
    const { fake, server, token, chatId } = await setup(
      (request) =>
        bodyOf(request).messages.filter((m) => m.role === 'user').length === 1
          ? {
              chunks: [
                chunk({ content: 'Let me add.' }),
                ...toolCallChunks([{ id: 'call_cut', name: 'add', args: '{"a":1,"b":2}' }]),
              ],
              interrupt: { afterChunks: 3, with: 'stall' },
            }
          : { chunks: textChunks('Again.') },
      { tools: [add] },
    );
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const stream = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, { content: 'add' });
    await stream.until((events) =>
      events.some((event) => event.type === 'message.delta' && event.part === 2),
    );
    const replyId = stream.events.find((event) => event.type === 'message.started')?.messageId;
    // A second tab follows the reply as it runs.
    const second = readSse<StreamEvent>(`${base}/${replyId}/stream`, { token });
    await second.until((events) => events.some((event) => event.type === 'message.part'));
    const stopped = await call(`${base}/${replyId}/stop`, { method: 'POST', token });
    expect(stopped.body).toMatchObject({ status: 'aborted' });
    expect(partsOf(stopped.body)).toEqual(['step-start', 'text', 'tool:output-error']);
    expect(stopped.body.parts[2]).toMatchObject({
      toolCallId: 'call_cut',
      errorText: expect.stringMatching(/^Not run: the reply was stopped/),
    });
    await Promise.all([stream.done, second.done]);
    for (const events of [stream.events, second.events]) {
      expect(events.at(-1)?.message?.parts.map((part) => part.state ?? part.type)).toEqual([
        'step-start',
        'text',
        'output-error',
      ]);
    }
    expect(replyFromEvents(stream.events as never).parts[2]).toMatchObject({ state: 'output-error' });
    const [, stored] = (await call(`${base}?limit=10`, { token })).body.items;
    expect(partsOf(stored)).toEqual(['step-start', 'text', 'tool:output-error']);
    // The next turn's context: the call that was never made is not in it (the fake checks every
    // call is answered), the text before it is.
    const next = await call(base, { token, body: { content: 'again' } });
    expect(next.body.reply).toMatchObject({ status: 'complete', content: 'Again.' });
    const context = bodyOf(fake.requests[1]!).messages;
    expect(context.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(context[1]).toMatchObject({ content: 'Let me add.' });
  });

  it('a provider failure mid tool input: stored error, the call output-error "Not run: the reply failed"', async () => {
    const { server, token, chatId } = await setup(
      () => ({
        chunks: toolCallChunks([{ id: 'call_cut', name: 'add', args: '{"a":1,"b":2}' }]),
        interrupt: { afterChunks: 2, with: 'error' },
      }),
      { tools: [add] },
    );
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const stream = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, { content: 'add' });
    await stream.done;
    const completed = stream.events.find((event) => event.type === 'message.completed')?.message;
    expect(completed).toMatchObject({ status: 'error' });
    expect(completed?.parts[1]).toMatchObject({
      state: 'output-error',
      errorText: expect.stringMatching(/^Not run: the reply failed/),
    });
    const [, stored] = (await call(`${base}?limit=10`, { token })).body.items;
    expect(stored).toMatchObject({ status: 'error' });
    expect(partsOf(stored)).toEqual(['step-start', 'tool:output-error']);
  });
});

describe('client tools and approvals', () => {
  const zone = {
    name: 'time_zone',
    description: 'The browser’s time zone',
    inputSchema: { type: 'object', properties: {} },
  };

  it('a client tool: the reply waits, a result over REST takes it on, a second answer is 409', async () => {
    const { fake, server, token, chatId } = await setup((request) =>
      resultsIn(request).length === 0
        ? { chunks: toolCallChunks([{ id: 'call_zone', name: 'time_zone', args: '{}' }]) }
        : { chunks: textChunks(`You are in ${JSON.parse(resultsIn(request)[0]?.content ?? '""').zone}.`) },
    );
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const sent = await call(base, { token, body: { content: 'where am I', tools: [zone] } });
    expect(sent.body.reply).toMatchObject({ status: 'awaiting_input' });
    expect(partsOf(sent.body.reply)).toEqual(['step-start', 'tool:input-available']);
    expect(bodyOf(fake.requests[0]!).tools?.map((tool) => tool.function.name)).toEqual(['time_zone']);

    const replyId = sent.body.reply.id as string;
    const answer = streamOf(
      server.url,
      token,
      `/v1/conversations/${chatId}/messages/${replyId}/tool-results`,
      {
        toolCallId: 'call_zone',
        output: { zone: 'Europe/Lisbon' },
      },
    );
    await answer.done;
    const { parts, text } = replyFromEvents(answer.events as never);
    expect(text).toBe('You are in Europe/Lisbon.');
    expect(parts.filter((part) => part.type === 'tool')).toEqual([
      expect.objectContaining({ state: 'output-available', output: { zone: 'Europe/Lisbon' } }),
    ]);
    const again = await call(`${base}/${replyId}/tool-results`, {
      token,
      body: { toolCallId: 'call_zone', output: { zone: 'Mars' } },
    });
    expect(again.status).toBe(409);
    const stored = (await call(`${base}?limit=10`, { token })).body.items[1];
    expect(stored).toMatchObject({ status: 'complete', content: 'You are in Europe/Lisbon.' });
    // The declared tools stay with the reply: its second step still offered them.
    expect(bodyOf(fake.requests[1]!).tools?.map((tool) => tool.function.name)).toEqual(['time_zone']);
  });

  it('a follower that comes while the last answer takes the reply on follows its run, never ends it as error', async () => {
    const shared = await sharedLowdbStore();
    cleanup.push(shared.cleanup);
    // Reads of the prompt are slowed once the reply waits: the answer reads it as it takes the reply on.
    let slow = false;
    const store = new Proxy(shared.store, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        if (key !== 'getMessage') return value.bind(target);
        return async (conversationId: string, messageId: string) => {
          const message = await target.getMessage(conversationId, messageId);
          if (slow && message?.role === 'user') await new Promise((resolve) => setTimeout(resolve, 300));
          return message;
        };
      },
    });
    const { server, token, chatId } = await setup(
      (request) =>
        resultsIn(request).length === 0
          ? { chunks: toolCallChunks([{ id: 'call_zone', name: 'time_zone', args: '{}' }]) }
          : { chunks: textChunks('You are in UTC.') },
      { store },
    );
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const sent = await call(base, { token, body: { content: 'where am I', tools: [zone] } });
    expect(sent.body.reply.status).toBe('awaiting_input');
    const replyId = sent.body.reply.id as string;
    slow = true;
    const answering = call(`${base}/${replyId}/tool-results`, {
      token,
      body: { toolCallId: 'call_zone', output: 'UTC' },
    });
    // Stored `streaming` by the answer, not yet running: a follower comes.
    await vi.waitFor(
      async () => {
        const stored = await shared.store.getMessage(chatId, replyId);
        expect(stored?.status).toBe('streaming');
      },
      { timeout: 5000, interval: 2 },
    );
    const followed = await fetch(`${base}/${replyId}/stream`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    const events = (await followed.text()).split('\n').filter((line) => line.startsWith('data: '));
    const answered = await answering;
    expect(answered.body.reply).toMatchObject({ status: 'complete', content: 'You are in UTC.' });
    expect(JSON.parse(events.at(-1)?.slice(6) ?? '{}')).toMatchObject({
      type: 'message.completed',
      message: { status: 'complete', content: 'You are in UTC.' },
    });
  });

  it('a stop that meets the last answer taking the reply on stops its run', async () => {
    const shared = await sharedLowdbStore();
    cleanup.push(shared.cleanup);
    // The stop's write (ending the wait: the first read-modify-write once `held` is set) is held
    // until the answer has taken the reply on.
    let held: (() => void) | undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = new Proxy(shared.store, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        if (key !== 'modifyMessage') return value.bind(target);
        return async (...args: Parameters<Store['modifyMessage']>) => {
          const hold = held;
          held = undefined;
          if (hold) {
            hold();
            await released;
          }
          return target.modifyMessage(...args);
        };
      },
    });
    const { server, token, chatId } = await setup(
      (request) =>
        resultsIn(request).length === 0
          ? { chunks: toolCallChunks([{ id: 'call_zone', name: 'time_zone', args: '{}' }]) }
          : { chunks: Array.from({ length: 40 }, () => chunk({ content: 'and on ' })), chunkDelayMs: 25 },
      { store },
    );
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const sent = await call(base, { token, body: { content: 'where am I', tools: [zone] } });
    const replyId = sent.body.reply.id as string;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    const stopping = call(`${base}/${replyId}/stop`, { method: 'POST', token });
    await holding;
    const answering = call(`${base}/${replyId}/tool-results`, {
      token,
      body: { toolCallId: 'call_zone', output: 'UTC' },
    });
    await vi.waitFor(
      async () => expect((await shared.store.getMessage(chatId, replyId))?.status).toBe('streaming'),
      { timeout: 5000, interval: 2 },
    );
    release();
    const stopped = await stopping;
    expect(stopped.body).toMatchObject({ status: 'aborted' });
    expect((await answering).body.reply).toMatchObject({ status: 'aborted' });
    expect((await shared.store.getMessage(chatId, replyId))?.status).toBe('aborted');
  });

  it('two waiting calls: the first answer streams the call and the reply still waiting; a stop ends the wait', async () => {
    const { fake, server, token, chatId } = await setup(() => ({
      chunks: toolCallChunks([
        { id: 'call_1', name: 'time_zone', args: '{}' },
        { id: 'call_2', name: 'time_zone', args: '{}' },
      ]),
    }));
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const sent = await call(base, { token, body: { content: 'two zones', tools: [zone] } });
    expect(partsOf(sent.body.reply)).toEqual(['step-start', 'tool:input-available', 'tool:input-available']);
    const first = streamOf(
      server.url,
      token,
      `/v1/conversations/${chatId}/messages/${sent.body.reply.id}/tool-results`,
      {
        toolCallId: 'call_1',
        output: 'UTC',
      },
    );
    await first.done;
    expect(first.events.map((event) => event.type)).toEqual(['message.part', 'message.completed']);
    expect(first.events[1]?.message).toMatchObject({ status: 'awaiting_input' });
    const stopped = await call(`${base}/${sent.body.reply.id}/stop`, { method: 'POST', token });
    expect(stopped.body).toMatchObject({ status: 'aborted' });
    expect(partsOf(stopped.body)).toEqual(['step-start', 'tool:output-available', 'tool:output-error']);
    expect(stopped.body.parts[2]).toMatchObject({ errorText: 'Not answered: the reply was stopped' });
    const [, stored] = (await call(`${base}?limit=10`, { token })).body.items;
    expect(partsOf(stored)).toEqual(['step-start', 'tool:output-available', 'tool:output-error']);
    const late = await call(`${base}/${sent.body.reply.id}/tool-results`, {
      token,
      body: { toolCallId: 'call_2', output: 'UTC' },
    });
    expect(late.status).toBe(409);
    expect(fake.requests).toHaveLength(1);
    // The next turn's context tells the model what came of it.
    await call(base, { token, body: { content: 'and now', tools: [zone] } });
    const told = bodyOf(fake.requests[1]!).messages.filter((m) => m.role === 'tool');
    expect(told.map((m) => m.content)).toEqual(['"UTC"', 'Error: Not answered: the reply was stopped']);
  });

  it('input that does not fit the client’s schema is an error the model is told; nothing waits', async () => {
    const strict = {
      ...zone,
      inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    };
    const { fake, server, token, chatId } = await setup((request) =>
      resultsIn(request).length === 0
        ? { chunks: toolCallChunks([{ id: 'call_bad', name: 'time_zone', args: '{"n":"x"}' }]) }
        : { chunks: textChunks('I will stop.') },
    );
    const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      body: { content: 'bad', tools: [strict] },
    });
    expect(sent.body.reply).toMatchObject({ status: 'complete', content: 'I will stop.' });
    expect(partsOf(sent.body.reply)).toEqual(['step-start', 'tool:output-error', 'step-start', 'text']);
    expect(fake.requests).toHaveLength(2);
  });

  it('approval: approved, the server runs the tool; denied, the model is told why', async () => {
    let ran = 0;
    const risky = defineTool({
      name: 'risky',
      description: 'Needs a yes',
      input: z.object({ what: z.string() }),
      needsApproval: true,
      execute: ({ what }) => {
        ran += 1;
        return { done: what };
      },
    });
    const { fake, server, token, chatId } = await setup(
      (request) => {
        const results = resultsIn(request);
        if (results.length === 0)
          return { chunks: toolCallChunks([{ id: 'call_r', name: 'risky', args: '{"what":"x"}' }]) };
        return { chunks: textChunks(`Result: ${results[0]?.content}`) };
      },
      { tools: [risky] },
    );
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const first = await call(base, { token, body: { content: 'do it' } });
    expect(first.body.reply.status).toBe('awaiting_input');
    expect(partsOf(first.body.reply)).toEqual(['step-start', 'tool:approval-requested']);
    expect(ran).toBe(0);
    const yes = await call(`${base}/${first.body.reply.id}/tool-approvals`, {
      token,
      body: { toolCallId: 'call_r', approved: true },
    });
    expect(yes.body.reply).toMatchObject({ status: 'complete', content: 'Result: {"done":"x"}' });
    expect(ran).toBe(1);
    const twice = await call(`${base}/${first.body.reply.id}/tool-approvals`, {
      token,
      body: { toolCallId: 'call_r', approved: false },
    });
    expect(twice.status).toBe(409);

    const second = await call(base, { token, body: { content: 'do it again' } });
    const no = await call(`${base}/${second.body.reply.id}/tool-approvals`, {
      token,
      body: { toolCallId: 'call_r', approved: false, reason: 'not today' },
    });
    expect(no.body.reply.parts[1]).toMatchObject({
      state: 'output-denied',
      approval: { approved: false, reason: 'not today' },
    });
    expect(no.body.reply.content).toMatch(/Denied by the user: not today/);
    expect(ran).toBe(1);
    expect(fake.requests).toHaveLength(4);
  });

  it('a reply waiting for input survives a restart, and goes on after it', async () => {
    const script = (request: { body: unknown }) =>
      resultsIn(request).length === 0
        ? { chunks: toolCallChunks([{ id: 'call_zone', name: 'time_zone', args: '{}' }]) }
        : { chunks: textChunks('Thanks.') };
    const first = await setup(script);
    const sent = await call(`${first.server.url}/v1/conversations/${first.chatId}/messages`, {
      token: first.token,
      body: { content: 'where', tools: [zone] },
    });
    expect(sent.body.reply.status).toBe('awaiting_input');
    // The same data, a new process.
    await first.server.close({ keepData: true });
    const again = await startTestServer({
      dataDir: first.server.dataDir,
      models: resolveModels({ OPENAI_BASE_URL: `${first.fake.url}/v1`, OPENAI_API_KEY: 'sk-test' }),
    });
    cleanup.push(() => again.close());
    const answered = await call(
      `${again.url}/v1/conversations/${first.chatId}/messages/${sent.body.reply.id}/tool-results`,
      {
        token: first.token,
        body: { toolCallId: 'call_zone', output: 'Asia/Tokyo' },
      },
    );
    expect(answered.body.reply).toMatchObject({ status: 'complete', content: 'Thanks.' });
  });
});

describe('answers the server cannot take', () => {
  const zone = { name: 'time_zone', description: 'Where', inputSchema: { type: 'object', properties: {} } };
  const waitingReply = async () => {
    const setupDone = await setup((request) =>
      resultsIn(request).length === 0
        ? { chunks: toolCallChunks([{ id: 'call_zone', name: 'time_zone', args: '{}' }]) }
        : { chunks: textChunks('Thanks.') },
    );
    const { server, token, chatId } = setupDone;
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const sent = await call(base, { token, body: { content: 'where', tools: [zone] } });
    expect(sent.body.reply.status).toBe('awaiting_input');
    return { ...setupDone, base, replyId: sent.body.reply.id as string };
  };
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;

  it('a client tool declared with a schema nested too deeply is 400 at its path, not a 500', async () => {
    const { server, token, chatId } = await setup(() => ({ chunks: textChunks('Hi.') }));
    const body = `{"content":"x","tools":[{"name":"deep","description":"d","inputSchema":{"type":"object","x":${deep}}}]}`;
    const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token,
      raw: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(sent.status, sent.text).toBe(400);
    expect(sent.body.error.details[0].path).toEqual(['body', 'tools', 0, 'inputSchema']);
  });

  it('an output nested too deeply is 400, and the reply still waits for its result', async () => {
    const { token, base, replyId } = await waitingReply();
    const answered = await call(`${base}/${replyId}/tool-results`, {
      token,
      raw: `{"toolCallId":"call_zone","output":${deep}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(answered.status, answered.text).toBe(400);
    expect(answered.body.error.details[0].path).toEqual(['body', 'output']);
    const ok = await call(`${base}/${replyId}/tool-results`, {
      token,
      body: { toolCallId: 'call_zone', output: 'UTC' },
    });
    expect(ok.body.reply).toMatchObject({ status: 'complete', content: 'Thanks.' });
  });

  it('an output over limits.toolOutputBytes is 400 at body.output naming the limit; nothing recorded, the reply waits', async () => {
    const { server, token, chatId } = await setup(
      (request) =>
        resultsIn(request).length === 0
          ? { chunks: toolCallChunks([{ id: 'call_zone', name: 'time_zone', args: '{}' }]) }
          : { chunks: textChunks('Thanks.') },
      { limits: { toolOutputBytes: 1024 } },
    );
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const sent = await call(base, { token, body: { content: 'where', tools: [zone] } });
    const replyId = sent.body.reply.id as string;
    const big = await call(`${base}/${replyId}/tool-results`, {
      token,
      body: { toolCallId: 'call_zone', output: 'x'.repeat(1100) },
    });
    expect(big.status, big.text).toBe(400);
    expect(big.body.error.code).toBe('validation_failed');
    expect(big.body.error.details[0]).toMatchObject({
      path: ['body', 'output'],
      message: expect.stringMatching(/1102 bytes of JSON, over the limit of 1024/),
    });
    const [, waiting] = (await call(`${base}?limit=10`, { token })).body.items;
    expect(waiting).toMatchObject({ status: 'awaiting_input' });
    expect(partsOf(waiting)).toEqual(['step-start', 'tool:input-available']);
    const ok = await call(`${base}/${replyId}/tool-results`, {
      token,
      body: { toolCallId: 'call_zone', output: 'x'.repeat(1000) },
    });
    expect(ok.body.reply).toMatchObject({ status: 'complete', content: 'Thanks.' });
  });

  it('an output or errorText holding U+0000 (PostgreSQL cannot store it) is 400, and the reply still waits', async () => {
    const { token, base, replyId } = await waitingReply();
    const refused = [
      { toolCallId: 'call_zone', output: { zone: 'U\u0000TC' } },
      { toolCallId: 'call_zone', output: ['fine', { 'k\u0000': 1 }] },
      { toolCallId: 'call_zone', errorText: 'bad \u0000 byte' },
    ];
    for (const body of refused) {
      const answered = await call(`${base}/${replyId}/tool-results`, { token, body });
      expect(answered.status, answered.text).toBe(400);
      expect(answered.body.error.details[0].path[1]).toBe('errorText' in body ? 'errorText' : 'output');
    }
    // A backslash before `u0000` is plain text.
    const ok = await call(`${base}/${replyId}/tool-results`, {
      token,
      body: { toolCallId: 'call_zone', output: 'C:\\u0000' },
    });
    expect(ok.body.reply).toMatchObject({ status: 'complete', content: 'Thanks.' });
  });

  it('the last answer to a reply whose model is gone (a restart with other models) is 409, and it still waits', async () => {
    const first = await waitingReply();
    await first.server.close({ keepData: true });
    const again = await startTestServer({
      dataDir: first.server.dataDir,
      models: resolveModels({
        OPENAI_BASE_URL: `${first.fake.url}/v1`,
        OPENAI_API_KEY: 'sk-test',
        CHATWIRE_MODELS: JSON.stringify({ other: { provider: 'openai', model: 'gpt-other' } }),
      }),
    });
    cleanup.push(() => again.close());
    const base = `${again.url}/v1/conversations/${first.chatId}/messages`;
    const answered = await call(`${base}/${first.replyId}/tool-results`, {
      token: first.token,
      body: { toolCallId: 'call_zone', output: 'UTC' },
    });
    expect(answered.status, answered.text).toBe(409);
    const [, reply] = (await call(`${base}?limit=10`, { token: first.token })).body.items;
    expect(reply).toMatchObject({ id: first.replyId, status: 'awaiting_input' });
    expect(partsOf(reply)).toEqual(['step-start', 'tool:input-available']);
  });
});

describe('following a reply mid tool input', () => {
  it('a re-attach in the middle of a call’s streaming input gets the rest of it, then the call', async () => {
    const { server, token, chatId } = await setup(
      (request) =>
        resultsIn(request).length === 0
          ? {
              chunks: toolCallChunks([
                { id: 'call_long', name: 'add', args: '{"a":123456789,"b":987654321}' },
              ]),
              chunkDelayMs: 60,
            }
          : { chunks: textChunks('Done.') },
      { tools: [add] },
    );
    const stream = streamOf(server.url, token, `/v1/conversations/${chatId}/messages`, { content: 'sum' });
    // The call has started and some of its input is in.
    await stream.until((events) => events.some((event) => event.type === 'message.delta'));
    const replyId = stream.events.find((event) => event.type === 'message.started')?.messageId;
    const { parts } = replyFromEvents(stream.events as never);
    const index = parts.findIndex((part) => part.type === 'tool');
    const had = parts[index]?.type === 'tool' ? (parts[index].inputText ?? '') : '';
    const resumed = await fetch(
      `${server.url}/v1/conversations/${chatId}/messages/${replyId}/stream?part=${index}&offset=${had.length}`,
      { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
    );
    const text = await resumed.text();
    await stream.done;
    const events = text
      .split('\n\n')
      .flatMap((block) => block.split('\n').filter((line) => line.startsWith('data: ')))
      .map((line) => JSON.parse(line.slice(6)));
    // What it lacked, and nothing twice: the follower's parts end as the requester's.
    const seed = parts.slice(0, index + 1).map((part, at) => ({
      type: 'message.part',
      index: at,
      part: at === index ? { ...part, inputText: had } : part,
    }));
    const follower = replyFromEvents([...seed, ...events] as never);
    const requester = replyFromEvents(stream.events as never);
    expect(follower.parts.slice(index)).toEqual(requester.parts.slice(index));
    expect(follower.text).toBe('Done.');
  });
});

describe('U+0000, which PostgreSQL cannot store', () => {
  /** lowdb, and PostgreSQL when there is one: the stores keep the same reply. */
  const stores: [string, () => Promise<Store | undefined>][] = [
    ['lowdb', async () => undefined],
    ...(databaseUrl
      ? [
          [
            'PostgreSQL',
            async () => {
              const schema = await createTestSchema(databaseUrl as string);
              const store = createPostgresStore({
                connectionString: databaseUrl as string,
                schema: schema.name,
              });
              await store.init();
              cleanup.push(async () => {
                await store.close();
                await schema.drop();
              });
              return store;
            },
          ] as [string, () => Promise<Store | undefined>],
        ]
      : []),
  ];
  for (const [name, open] of stores) {
    it(`in what a model writes or a server tool returns is kept as U+FFFD (${name})`, async () => {
      const nul = defineTool({
        name: 'nul',
        description: 'Returns a NUL',
        input: z.object({ text: z.string() }),
        execute: ({ text }) => ({ echoed: text, raw: 'a\u0000b' }),
      });
      const store = await open();
      const { server, token, chatId } = await setup(
        (request) =>
          resultsIn(request).length === 0
            ? {
                chunks: [
                  chunk({ reasoning_content: 'think\u0000ing' }),
                  ...toolCallChunks([{ id: 'call_n', name: 'nul', args: '{"text":"x\\u0000y"}' }]),
                ],
              }
            : { chunks: textChunks('done\u0000.') },
        { tools: [nul], ...(store ? { store } : {}) },
      );
      const sent = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
        token,
        body: { content: 'nul' },
      });
      expect(sent.body.reply, sent.text).toMatchObject({ status: 'complete', content: 'done\uFFFD.' });
      const [, reply] = (await call(`${server.url}/v1/conversations/${chatId}/messages`, { token })).body
        .items;
      expect(reply.parts).toMatchObject([
        { type: 'step-start' },
        { type: 'reasoning', text: 'think\uFFFDing' },
        { type: 'tool', input: { text: 'x\uFFFDy' }, output: { echoed: 'x\uFFFDy', raw: 'a\uFFFDb' } },
        { type: 'step-start' },
        { type: 'text', text: 'done\uFFFD.' },
      ]);
    });
  }

  it('in a client tool declaration (its schema or description) is refused (400), nothing stored', async () => {
    const { server, token, chatId } = await setup(() => ({ chunks: textChunks('ok') }));
    const base = `${server.url}/v1/conversations/${chatId}/messages`;
    const declared = await call(base, {
      token,
      body: {
        content: 'hi',
        tools: [{ name: 'zone', description: 'z', inputSchema: { type: 'object', title: 'a\u0000' } }],
      },
    });
    expect(declared.status, declared.text).toBe(400);
    expect(declared.body.error.details[0].path).toEqual(['body', 'tools', 0, 'inputSchema']);
    const described = await call(base, {
      token,
      body: {
        content: 'hi',
        tools: [{ name: 'zone', description: 'a\u0000', inputSchema: { type: 'object' } }],
      },
    });
    expect(described.status, described.text).toBe(400);
    const page = await call(base, { token });
    expect(page.body.items).toEqual([]);
  });
});
