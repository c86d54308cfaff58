/**
 * The OpenAI-compatible provider's tools and reasoning, against the fake over real HTTP: what goes
 * out (`tools`, assistant `tool_calls`, `tool` messages), what comes back (calls streamed in pieces
 * by index, reasoning fields), with the fake refusing what OpenAI refuses.
 */
import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServerHandle } from '../testing/fake-http.js';
import { type FakeOpenAIScript, startFakeOpenAI } from '../testing/fake-openai.js';
import { FIXTURE_REASONING, FIXTURE_TOOL_CALLS, loadFixture } from '../testing/fixtures.js';
import { createOpenAICompatibleProvider, type OpenAICompatibleOptions } from './openai-compatible.js';
import type { ChatTurn, ProviderChunk, ToolSpec } from './provider.js';
import { collect, failure } from './provider-chunks.test-support.js';

let fake: FakeServerHandle | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(script: FakeOpenAIScript = {}, options: Partial<OpenAICompatibleOptions> = {}) {
  fake = await startFakeOpenAI(script);
  return createOpenAICompatibleProvider({
    baseUrl: `${fake.url}/v1`,
    apiKey: 'sk-test',
    displayName: 'OpenAI',
    ...options,
  });
}

/** The calls in `chunks`, their input pieces joined and parsed, as the turn loop does. */
function callsOf(chunks: readonly ProviderChunk[]) {
  const calls = new Map<string, { id: string; name: string; json: string; pieces: number }>();
  for (const chunk of chunks) {
    if (chunk.type === 'tool-input-start') {
      expect(calls.has(chunk.toolCallId)).toBe(false);
      calls.set(chunk.toolCallId, { id: chunk.toolCallId, name: chunk.toolName, json: '', pieces: 0 });
    } else if (chunk.type === 'tool-input-delta') {
      const call = calls.get(chunk.toolCallId);
      expect(call, 'a delta after its start').toBeDefined();
      call!.json += chunk.delta;
      call!.pieces += 1;
    }
  }
  return [...calls.values()].map(({ id, name, json, pieces }) => ({
    id,
    name,
    input: JSON.parse(json),
    pieces,
  }));
}

const joined = (chunks: readonly ProviderChunk[], type: 'delta' | 'reasoning') =>
  chunks.map((chunk) => (chunk.type === type ? chunk.text : '')).join('');

const signal = () => new AbortController().signal;

/** A chunk of our own, in the wire format (only the fields the provider reads). */
const chunk = (delta: unknown, finish: string | null = null, index = 0) =>
  JSON.stringify({ choices: [{ index, delta, finish_reason: finish }] });
const piece = (call: Record<string, unknown>) => chunk({ tool_calls: [call] });
const ask: ChatTurn[] = [{ role: 'user', content: 'Weather in Zürich?' }];

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'The current weather in a city',
  inputSchema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
    additionalProperties: false,
  },
};
const time: ToolSpec = {
  name: 'get_time',
  description: 'The time now in a time zone',
  inputSchema: { type: 'object', properties: { timeZone: { type: 'string' } } },
};

