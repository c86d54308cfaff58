import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServerHandle } from '../testing/fake-http.js';
import { type FakeOpenAIScript, startFakeOpenAI } from '../testing/fake-openai.js';
import { FIXTURE_TEXT, loadFixture } from '../testing/fixtures.js';
import {
  createOpenAICompatibleProvider,
  groqPreset,
  type OpenAICompatibleOptions,
  openaiPreset,
} from './openai-compatible.js';
import { type ProviderChunk, ProviderError } from './provider.js';

const API_KEY = 'sk-proj-SECRETsecret1234567890';
const messages = [{ role: 'user' as const, content: 'hi' }];

let fake: FakeServerHandle | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(script: FakeOpenAIScript = {}, options: Partial<OpenAICompatibleOptions> = {}) {
  fake = await startFakeOpenAI(script);
  return createOpenAICompatibleProvider({
    baseUrl: `${fake.url}/v1`,
    apiKey: API_KEY,
    name: 'openai',
    displayName: 'OpenAI',
    ...options,
  });
}

async function collect(iterable: AsyncIterable<ProviderChunk>): Promise<ProviderChunk[]> {
  const chunks: ProviderChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

function textOf(chunks: ProviderChunk[]): string {
  return chunks.map((chunk) => (chunk.type === 'delta' ? chunk.text : '')).join('');
}

async function failure(iterable: AsyncIterable<ProviderChunk>): Promise<ProviderError> {
  try {
    await collect(iterable);
  } catch (error) {
    expect(ProviderError.isInstance(error)).toBe(true);
    return error as ProviderError;
  }
  throw new Error('expected the stream to fail');
}

const signal = () => new AbortController().signal;

describe('openai-compatible provider', () => {
  it('streams the text, then one finish with the usage chunk', async () => {
    const provider = await setup({ writes: 'whole' });
    const chunks = await collect(provider.stream({ model: 'gpt-4o-mini', messages, signal: signal() }));
    expect(textOf(chunks)).toBe(FIXTURE_TEXT);
    expect(chunks.filter((chunk) => chunk.type === 'finish')).toEqual([
      { type: 'finish', reason: 'stop', usage: { inputTokens: 23, outputTokens: 21 } },
    ]);
    expect(chunks.at(-1)?.type).toBe('finish');
    expect(chunks.every((chunk) => chunk.type !== 'delta' || chunk.text !== '')).toBe(true);
  });

  it('goes through a `fetch` given in the options, with the same stream and error answers', async () => {
    const calls: string[] = [];
    const viaFetch: typeof fetch = (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    };
    const provider = await setup({ writes: 'whole' }, { fetch: viaFetch });
    const chunks = await collect(provider.stream({ model: 'gpt-4o-mini', messages, signal: signal() }));
    expect(textOf(chunks)).toBe(FIXTURE_TEXT);
    expect(calls).toEqual([`${fake!.url}/v1/chat/completions`]);
    await fake?.close();

    const limited = await setup({ status: 429, headers: { 'retry-after': '20' } }, { fetch: viaFetch });
    const error = await failure(limited.stream({ model: 'gpt-4o-mini', messages, signal: signal() }));
    expect(error.message).toMatch(/rate limiting requests upstream \(429\).*Retry after 20 s\./);
  });

  it('sends the documented request', async () => {
    const provider = await setup({}, { headers: { 'OpenAI-Organization': 'org-1' } });
    await collect(provider.stream({ model: 'gpt-4o-mini', messages, signal: signal() }));
    const [request] = fake!.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(request!.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      'openai-organization': 'org-1',
    });
    expect(request!.body).toEqual({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it.each([
    ['mixed', 'mixed'],
    ['1-byte', { bytes: 1 }],
    ['3-byte', { bytes: 3 }],
    ['64-byte', { bytes: 64 }],
  ] as const)('reads the same reply whatever the chunk boundaries (%s)', async (_, writes) => {
    const provider = await setup({ writes });
    const chunks = await collect(provider.stream({ model: 'm', messages, signal: signal() }));
    expect(textOf(chunks)).toBe(FIXTURE_TEXT);
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: 23, outputTokens: 21 } });
  });

  it('maps finish_reason length, and usage null when not asked for', async () => {
    const provider = await setup(
      { chunks: loadFixture('openai-length.chunks.txt') },
      { includeUsage: false },
    );
    const chunks = await collect(provider.stream({ model: 'm', messages, signal: signal() }));
    expect(textOf(chunks)).toBe('Once upon a time');
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'length', usage: null });
    expect(fake!.requests[0]!.body).not.toHaveProperty('stream_options');
  });

  it("reads Groq's x_groq usage", async () => {
    const provider = await setup({ chunks: loadFixture('groq-text.chunks.txt') });
    const chunks = await collect(
      provider.stream({ model: 'llama-3.1-8b-instant', messages, signal: signal() }),
    );
    expect(textOf(chunks)).toBe('Hello! How can I help?');
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 40, outputTokens: 8 },
    });
  });

  it.each([
    [401, /OpenAI rejected the API key \(401\)\. Check the API key/],
    [404, /OpenAI could not find model "gpt-x" \(404\): The model `gpt-x` does not exist/],
    [429, /OpenAI is rate limiting requests upstream \(429\): Rate limit reached.*Retry after 20 s\./],
    [500, /OpenAI failed with 500: The server had an error.*try again/],
    [503, /OpenAI failed with 503/],
    [400, /OpenAI rejected the request \(400\)/],
  ])('maps HTTP %i to provider_error with a useful message', async (status, message) => {
    const provider = await setup({ status, headers: status === 429 ? { 'retry-after': '20' } : {} });
    const error = await failure(provider.stream({ model: 'gpt-x', messages, signal: signal() }));
    expect(error.code).toBe('provider_error');
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(API_KEY);
  });

  it('never relays a key quoted back by the upstream, in any status', async () => {
    const body = {
      error: { message: `Bad key ${API_KEY} and sk-other-1234567890abc`, type: 'x', code: null },
    };
    for (const status of [400, 401, 500]) {
      const provider = await setup({ status, errorBody: body });
      const error = await failure(provider.stream({ model: 'm', messages, signal: signal() }));
      expect(error.message).not.toContain(API_KEY);
      expect(error.message).not.toContain('sk-other');
      expect(String(error.cause ?? '')).not.toContain(API_KEY);
      await fake!.close();
    }
  });

  it('the authHint tells what to check on a 401', async () => {
    const provider = await setup({ apiKey: 'sk-the-right-one' }, { authHint: 'Check OPENAI_API_KEY.' });
    const error = await failure(provider.stream({ model: 'm', messages, signal: signal() }));
    expect(error.message).toBe('OpenAI rejected the API key (401). Check OPENAI_API_KEY.');
  });

  it('a mid-stream error event → provider_error after the text so far', async () => {
    const provider = await setup({
      interrupt: {
        afterChunks: 4,
        with: 'error',
        error: { message: 'The model is overloaded.', type: 'server_error', code: null },
      },
    });
    const seen: ProviderChunk[] = [];
    const error = await failure(
      (async function* () {
        for await (const chunk of provider.stream({ model: 'm', messages, signal: signal() })) {
          seen.push(chunk);
          yield chunk;
        }
      })(),
    );
    expect(error.message).toBe('OpenAI reported an error mid-stream: The model is overloaded.');
    expect(textOf(seen)).toBe('**Streaming** works:');
    expect(seen.some((chunk) => chunk.type === 'finish')).toBe(false);
  });

  it('a dropped connection → provider_error', async () => {
    const provider = await setup({ interrupt: { afterChunks: 3, with: 'drop' } });
    const error = await failure(provider.stream({ model: 'm', messages, signal: signal() }));
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(/^The connection to OpenAI dropped in the middle of the reply/);
  });

  it('a stream that ends cleanly but early (no finish, no [DONE]) → provider_error', async () => {
    const provider = await setup({ chunks: loadFixture('openai-text.chunks.txt').slice(0, 4), done: false });
    const error = await failure(provider.stream({ model: 'm', messages, signal: signal() }));
    expect(error.message).toBe('OpenAI closed the stream before the reply finished.');
  });

  it('an unreachable server → provider_error naming the host, not the key', async () => {
    fake = await startFakeOpenAI();
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const provider = createOpenAICompatibleProvider({
      baseUrl: `${url}/v1`,
      apiKey: API_KEY,
      displayName: 'OpenAI',
    });
    const error = await failure(provider.stream({ model: 'm', messages, signal: signal() }));
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(`Could not reach OpenAI at ${new URL(url).host}`);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('abort mid-stream: the upstream request is closed and iteration ends quietly', async () => {
    const provider = await setup({ chunkDelayMs: 20, writes: 'whole' });
    const controller = new AbortController();
    const chunks: ProviderChunk[] = [];
    for await (const chunk of provider.stream({ model: 'm', messages, signal: controller.signal })) {
      chunks.push(chunk);
      if (chunks.length === 2) controller.abort();
    }
    expect(chunks).toHaveLength(2);
    await fake!.requests[0]!.closed;
    expect(fake!.requests[0]!.aborted).toBe(true);
  });

  it('abort while waiting for a stalled stream ends quietly at once', async () => {
    const provider = await setup({ interrupt: { afterChunks: 3, with: 'stall' } });
    const controller = new AbortController();
    const chunks: ProviderChunk[] = [];
    const started = Date.now();
    for await (const chunk of provider.stream({ model: 'm', messages, signal: controller.signal })) {
      chunks.push(chunk);
      // The fake stalls after these two deltas: abort while the provider waits for more.
      if (chunks.length === 2) setTimeout(() => controller.abort(), 20);
    }
    expect(Date.now() - started).toBeLessThan(1000);
    expect(textOf(chunks)).toBe('**Streaming** works');
    await fake!.requests[0]!.closed;
    expect(fake!.requests[0]!.aborted).toBe(true);
  });

  it('breaking out of the loop also closes the upstream request', async () => {
    const provider = await setup({ chunkDelayMs: 20, writes: 'whole' });
    for await (const _ of provider.stream({ model: 'm', messages, signal: signal() })) break;
    await fake!.requests[0]!.closed;
    expect(fake!.requests[0]!.aborted).toBe(true);
  });

  it('an already aborted signal sends nothing', async () => {
    const provider = await setup();
    const chunks = await collect(provider.stream({ model: 'm', messages, signal: AbortSignal.abort() }));
    expect(chunks).toEqual([]);
    expect(fake!.requests).toHaveLength(0);
  });

  it.each([
    [
      'connect',
      { headersDelayMs: 2000 },
      { connectMs: 60 },
      /did not answer within 60 ms \(connect timeout\)/,
    ],
    [
      'first token',
      { firstChunkDelayMs: 2000 },
      { firstTokenMs: 60 },
      /sent no text within 60 ms \(first-token timeout\)/,
    ],
    [
      'idle',
      { interrupt: { afterChunks: 3, with: 'stall' } },
      { idleMs: 60 },
      /stopped sending for 60 ms .*\(idle timeout\)/,
    ],
  ] as const)(
    '%s timeout → provider_timeout and the upstream request is aborted',
    async (_, script, timeouts, message) => {
      const provider = await setup(script, { timeouts });
      const error = await failure(provider.stream({ model: 'm', messages, signal: signal() }));
      expect(error.code).toBe('provider_timeout');
      expect(error.message).toMatch(message);
      await fake!.requests[0]!.closed;
      expect(fake!.requests[0]!.aborted).toBe(true);
    },
  );

  it('presets point at the right places without touching the network', () => {
    expect(openaiPreset('k')).toMatchObject({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'k',
      name: 'openai',
    });
    expect(groqPreset('k')).toMatchObject({
      baseUrl: 'https://api.groq.com/openai/v1',
      apiKey: 'k',
      name: 'groq',
    });
    expect(createOpenAICompatibleProvider(groqPreset('k')).name).toBe('groq');
  });
});
