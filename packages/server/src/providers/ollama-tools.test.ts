/**
 * The Ollama provider's tools and thinking, against the fake over real HTTP: `tools` and `think`
 * going out, calls and results in Ollama's shape, whole `message.tool_calls` and
 * `message.thinking` coming back.
 */
import type { Message as OllamaMessage, Tool as OllamaTool } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServerHandle } from '../testing/fake-http.js';
import { type FakeOllamaScript, startFakeOllama } from '../testing/fake-ollama.js';
import { FIXTURE_REASONING, FIXTURE_TOOL_CALLS, loadFixture } from '../testing/fixtures.js';
import { createOllamaProvider, type OllamaOptions } from './ollama.js';
import type { ChatTurn, ProviderChunk, ToolSpec } from './provider.js';
import { collect, failure } from './provider-chunks.test-support.js';

let fake: FakeServerHandle | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(script: FakeOllamaScript = {}, options: Partial<OllamaOptions> = {}) {
  fake = await startFakeOllama(script);
  return createOllamaProvider({ baseUrl: fake.url, ...options });
}

function callsOf(chunks: readonly ProviderChunk[]) {
  const calls = new Map<string, { id: string; name: string; json: string; pieces: number }>();
  for (const chunk of chunks) {
    if (chunk.type === 'tool-input-start') {
      calls.set(chunk.toolCallId, { id: chunk.toolCallId, name: chunk.toolName, json: '', pieces: 0 });
    } else if (chunk.type === 'tool-input-delta') {
      const call = calls.get(chunk.toolCallId)!;
      call.json += chunk.delta;
      call.pieces += 1;
    }
  }
  return [...calls.values()].map(({ json, ...call }) => ({ ...call, input: JSON.parse(json) }));
}

const joined = (chunks: readonly ProviderChunk[], type: 'delta' | 'reasoning') =>
  chunks.map((chunk) => (chunk.type === type ? chunk.text : '')).join('');

