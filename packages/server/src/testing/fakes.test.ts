/**
 * Keeps the fakes honest: the official clients must read what they send exactly as they would
 * read the real services.
 */
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedFixtures, type FixtureName } from './__fixtures__/embedded.js';
import type { FakeServerHandle } from './fake-http.js';
import { startFakeOllama } from './fake-ollama.js';
import { startFakeOpenAI } from './fake-openai.js';
import { FIXTURE_REASONING, FIXTURE_TEXT, FIXTURE_TOOL_CALLS, loadFixture } from './fixtures.js';

let fake: FakeServerHandle | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('fake OpenAI, read by the openai npm client', () => {
  it('streams text, finish_reason and the usage chunk', async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-test-key' });
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test-key', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(FIXTURE_TEXT);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 23, completion_tokens: 21 });
    expect(fake.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('reads byte-split writes the same way', async () => {
    fake = await startFakeOpenAI({ writes: { bytes: 7 } });
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(FIXTURE_TEXT);
  });

  it('omits the usage chunk unless asked, as OpenAI does', async () => {
    fake = await startFakeOpenAI();
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('error statuses become the client’s typed errors', async () => {
    fake = await startFakeOpenAI((request) => ({
      status: Number((request.body as { model: string }).model),
    }));
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const create = (status: number) =>
      client.chat.completions.create({ model: String(status), messages: [], stream: true });
    await expect(create(401)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(create(404)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(create(429)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(create(500)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(create(404)).rejects.toMatchObject({ code: 'model_not_found' });
  });

  it('a mid-stream error event makes the client throw', async () => {
    fake = await startFakeOpenAI({
      interrupt: {
        afterChunks: 3,
        with: 'error',
        error: { message: 'overloaded', type: 'server_error', code: null },
      },
    });
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/overloaded/);
  });
});

describe('fake Ollama, read by the ollama npm client', () => {
  it('streams text and the final counts', async () => {
    fake = await startFakeOllama({ writes: 'mixed' });
    const client = new Ollama({ host: fake.url });
    const stream = await client.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    let last:
      | { done: boolean; done_reason: string; prompt_eval_count: number; eval_count: number }
      | undefined;
    for await (const part of stream) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe(FIXTURE_TEXT);
    expect(last).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: 26, eval_count: 15 });
    expect(fake.requests[0]).toMatchObject({ path: '/api/chat', body: { model: 'llama3.2', stream: true } });
  });

  it('reads byte-split writes the same way', async () => {
    fake = await startFakeOllama({ writes: { bytes: 5 } });
    const client = new Ollama({ host: fake.url });
    let text = '';
    for await (const part of await client.chat({ model: 'llama3.2', messages: [], stream: true })) {
      text += part.message.content;
    }
    expect(text).toBe(FIXTURE_TEXT);
  });

  it('error bodies and error lines make the client throw', async () => {
    fake = await startFakeOllama({ status: 404 });
    const client = new Ollama({ host: fake.url });
    await expect(client.chat({ model: 'nope', messages: [], stream: true })).rejects.toThrow(
      'model "nope" not found, try pulling it first',
    );
    await fake.close();

    fake = await startFakeOllama({ interrupt: { afterLines: 2, with: 'error', error: 'model crashed' } });
    const again = new Ollama({ host: fake.url });
    const stream = await again.chat({ model: 'llama3.2', messages: [], stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow('model crashed');
  });
});

describe('fake OpenAI tool calls and reasoning, read by the openai npm client', () => {
  const weather: OpenAI.ChatCompletionTool = {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  };

  it.each([
    'openai-tool-call.chunks.txt',
    'openai-parallel-tool-calls.chunks.txt',
    'groq-tool-call.chunks.txt',
  ] as const)('%s: the client’s own accumulator assembles the recorded calls', async (fixture) => {
    fake = await startFakeOpenAI({ chunks: loadFixture(fixture), writes: { bytes: 11 } });
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weather],
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe('tool_calls');
    const calls = (choice?.message.tool_calls ?? []).map((call) => {
      if (call.type !== 'function') throw new Error(`unexpected call type ${call.type}`);
      return { id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) };
    });
    expect(calls).toEqual(FIXTURE_TOOL_CALLS[fixture]);
  });

  it.each([
    ['deepseek-reasoning.chunks.txt', 'reasoning_content'],
    ['groq-reasoning.chunks.txt', 'reasoning'],
  ] as const)('%s: the client passes `%s` through, then the text', async (fixture, field) => {
    fake = await startFakeOpenAI({ chunks: loadFixture(fixture) });
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    let reasoning = '';
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as Record<string, unknown> | undefined;
      if (typeof delta?.[field] === 'string') reasoning += delta[field];
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect({ reasoning, text, finish }).toEqual({ ...FIXTURE_REASONING, finish: 'stop' });
  });

  it('accepts a context of calls and results as the client sends it, and refuses what OpenAI refuses', async () => {
    fake = await startFakeOpenAI();
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const call: OpenAI.ChatCompletionAssistantMessageParam = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    };
    const send = (messages: OpenAI.ChatCompletionMessageParam[], tools = [weather]) =>
      client.chat.completions.create({ model: 'm', messages, tools, stream: true }).then(async (stream) => {
        for await (const _ of stream);
      });
    const user: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather?' };
    await expect(
      send([user, call, { role: 'tool', tool_call_id: 'call_1', content: '"sunny"' }]),
    ).resolves.toBe(undefined);
    await expect(send([user, { role: 'tool', tool_call_id: 'call_1', content: 'x' }])).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/messages with role 'tool' must be a response to a preceeding message/),
    });
    await expect(send([user, call, user])).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/did not have response messages: call_1/),
    });
    await expect(
      send([user, call, { role: 'tool', tool_call_id: 'call_2', content: 'x' }]),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/'tool_call_id' of 'call_2' not found/),
    });
    await expect(send([user], [])).rejects.toMatchObject({ status: 400, code: 'empty_array' });
    await expect(send([user], [])).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    // Arguments as JSON text only (an object, as Ollama takes them, is refused), ids of 40 at most.
    const withCall = (toolCall: Record<string, unknown>) =>
      send([
        user,
        { role: 'assistant', content: null, tool_calls: [toolCall as never] },
        { role: 'tool', tool_call_id: String(toolCall.id), content: 'x' },
      ]);
    await expect(
      withCall({
        id: 'call_1',
        type: 'function',
        function: { name: 'get_weather', arguments: { city: 'Oslo' } },
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'invalid_type',
      message: expect.stringMatching(
        /'messages\[1\]\.tool_calls\[0\]\.function\.arguments': expected a string/,
      ),
    });
    await expect(
      withCall({ id: 'call_1', type: 'function', function: { name: 'get_weather' } }),
    ).rejects.toMatchObject({ status: 400, code: 'missing_required_parameter' });
    const long = `chatcmpl-tool-${'0'.repeat(32)}`;
    await expect(
      withCall({ id: long, type: 'function', function: { name: 'get_weather', arguments: '{}' } }),
    ).rejects.toMatchObject({ status: 400, code: 'string_above_max_length' });
    await expect(
      withCall({
        id: long.slice(0, 40),
        type: 'function',
        function: { name: 'get_weather', arguments: '{}' },
      }),
    ).resolves.toBe(undefined);
  });
});

