import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServerHandle } from '../testing/fake-http.js';
import { startFakeOllama } from '../testing/fake-ollama.js';
import { startFakeOpenAI } from '../testing/fake-openai.js';
import { ModelConfigError, resolveModels, UnknownModelError } from './registry.js';

const OPENAI_KEY = 'sk-proj-registry-secret-0001';
const GROQ_KEY = 'gsk_registry_secret_0002';

let fakes: FakeServerHandle[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
});

function configError(run: () => unknown): ModelConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelConfigError);
    return error as ModelConfigError;
  }
  throw new Error('expected a ModelConfigError');
}

describe('resolveModels defaults', () => {
  it('nothing configured → only echo, the default', () => {
    const models = resolveModels({});
    expect(models.list()).toEqual([
      { id: 'echo', provider: 'echo', model: 'echo', default: true, vision: true },
    ]);
    expect(models.defaultAlias).toBe('echo');
    expect(models.resolve(null)).toMatchObject({ alias: 'echo', model: 'echo' });
    expect(models.resolve(undefined).provider.name).toBe('echo');
  });

  it('OpenAI → fast and smart, fast the default, echo still there', () => {
    const models = resolveModels({ OPENAI_API_KEY: OPENAI_KEY });
    expect(models.list()).toEqual([
      { id: 'fast', provider: 'openai', model: 'gpt-4o-mini', default: true, vision: true },
      { id: 'smart', provider: 'openai', model: 'gpt-4o', default: false, vision: true },
      { id: 'echo', provider: 'echo', model: 'echo', default: false, vision: true },
    ]);
    expect(models.resolve('smart')).toMatchObject({ alias: 'smart', model: 'gpt-4o' });
    expect(models.resolve('smart').provider.name).toBe('openai');
  });

  it('Groq alone takes fast/smart; next to OpenAI it is prefixed', () => {
    expect(
      resolveModels({ GROQ_API_KEY: GROQ_KEY })
        .list()
        .map((m) => [m.id, m.model]),
    ).toEqual([
      ['fast', 'llama-3.1-8b-instant'],
      ['smart', 'llama-3.3-70b-versatile'],
      ['echo', 'echo'],
    ]);
    const both = resolveModels({ OPENAI_API_KEY: OPENAI_KEY, GROQ_API_KEY: GROQ_KEY });
    expect(both.list().map((m) => m.id)).toEqual(['fast', 'smart', 'groq-fast', 'groq-smart', 'echo']);
    expect(both.resolve('groq-fast').provider.name).toBe('groq');
  });

  it('Ollama only when OLLAMA_URL or OLLAMA_MODEL is set', () => {
    expect(
      resolveModels({ OPENAI_API_KEY: OPENAI_KEY })
        .list()
        .some((m) => m.provider === 'ollama'),
    ).toBe(false);
    expect(resolveModels({ OLLAMA_URL: 'http://gpu-box:11434' }).list()[0]).toEqual({
      id: 'local',
      provider: 'ollama',
      model: 'llama3.2',
      default: true,
      vision: false,
    });
    expect(resolveModels({ OLLAMA_MODEL: 'qwen2.5:7b' }).resolve('local').model).toBe('qwen2.5:7b');
  });

  it('blank variables count as unset', () => {
    expect(
      resolveModels({ OPENAI_API_KEY: '', GROQ_API_KEY: '  ', CHATWIRE_MODELS: '' })
        .list()
        .map((m) => m.id),
    ).toEqual(['echo']);
  });

  it('never shows keys in list()', () => {
    const models = resolveModels({ OPENAI_API_KEY: OPENAI_KEY, GROQ_API_KEY: GROQ_KEY });
    const listed = JSON.stringify(models.list());
    expect(listed).not.toContain(OPENAI_KEY);
    expect(listed).not.toContain(GROQ_KEY);
  });
});