describe('openai-compatible provider: sending tools and their turns', () => {
  it('sends tools as function tools; no tools (or an empty list) sends no `tools` field', async () => {
    const provider = await setup();
    await collect(provider.stream({ model: 'm', messages: ask, tools: [weather, time], signal: signal() }));
    await collect(provider.stream({ model: 'm', messages: ask, signal: signal() }));
    await collect(provider.stream({ model: 'm', messages: ask, tools: [], signal: signal() }));
    const expected: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', description: weather.description, parameters: weather.inputSchema },
      },
      {
        type: 'function',
        function: { name: 'get_time', description: time.description, parameters: time.inputSchema },
      },
    ];
    expect((fake!.requests[0]!.body as { tools: unknown }).tools).toEqual(expected);
    expect(fake!.requests[1]!.body).not.toHaveProperty('tools');
    expect(fake!.requests[2]!.body).not.toHaveProperty('tools');
  });

  it('sends calls as assistant `tool_calls` and results as `tool` messages, in OpenAI’s own shape', async () => {
    const provider = await setup();
    const context: ChatTurn[] = [
      { role: 'system', content: 'Be brief.' },
      ...ask,
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_a', name: 'get_weather', input: { city: 'Zürich' } },
          { id: 'call_b', name: 'get_time', input: { timeZone: 'Europe/Zurich' } },
        ],
      },
      { role: 'tool', toolCallId: 'call_a', toolName: 'get_weather', content: '{"celsius":21}' },
      { role: 'tool', toolCallId: 'call_b', toolName: 'get_time', content: 'Error: unknown time zone' },
      {
        role: 'assistant',
        content: 'Let me check again.',
        toolCalls: [{ id: 'call_c', name: 'get_time', input: {} }],
      },
      { role: 'tool', toolCallId: 'call_c', toolName: 'get_time', content: '"09:14"' },
      { role: 'assistant', content: 'It is 21 °C at 09:14.' },
      { role: 'user', content: 'Thanks' },
    ];
    // Typed by the official client: the shape is OpenAI's, not one we made up.
    const expected: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Zürich?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_a',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Zürich"}' },
          },
          {
            id: 'call_b',
            type: 'function',
            function: { name: 'get_time', arguments: '{"timeZone":"Europe/Zurich"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"celsius":21}' },
      { role: 'tool', tool_call_id: 'call_b', content: 'Error: unknown time zone' },
      {
        role: 'assistant',
        content: 'Let me check again.',
        tool_calls: [{ id: 'call_c', type: 'function', function: { name: 'get_time', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_c', content: '"09:14"' },
      { role: 'assistant', content: 'It is 21 °C at 09:14.' },
      { role: 'user', content: 'Thanks' },
    ];
    const chunks = await collect(
      provider.stream({ model: 'm', messages: context, tools: [weather, time], signal: signal() }),
    );
    // The fake checks the calls and results as OpenAI does (it would answer 400 otherwise).
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    expect((fake!.requests[0]!.body as { messages: unknown }).messages).toEqual(expected);
  });

  it('a server without tool support refuses them: provider_error with its words', async () => {
    const provider = await setup({ refuseTools: true });
    const { error } = await failure(
      provider.stream({ model: 'm', messages: ask, tools: [weather], signal: signal() }),
    );
    expect(error.message).toMatch(
      /^OpenAI rejected the request \(400\): "auto" tool choice requires --enable-auto-tool-choice/,
    );
  });
});