describe('fake Ollama tool calls and thinking, read by the ollama npm client', () => {
  it('streams the recorded tool_calls message, then done', async () => {
    fake = await startFakeOllama({ lines: loadFixture('ollama-tool-calls.ndjson'), writes: { bytes: 13 } });
    const client = new Ollama({ host: fake.url });
    const stream = await client.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Weather and time?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      stream: true,
    });
    const calls: { id: undefined; name: string; input: unknown }[] = [];
    let last: { done: boolean; done_reason: string } | undefined;
    for await (const part of stream) {
      for (const call of part.message.tool_calls ?? []) {
        calls.push({ id: undefined, name: call.function.name, input: call.function.arguments });
      }
      last = part;
    }
    expect(calls).toEqual(FIXTURE_TOOL_CALLS['ollama-tool-calls.ndjson']);
    expect(last).toMatchObject({ done: true, done_reason: 'stop' });
  });

  it('streams thinking, then content, when asked to think; refuses it for a model that cannot', async () => {
    fake = await startFakeOllama({ lines: loadFixture('ollama-thinking.ndjson') });
    const client = new Ollama({ host: fake.url });
    let thinking = '';
    let text = '';
    for await (const part of await client.chat({ model: 'qwen3', messages: [], think: true, stream: true })) {
      thinking += part.message.thinking ?? '';
      text += part.message.content;
    }
    expect({ reasoning: thinking, text }).toEqual(FIXTURE_REASONING);
    expect(fake.requests[0]?.body).toMatchObject({ think: true });
    await fake.close();

    fake = await startFakeOllama({ refuseThinking: true, refuseTools: true });
    const refusing = new Ollama({ host: fake.url });
    await expect(
      refusing.chat({ model: 'llama3.2', messages: [], think: true, stream: true }),
    ).rejects.toThrow('"llama3.2" does not support thinking');
    await expect(
      refusing.chat({
        model: 'gemma2',
        messages: [],
        tools: [{ type: 'function', function: { name: 'x' } }],
        stream: true,
      }),
    ).rejects.toThrow('registry.ollama.ai/library/gemma2:latest does not support tools');
  });

  it('refuses a call sent back with arguments that are not an object, as Ollama decodes them', async () => {
    fake = await startFakeOllama();
    const client = new Ollama({ host: fake.url });
    const withArguments = (args: unknown) =>
      client
        .chat({
          model: 'llama3.2',
          messages: [
            { role: 'user', content: 'Weather?' },
            {
              role: 'assistant',
              content: '',
              tool_calls: [{ function: { name: 'get_weather', arguments: args as never } }],
            },
            { role: 'tool', content: '"sunny"', tool_name: 'get_weather' } as never,
          ],
          stream: true,
        })
        .then(async (stream) => {
          for await (const _ of stream);
        });
    await expect(withArguments({ city: 'Oslo' })).resolves.toBe(undefined);
    await expect(withArguments('{"city":"Oslo"}')).rejects.toThrow(
      /cannot unmarshal string into Go struct field .*arguments/,
    );
  });
});

describe('fixtures', () => {
  it('are one JSON payload per line', () => {
    for (const name of Object.keys(embeddedFixtures) as FixtureName[]) {
      expect(loadFixture(name).length).toBeGreaterThan(1);
      for (const line of loadFixture(name)) expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});
