/**
 * Keeps the fakes honest: the official clients must read what they send exactly as they would
 * read the real services.
 */
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServerHandle } from './fake-http.js';
import { startFakeOllama } from './fake-ollama.js';
import { startFakeOpenAI } from './fake-openai.js';
import { FIXTURE_TEXT, loadFixture } from './fixtures.js';

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

describe('fixtures', () => {
  it('are one JSON payload per line', () => {
    for (const name of ['openai-text.chunks.txt', 'groq-text.chunks.txt', 'ollama-text.ndjson'] as const) {
      for (const line of loadFixture(name)) expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});