describe('resolve', () => {
  it('an unknown alias → UnknownModelError listing the available ones', () => {
    const models = resolveModels({ OPENAI_API_KEY: OPENAI_KEY });
    let caught: unknown;
    try {
      models.resolve('gpt-5-ultra');
    } catch (error) {
      caught = error;
    }
    expect(UnknownModelError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({
      alias: 'gpt-5-ultra',
      available: ['fast', 'smart', 'echo'],
      code: 'unknown_model',
    });
    expect((caught as Error).message).toBe(
      'Unknown model "gpt-5-ultra". Available models: fast, smart, echo.',
    );
  });
});

describe('CHATWIRE_MODELS', () => {
  it('replaces the defaults, with its own default', () => {
    const models = resolveModels({
      OPENAI_API_KEY: OPENAI_KEY,
      CHATWIRE_MODELS: JSON.stringify({
        quick: { provider: 'openai', model: 'gpt-4.1-nano' },
        dev: { provider: 'echo', model: 'echo' },
        local: { provider: 'ollama', model: 'llama3.2' },
        default: 'dev',
      }),
    });
    expect(models.list()).toEqual([
      { id: 'quick', provider: 'openai', model: 'gpt-4.1-nano', default: false, vision: false },
      { id: 'dev', provider: 'echo', model: 'echo', default: true, vision: true },
      { id: 'local', provider: 'ollama', model: 'llama3.2', default: false, vision: false },
    ]);
    expect(models.resolve(null).alias).toBe('dev');
  });

  it('without "default", the first alias is the default', () => {
    const models = resolveModels({
      CHATWIRE_MODELS: '{"a":{"provider":"echo","model":"echo"},"b":{"provider":"echo","model":"e2"}}',
    });
    expect(models.defaultAlias).toBe('a');
  });

  it.each([
    ['not JSON', '{fast:', /^CHATWIRE_MODELS: not valid JSON/],
    ['an array', '[]', /^CHATWIRE_MODELS: must be a JSON object/],
    ['empty', '{}', /^CHATWIRE_MODELS: defines no aliases\.$/],
    [
      'an unknown provider',
      '{"fast":{"provider":"anthropic","model":"x"}}',
      /fast\.provider: must be one of "echo", "openai", "groq", "ollama"/,
    ],
    ['an alias that is not an object', '{"fast":"gpt-4o"}', /fast: must be an object like \{"provider"/],
    ['a missing model', '{"fast":{"provider":"echo"}}', /fast\.model: must be a string/],
    ['an empty model', '{"fast":{"provider":"echo","model":""}}', /fast\.model: must not be empty/],
    ['a bad alias name', '{"my model":{"provider":"echo","model":"x"}}', /alias names use letters, digits/],
    [
      'a default that is no alias',
      '{"a":{"provider":"echo","model":"x"},"default":"b"}',
      /"default" names "b", which is not one of its aliases \(a\)/,
    ],
    [
      'a default that is not a string',
      '{"a":{"provider":"echo","model":"x"},"default":3}',
      /default: must be the name of an alias/,
    ],
  ])('rejects %s with a message naming the variable', (_, raw, message) => {
    const error = configError(() => resolveModels({ CHATWIRE_MODELS: raw }));
    expect(error.variable).toBe('CHATWIRE_MODELS');
    expect(error.message).toMatch(message);
  });

  it('lists every problem at once', () => {
    const error = configError(() =>
      resolveModels({ CHATWIRE_MODELS: '{"a":{"provider":"x","model":"m"},"b":{"provider":"echo"}}' }),
    );
    expect(error.message).toMatch(/a\.provider: .*; b\.model: /);
  });

  it('an alias on a provider without its key names the missing variable, never a key', () => {
    const error = configError(() =>
      resolveModels({
        OPENAI_API_KEY: OPENAI_KEY,
        CHATWIRE_MODELS: '{"fast":{"provider":"groq","model":"llama"}}',
      }),
    );
    expect(error.message).toBe(
      'CHATWIRE_MODELS: alias "fast" uses provider "groq", but GROQ_API_KEY is not set.',
    );
    expect(
      configError(() => resolveModels({ CHATWIRE_MODELS: '{"fast":{"provider":"openai","model":"m"}}' }))
        .message,
    ).toMatch(/OPENAI_API_KEY \(or OPENAI_BASE_URL\) is not set/);
  });

  it('bad URLs name their variable without echoing the value', () => {
    const error = configError(() => resolveModels({ OLLAMA_URL: 'localhost:11434' }));
    expect(error.variable).toBe('OLLAMA_URL');
    expect(error.message).toBe('OLLAMA_URL: must be an http(s) URL, e.g. http://localhost:11434.');
    expect(configError(() => resolveModels({ OPENAI_BASE_URL: 'ftp://user:pw@x' })).message).not.toContain(
      'pw',
    );
  });
});

describe('resolved providers reach the configured servers', () => {
  it('OPENAI_BASE_URL and OLLAMA_URL are used, with the key only as a header', async () => {
    const openai = await startFakeOpenAI({ apiKey: OPENAI_KEY });
    const ollama = await startFakeOllama();
    fakes.push(openai, ollama);
    const models = resolveModels(
      { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${openai.url}/v1`, OLLAMA_URL: ollama.url },
      { timeouts: { connectMs: 2000 } },
    );
    for (const alias of ['fast', 'local']) {
      const { provider, model } = models.resolve(alias);
      const chunks = [];
      for await (const chunk of provider.stream({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        signal: new AbortController().signal,
      })) {
        chunks.push(chunk);
      }
      expect(chunks.at(-1)?.type).toBe('finish');
    }
    expect(openai.requests[0]!.body).toMatchObject({ model: 'gpt-4o-mini' });
    expect(ollama.requests[0]!.body).toMatchObject({ model: 'llama3.2' });
  });

  it('a rejected key says which variable to check', async () => {
    const openai = await startFakeOpenAI({ apiKey: 'sk-the-right-one' });
    fakes.push(openai);
    const models = resolveModels({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${openai.url}/v1` });
    const { provider, model } = models.resolve('fast');
    await expect(
      (async () => {
        for await (const _ of provider.stream({ model, messages: [], signal: new AbortController().signal }));
      })(),
    ).rejects.toThrow(
      /^the OpenAI-compatible server at 127\.0\.0\.1:\d+ rejected the API key \(401\)\. Check OPENAI_API_KEY\.$/,
    );
  });
});

describe('vision', () => {
  it('`"vision": true` marks a model that takes images; unset, only echo does', () => {
    const models = resolveModels({
      OPENAI_API_KEY: OPENAI_KEY,
      CHATWIRE_MODELS: JSON.stringify({
        eyes: { provider: 'ollama', model: 'llava', vision: true },
        plain: { provider: 'openai', model: 'gpt-3.5-turbo' },
        dev: { provider: 'echo', model: 'echo' },
        blind: { provider: 'echo', model: 'echo', vision: false },
      }),
    });
    expect(models.list().map((model) => [model.id, model.vision])).toEqual([
      ['eyes', true],
      ['plain', false],
      ['dev', true],
      ['blind', false],
    ]);
    expect(models.resolve('eyes').vision).toBe(true);
    expect(models.resolve('plain').vision).toBe(false);
    expect(models.resolve('blind').vision).toBe(false);
  });

  it('of the defaults, OpenAI’s gpt-4o models and echo take images; Groq’s and Ollama’s do not', () => {
    const models = resolveModels({
      OPENAI_API_KEY: OPENAI_KEY,
      GROQ_API_KEY: GROQ_KEY,
      OLLAMA_URL: 'http://gpu:11434',
    });
    expect(models.list().map((model) => [model.id, model.vision])).toEqual([
      ['fast', true],
      ['smart', true],
      ['groq-fast', false],
      ['groq-smart', false],
      ['local', false],
      ['echo', true],
    ]);
  });

  it('a `vision` that is not true or false is a configuration error naming the alias', () => {
    const error = configError(() =>
      resolveModels({ CHATWIRE_MODELS: '{"eyes":{"provider":"ollama","model":"llava","vision":"yes"}}' }),
    );
    expect(error.message).toBe('CHATWIRE_MODELS: eyes.vision: must be true or false');
  });
});
