import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServerHandle } from '../testing/fake-http.js';
import { type FakeOllamaScript, startFakeOllama } from '../testing/fake-ollama.js';
import { FIXTURE_TEXT, loadFixture } from '../testing/fixtures.js';
import { createOllamaProvider, type OllamaOptions } from './ollama.js';
import { type ProviderChunk, ProviderError } from './provider.js';

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'hi' },
];

let fake: FakeServerHandle | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(script: FakeOllamaScript = {}, options: Partial<OllamaOptions> = {}) {
  fake = await startFakeOllama(script);
  return createOllamaProvider({ baseUrl: fake.url, ...options });
}

async function collect(iterable: AsyncIterable<ProviderChunk>): Promise<ProviderChunk[]> {
  const chunks: ProviderChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

const textOf = (chunks: ProviderChunk[]) => chunks.map((c) => (c.type === 'delta' ? c.text : '')).join('');

async function failure(iterable: AsyncIterable<ProviderChunk>): Promise<ProviderError> {
  try {
    await collect(iterable);
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the stream to fail');
}

const signal = () => new AbortController().signal;

describe('ollama provider', () => {
  it('streams the text, then one finish with counts and done_reason', async () => {
    const provider = await setup();
    const chunks = await collect(provider.stream({ model: 'llama3.2', messages, signal: signal() }));
    expect(textOf(chunks)).toBe(FIXTURE_TEXT);
    expect(chunks.filter((c) => c.type === 'finish')).toEqual([
      { type: 'finish', reason: 'stop', usage: { inputTokens: 26, outputTokens: 15 } },
    ]);
    expect(fake!.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/chat',
      body: { model: 'llama3.2', messages, stream: true },
    });
  });

  it.each([
    ['whole lines', 'whole'],
    ['split and glued lines', 'mixed'],
    ['1-byte writes', { bytes: 1 }],
    ['5-byte writes', { bytes: 5 }],
    ['everything in one write', { bytes: 1 << 20 }],
  ] as const)('reads NDJSON whatever the chunk boundaries (%s)', async (_, writes) => {
    const provider = await setup({ writes });
    const chunks = await collect(provider.stream({ model: 'llama3.2', messages, signal: signal() }));
    expect(textOf(chunks)).toBe(FIXTURE_TEXT);
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: 26, outputTokens: 15 } });
  });

  it('maps done_reason length, and no counts to usage null', async () => {
    const lines = loadFixture('ollama-text.ndjson').slice(0, 2);
    lines.push(
      JSON.stringify({
        model: 'llama3.2',
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'length',
      }),
    );
    const provider = await setup({ lines });
    const chunks = await collect(provider.stream({ model: 'llama3.2', messages, signal: signal() }));
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'length', usage: null });
  });

  it('a missing model → provider_error that says to pull it', async () => {
    const provider = await setup({ status: 404 });
    const error = await failure(provider.stream({ model: 'llama9', messages, signal: signal() }));
    expect(error).toMatchObject({ code: 'provider_error', status: 404 });
    expect(error.message).toBe(
      'Ollama could not find model "llama9" (404): model "llama9" not found, try pulling it first. Run `ollama pull llama9` on the Ollama host.',
    );
  });

  it('a 500 body → provider_error with its message', async () => {
    const provider = await setup({ status: 500, errorMessage: 'llama runner process has terminated' });
    const error = await failure(provider.stream({ model: 'llama3.2', messages, signal: signal() }));
    expect(error.message).toMatch(/^Ollama failed with 500: llama runner process has terminated\./);
  });

  it('an error line mid-stream → provider_error', async () => {
    const provider = await setup({ interrupt: { afterLines: 3, with: 'error', error: 'out of memory' } });
    const error = await failure(provider.stream({ model: 'llama3.2', messages, signal: signal() }));
    expect(error.message).toBe('Ollama reported an error mid-stream: out of memory');
  });

  it('a dropped connection → provider_error', async () => {
    const provider = await setup({ interrupt: { afterLines: 3, with: 'drop' } });
    const error = await failure(provider.stream({ model: 'llama3.2', messages, signal: signal() }));
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(/^The connection to Ollama dropped/);
  });

  it('a stream that ends without done → provider_error', async () => {
    const provider = await setup({ lines: loadFixture('ollama-text.ndjson').slice(0, 3) });
    const error = await failure(provider.stream({ model: 'llama3.2', messages, signal: signal() }));
    expect(error.message).toBe('Ollama closed the stream before the reply finished.');
  });

  it('nothing listening → provider_error that asks whether ollama serve runs', async () => {
    fake = await startFakeOllama();
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const error = await failure(
      createOllamaProvider({ baseUrl: url }).stream({ model: 'm', messages, signal: signal() }),
    );
    expect(error.message).toMatch(
      /^Could not reach Ollama at 127\.0\.0\.1:\d+: .*ECONNREFUSED.*Is `ollama serve` running\?$/,
    );
  });

  it('abort mid-stream: the request is closed upstream and iteration ends quietly', async () => {
    const provider = await setup({ chunkDelayMs: 20, writes: 'whole' });
    const controller = new AbortController();
    const chunks: ProviderChunk[] = [];
    for await (const chunk of provider.stream({ model: 'llama3.2', messages, signal: controller.signal })) {
      chunks.push(chunk);
      if (chunks.length === 3) controller.abort();
    }
    expect(chunks).toHaveLength(3);
    await fake!.requests[0]!.closed;
    expect(fake!.requests[0]!.aborted).toBe(true);
  });

  it.each([
    ['connect', { headersDelayMs: 2000 }, { connectMs: 60 }],
    ['first token', { firstChunkDelayMs: 2000 }, { firstTokenMs: 60 }],
    ['idle', { interrupt: { afterLines: 2, with: 'stall' } }, { idleMs: 60 }],
  ] as const)('%s timeout → provider_timeout, upstream aborted', async (_, script, timeouts) => {
    const provider = await setup(script, { timeouts });
    const error = await failure(provider.stream({ model: 'llama3.2', messages, signal: signal() }));
    expect(error.code).toBe('provider_timeout');
    expect(error.message).toMatch(/^Ollama /);
    await fake!.requests[0]!.closed;
    expect(fake!.requests[0]!.aborted).toBe(true);
  });
});