describe('openai-compatible provider: reading tool calls', () => {
  it.each([
    ['whole writes', 'whole'],
    ['mixed writes', 'mixed'],
    ['1-byte writes', { bytes: 1 }],
    ['7-byte writes', { bytes: 7 }],
  ] as const)('one call, its arguments in eleven pieces (%s)', async (_, writes) => {
    const provider = await setup({ chunks: loadFixture('openai-tool-call.chunks.txt'), writes });
    const chunks = await collect(
      provider.stream({ model: 'm', messages: ask, tools: [weather], signal: signal() }),
    );
    expect(chunks[0]).toEqual({
      type: 'tool-input-start',
      toolCallId: 'call_Q4mVh2kXw8nT3pR7sL1yB9dF',
      toolName: 'get_weather',
    });
    const calls = callsOf(chunks);
    expect(calls.map(({ pieces: _, ...call }) => call)).toEqual(
      FIXTURE_TOOL_CALLS['openai-tool-call.chunks.txt'],
    );
    expect(calls[0]!.pieces).toBe(11);
    expect(joined(chunks, 'delta')).toBe('');
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'tool_calls',
      usage: { inputTokens: 81, outputTokens: 19 },
    });
  });

  it('two parallel calls, index 0 then 1, each started before its pieces', async () => {
    const provider = await setup({ chunks: loadFixture('openai-parallel-tool-calls.chunks.txt') });
    const chunks = await collect(
      provider.stream({ model: 'm', messages: ask, tools: [weather, time], signal: signal() }),
    );
    expect(callsOf(chunks).map(({ pieces: _, ...call }) => call)).toEqual(
      FIXTURE_TOOL_CALLS['openai-parallel-tool-calls.chunks.txt'],
    );
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      'tool-input-start',
      'tool-input-delta',
      'tool-input-delta',
      'tool-input-delta',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-delta',
      'tool-input-delta',
      'finish',
    ]);
    expect(chunks.at(-1)).toMatchObject({ reason: 'tool_calls' });
  });

  it("Groq's call sent whole in one chunk: a start and one piece", async () => {
    const provider = await setup({ chunks: loadFixture('groq-tool-call.chunks.txt') });
    const chunks = await collect(
      provider.stream({ model: 'm', messages: ask, tools: [weather], signal: signal() }),
    );
    const calls = callsOf(chunks);
    expect(calls.map(({ pieces: _, ...call }) => call)).toEqual(
      FIXTURE_TOOL_CALLS['groq-tool-call.chunks.txt'],
    );
    expect(calls[0]!.pieces).toBe(1);
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'tool_calls',
      usage: { inputTokens: 231, outputTokens: 24 },
    });
  });

  it.each([
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    // OpenAI itself says `stop` when `tool_choice` forced a function: the calls still wait.
    ['stop', 'tool_calls'],
    ['length', 'length'],
  ])('finish_reason %s after a call → %s', async (reason, expected) => {
    const provider = await setup({
      chunks: [
        piece({ index: 0, id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{}' } }),
        chunk({}, reason),
      ],
    });
    const chunks = await collect(provider.stream({ model: 'm', messages: ask, signal: signal() }));
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', reason: expected });
  });

  it('text before a call, and calls from servers that leave out ids or indexes', async () => {
    const provider = await setup({
      chunks: [
        chunk({ role: 'assistant', content: 'Checking.' }),
        // No id: one is made from the context (stable, see call-ids.ts).
        piece({ index: 0, function: { name: 'get_time', arguments: '{"timeZone":' } }),
        piece({ index: 0, function: { arguments: '"UTC"}' } }),
        // No index, an id: a call of its own, whole.
        piece({ id: 'call_x', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }),
        // Index 0 reused with a new id (some proxies number every call 0): another call.
        piece({ index: 0, id: 'call_y', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }),
        piece({ index: 0, id: 'call_z', function: { name: 'get_time', arguments: { timeZone: 'CET' } } }),
        // The deprecated `functions` API.
        chunk({ function_call: { name: 'get_time', arguments: '{}' } }),
        chunk({}, 'tool_calls'),
      ],
    });
    const run = () => collect(provider.stream({ model: 'm', messages: ask, signal: signal() }));
    const chunks = await run();
    expect(chunks[0]).toEqual({ type: 'delta', text: 'Checking.' });
    const calls = callsOf(chunks).map(({ pieces: _, ...call }) => call);
    expect(calls).toEqual([
      { id: expect.stringMatching(/^call_0_[0-9a-f]{8}$/), name: 'get_time', input: { timeZone: 'UTC' } },
      { id: 'call_x', name: 'get_weather', input: { city: 'Oslo' } },
      { id: 'call_y', name: 'get_weather', input: { city: 'Rome' } },
      { id: 'call_z', name: 'get_time', input: { timeZone: 'CET' } },
      { id: expect.stringMatching(/^call_4_[0-9a-f]{8}$/), name: 'get_time', input: {} },
    ]);
    // The same stream for the same context gives the same made-up ids.
    expect(callsOf(await run()).map((call) => call.id)).toEqual(calls.map((call) => call.id));
  });

  it('a malformed tool_calls piece fails the reply with provider_error, keeping what came before', async () => {
    const provider = await setup({
      chunks: [chunk({ content: 'Checking.' }), piece({ index: 'zero', function: { arguments: 1 } })],
    });
    const { error, seen } = await failure(provider.stream({ model: 'm', messages: ask, signal: signal() }));
    expect(error.message).toBe('OpenAI sent a stream chunk of an unexpected shape.');
    expect(seen).toEqual([{ type: 'delta', text: 'Checking.' }]);
  });

  it('the idle timeout still applies in the middle of a call’s arguments', async () => {
    const provider = await setup(
      { chunks: loadFixture('openai-tool-call.chunks.txt'), interrupt: { afterChunks: 4, with: 'stall' } },
      { timeouts: { idleMs: 60 } },
    );
    const { error, seen } = await failure(provider.stream({ model: 'm', messages: ask, signal: signal() }));
    expect(error).toMatchObject({ code: 'provider_timeout' });
    expect(seen.map((c) => c.type)).toEqual([
      'tool-input-start',
      'tool-input-delta',
      'tool-input-delta',
      'tool-input-delta',
    ]);
    await fake!.requests[0]!.closed;
    expect(fake!.requests[0]!.aborted).toBe(true);
  });
});

