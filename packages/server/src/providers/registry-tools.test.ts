/**
 * Aliases' tool and thinking settings in `CHATWIRE_MODELS`: `"tools": false` (a model without tool
 * support: `supportsTools: false`, and its provider sends no tools whatever it is asked) and, for
 * Ollama, `"think": true`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServerHandle } from '../testing/fake-http.js';
import { startFakeOllama } from '../testing/fake-ollama.js';
import { startFakeOpenAI } from '../testing/fake-openai.js';
import type { ChatTurn, Provider, ToolSpec } from './provider.js';
import { ModelConfigError, resolveModels } from './registry.js';

let fakes: FakeServerHandle[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
});

const messages: ChatTurn[] = [{ role: 'user', content: 'hi' }];
const clock: ToolSpec = { name: 'clock', description: 'The time now', inputSchema: { type: 'object' } };

async function drain(provider: Provider, model: string, tools?: ToolSpec[]): Promise<void> {
  for await (const _ of provider.stream({ model, messages, tools, signal: new AbortController().signal }));
}

describe('aliases with and without tools', () => {
  it('every default alias takes tools', () => {
    const models = resolveModels({ OPENAI_API_KEY: 'sk-x', GROQ_API_KEY: 'gsk_x', OLLAMA_URL: 'http://h:1' });
    for (const { id } of models.list()) expect(models.resolve(id).supportsTools).toBe(true);
  });

  it('`"tools": false` → supportsTools false, and no `tools` reaches that model even when asked', async () => {
    // The fake answers a request with tools as a server without tool support does: 400.
    const openai = await startFakeOpenAI((request) =>
      (request.body as { model: string }).model === 'tiny' ? { refuseTools: true } : {},
    );
    fakes.push(openai);
    const models = resolveModels({
      OPENAI_BASE_URL: `${openai.url}/v1`,
      CHATWIRE_MODELS: JSON.stringify({
        fast: { provider: 'openai', model: 'gpt-4o-mini' },
        tiny: { provider: 'openai', model: 'tiny', tools: false },
        dev: { provider: 'echo', model: 'echo', tools: true },
      }),
    });
    expect(models.resolve('fast').supportsTools).toBe(true);
    expect(models.resolve('dev').supportsTools).toBe(true);
    const tiny = models.resolve('tiny');
    expect(tiny).toMatchObject({ alias: 'tiny', model: 'tiny', supportsTools: false });
    expect(tiny.provider.name).toBe('openai');
    // `list()` does not tell tool support: no field of the contract says it.
    expect(models.list().find((m) => m.id === 'tiny')).toEqual({
      id: 'tiny',
      provider: 'openai',
      model: 'tiny',
      default: false,
      vision: false,
    });

    await drain(models.resolve('fast').provider, 'gpt-4o-mini', [clock]);
    await drain(tiny.provider, 'tiny', [clock]);
    for await (const _ of tiny.provider.streamBatches!({
      model: 'tiny',
      messages,
      tools: [clock],
      signal: new AbortController().signal,
    }));
    expect(openai.requests.map((r) => 'tools' in (r.body as object))).toEqual([true, false, false]);
  });

  it('`"think": true` sends Ollama `think: true` for that alias only', async () => {
    const ollama = await startFakeOllama();
    fakes.push(ollama);
    const models = resolveModels({
      OLLAMA_URL: ollama.url,
      CHATWIRE_MODELS: JSON.stringify({
        local: { provider: 'ollama', model: 'llama3.2' },
        thinker: { provider: 'ollama', model: 'qwen3', think: true },
        'thinker-no-tools': { provider: 'ollama', model: 'deepseek-r1', think: true, tools: false },
      }),
    });
    for (const alias of ['local', 'thinker', 'thinker-no-tools']) {
      const { provider, model } = models.resolve(alias);
      await drain(provider, model, [clock]);
    }
    const bodies = ollama.requests.map((r) => r.body as Record<string, unknown>);
    expect(bodies.map((b) => [b.model, b.think, 'tools' in b])).toEqual([
      ['llama3.2', undefined, true],
      ['qwen3', true, true],
      ['deepseek-r1', true, false],
    ]);
    expect(models.resolve('thinker-no-tools').supportsTools).toBe(false);
  });

  it.each([
    [
      '"think" on a provider other than Ollama',
      '{"fast":{"provider":"openai","model":"o3"},"dev":{"provider":"echo","model":"echo","think":true}}',
      'CHATWIRE_MODELS: dev.think: only Ollama aliases take "think" (the other providers stream reasoning without being asked); remove it',
    ],
    [
      '"tools" that is not a boolean',
      '{"a":{"provider":"echo","model":"e","tools":"no"}}',
      /a\.tools: must be true or false/,
    ],
    [
      '"think" that is not a boolean',
      '{"a":{"provider":"ollama","model":"m","think":1}}',
      /a\.think: must be true or false/,
    ],
  ])('rejects %s', (_, raw, message) => {
    let caught: unknown;
    try {
      resolveModels({ OPENAI_API_KEY: 'sk-x', CHATWIRE_MODELS: raw });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelConfigError);
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  });
});