const signal = () => new AbortController().signal;
const ask: ChatTurn[] = [{ role: 'user', content: 'Weather and time in Zürich?' }];
const weather: ToolSpec = {
  name: 'get_weather',
  description: 'The current weather in a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('ollama provider: tools and thinking', () => {
  it('sends tools in the function shape, and `think` only when configured', async () => {
    const provider = await setup();
    await collect(provider.stream({ model: 'llama3.2', messages: ask, tools: [weather], signal: signal() }));
    await collect(provider.stream({ model: 'llama3.2', messages: ask, tools: [], signal: signal() }));
    const thinking = createOllamaProvider({ baseUrl: fake!.url, think: true });
    await collect(thinking.stream({ model: 'qwen3', messages: ask, signal: signal() }));
    // Typed by the official client: Ollama's shape, not one we made up.
    const tools: OllamaTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', description: weather.description, parameters: weather.inputSchema },
      },
    ];
    const [withTools, withoutTools, withThink] = fake!.requests.map((r) => r.body);
    expect(withTools).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Weather and time in Zürich?' }],
      tools,
      stream: true,
    });
    expect(withoutTools).not.toHaveProperty('tools');
    expect(withoutTools).not.toHaveProperty('think');
    expect(withThink).toMatchObject({ model: 'qwen3', think: true });
  });

  it('sends calls with object arguments and results as `tool` messages naming their tool', async () => {
    const provider = await setup();
    const context: ChatTurn[] = [
      ...ask,
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_0_1', name: 'get_weather', input: { city: 'Zürich' } },
          // Input that was not an object (invalid JSON from the model): Ollama takes only objects.
          { id: 'call_1_2', name: 'get_time', input: 'not json' },
        ],
      },
      { role: 'tool', toolCallId: 'call_0_1', toolName: 'get_weather', content: '{"celsius":21}' },
      { role: 'tool', toolCallId: 'call_1_2', toolName: 'get_time', content: 'Error: the input is not JSON' },
      { role: 'assistant', content: 'It is 21 °C.' },
    ];
    await collect(provider.stream({ model: 'llama3.2', messages: context, signal: signal() }));
    const expected: OllamaMessage[] = [
      { role: 'user', content: 'Weather and time in Zürich?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { function: { name: 'get_weather', arguments: { city: 'Zürich' } } },
          { function: { name: 'get_time', arguments: {} } },
        ],
      },
      { role: 'tool', content: '{"celsius":21}', tool_name: 'get_weather' },
      { role: 'tool', content: 'Error: the input is not JSON', tool_name: 'get_time' },
      { role: 'assistant', content: 'It is 21 °C.' },
    ];
    expect((fake!.requests[0]!.body as { messages: unknown }).messages).toEqual(expected);
  });

  it.each([
    ['whole lines', 'whole'],
    ['3-byte writes', { bytes: 3 }],
  ] as const)(
    'reads a tool_calls line: each call whole, one input piece, finish tool_calls (%s)',
    async (_, writes) => {
      const provider = await setup({ lines: loadFixture('ollama-tool-calls.ndjson'), writes });
      const chunks = await collect(
        provider.stream({ model: 'llama3.2', messages: ask, tools: [weather], signal: signal() }),
      );
      const calls = callsOf(chunks);
      expect(calls.map(({ name, input }) => ({ id: undefined, name, input }))).toEqual(
        FIXTURE_TOOL_CALLS['ollama-tool-calls.ndjson'],
      );
      expect(calls.map((call) => call.pieces)).toEqual([1, 1]);
      expect(chunks.at(-1)).toEqual({
        type: 'finish',
        reason: 'tool_calls',
        usage: { inputTokens: 214, outputTokens: 41 },
      });
    },
  );

  it('gives calls without ids stable ids: the same context the same, another context others', async () => {
    const provider = await setup({ lines: loadFixture('ollama-tool-calls.ndjson') });
    const ids = async (messages: ChatTurn[]) =>
      callsOf(await collect(provider.stream({ model: 'llama3.2', messages, signal: signal() }))).map(
        (c) => c.id,
      );
    const first = await ids(ask);
    expect(first).toEqual([
      expect.stringMatching(/^call_0_[0-9a-f]{8}$/),
      expect.stringMatching(/^call_1_[0-9a-f]{8}$/),
    ]);
    expect(await ids(ask)).toEqual(first);
    // The next step of the same reply (its context holds the first calls and results).
    const next = await ids([
      ...ask,
      { role: 'assistant', content: 'Hm.' },
      { role: 'user', content: 'Again' },
    ]);
    expect(next.some((id) => first.includes(id))).toBe(false);
  });

  it('gives the calls of two steps of one reply different ids, even when trimming keeps their contexts the same length', async () => {
    const provider = await setup({ lines: loadFixture('ollama-tool-calls.ndjson') });
    const ids = async (messages: ChatTurn[]) =>
      callsOf(await collect(provider.stream({ model: 'llama3.2', messages, signal: signal() }))).map(
        (c) => c.id,
      );
    const step = (id: string): ChatTurn[] => [
      { role: 'assistant', content: '', toolCalls: [{ id, name: 'get_weather', input: { city: 'Oslo' } }] },
      // The same outcome both times (a tool failing the same way, and the model trying again).
      { role: 'tool', toolCallId: id, toolName: 'get_weather', content: 'Error: rate limited' },
    ];
    // Step 2 saw an older exchange that step 3's context, over budget, no longer holds: same
    // length, same last turn.
    const second = await ids([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      ...ask,
      ...step('call_0_aaaaaaaa'),
    ]);
    const third = await ids([...ask, ...step('call_0_aaaaaaaa'), ...step(second[0]!)]);
    expect(third.some((id) => second.includes(id))).toBe(false);
  });

  it('uses the ids Ollama sends, when it does', async () => {
    const provider = await setup({
      lines: [
        JSON.stringify({
          model: 'qwen3',
          message: {
            role: 'assistant',
            content: '',
            tool_calls: [
              { id: 'call_k2j4', function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo' } } },
            ],
          },
          done: false,
        }),
        JSON.stringify({
          model: 'qwen3',
          message: { role: 'assistant', content: '' },
          done: true,
          done_reason: 'stop',
        }),
      ],
    });
    const chunks = await collect(provider.stream({ model: 'qwen3', messages: ask, signal: signal() }));
    expect(chunks).toEqual([
      { type: 'tool-input-start', toolCallId: 'call_k2j4', toolName: 'get_weather' },
      { type: 'tool-input-delta', toolCallId: 'call_k2j4', delta: '{"city":"Oslo"}' },
      { type: 'finish', reason: 'tool_calls', usage: null },
    ]);
  });

  it.each([
    ['whole lines', 'whole'],
    ['mixed', 'mixed'],
    ['5-byte writes', { bytes: 5 }],
  ] as const)('`message.thinking` streams as reasoning, then the text (%s)', async (_, writes) => {
    const provider = await setup({ lines: loadFixture('ollama-thinking.ndjson'), writes }, { think: true });
    const chunks = await collect(provider.stream({ model: 'qwen3', messages: ask, signal: signal() }));
    expect(joined(chunks, 'reasoning')).toBe(FIXTURE_REASONING.reasoning);
    expect(joined(chunks, 'delta')).toBe(FIXTURE_REASONING.text);
    expect(chunks.findLastIndex((c) => c.type === 'reasoning')).toBeLessThan(
      chunks.findIndex((c) => c.type === 'delta'),
    );
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 11, outputTokens: 24 },
    });
  });

  it('a model without tools or thinking refuses them: provider_error in Ollama’s words', async () => {
    const noTools = await setup({ refuseTools: true });
    const refused = await failure(
      noTools.stream({ model: 'gemma2', messages: ask, tools: [weather], signal: signal() }),
    );
    expect(refused.error.message).toBe(
      'Ollama rejected the request (400): registry.ollama.ai/library/gemma2:latest does not support tools.',
    );
    await fake!.close();
    const noThinking = await setup({ refuseThinking: true }, { think: true });
    const { error } = await failure(
      noThinking.stream({ model: 'llama3.2', messages: ask, signal: signal() }),
    );
    expect(error.message).toBe('Ollama rejected the request (400): "llama3.2" does not support thinking.');
  });

  it('the idle timeout still applies while a model thinks', async () => {
    const provider = await setup(
      {
        lines: loadFixture('ollama-thinking.ndjson'),
        interrupt: { afterLines: 3, with: 'stall' },
        writes: 'whole',
      },
      { think: true, timeouts: { idleMs: 60 } },
    );
    const { error, seen } = await failure(
      provider.stream({ model: 'qwen3', messages: ask, signal: signal() }),
    );
    expect(error.code).toBe('provider_timeout');
    expect(joined(seen, 'reasoning')).toBe('The user says');
    await fake!.requests[0]!.closed;
    expect(fake!.requests[0]!.aborted).toBe(true);
  });
});