describe('openai-compatible provider: reasoning', () => {
  it.each([
    [
      '`reasoning_content` (DeepSeek, vLLM)',
      'deepseek-reasoning.chunks.txt',
      { inputTokens: 9, outputTokens: 24 },
    ],
    ['`reasoning` (Groq, OpenRouter)', 'groq-reasoning.chunks.txt', { inputTokens: 12, outputTokens: 27 }],
  ] as const)('%s streams as reasoning chunks, then the text', async (_, fixture, usage) => {
    const provider = await setup({ chunks: loadFixture(fixture), writes: { bytes: 9 } });
    const chunks = await collect(provider.stream({ model: 'm', messages: ask, signal: signal() }));
    expect(joined(chunks, 'reasoning')).toBe(FIXTURE_REASONING.reasoning);
    expect(joined(chunks, 'delta')).toBe(FIXTURE_REASONING.text);
    const lastReasoning = chunks.findLastIndex((c) => c.type === 'reasoning');
    expect(lastReasoning).toBeLessThan(chunks.findIndex((c) => c.type === 'delta'));
    expect(chunks.every((c) => !('text' in c) || c.text !== '')).toBe(true);
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'stop', usage });
  });

  it('a reasoning chunk counts as the first token (a thinking model is not timed out)', async () => {
    const provider = await setup(
      {
        chunks: [
          chunk({ role: 'assistant', content: null, reasoning_content: '' }),
          ...['Let', ' me', ' see.'].map((text) => chunk({ reasoning_content: text })),
          chunk({ content: 'Done.' }),
          chunk({}, 'stop'),
        ],
        chunkDelayMs: 50,
        writes: 'whole',
      },
      // The text comes ~200 ms in, long after the first-token limit; the reasoning did not.
      { timeouts: { firstTokenMs: 120, idleMs: 1_000 } },
    );
    const chunks = await collect(provider.stream({ model: 'm', messages: ask, signal: signal() }));
    expect(joined(chunks, 'reasoning')).toBe('Let me see.');
    expect(joined(chunks, 'delta')).toBe('Done.');
  });

  it('takes one of the two fields when a server sends both, and ignores a reasoning that is not text', async () => {
    const provider = await setup({
      chunks: [
        chunk({ reasoning_content: 'Hm.', reasoning: 'Hm.' }),
        chunk({ reasoning: { summary: 'not text' }, content: 'Yes.' }),
        chunk({}, 'stop'),
      ],
    });
    const chunks = await collect(provider.stream({ model: 'm', messages: ask, signal: signal() }));
    expect(chunks.slice(0, -1)).toEqual([
      { type: 'reasoning', text: 'Hm.' },
      { type: 'delta', text: 'Yes.' },
    ]);
  });
});
