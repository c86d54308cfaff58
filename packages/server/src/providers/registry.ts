/**
 * Model aliases: what clients pick (`fast`, `smart`, `local`, `echo`) mapped to a provider
 * and that provider's own model name, from environment-style configuration.
 */
import type { Model } from '@chatwire/sdk/contracts';
import { createEchoProvider, type EchoProviderOptions } from './echo.js';
import { type AliasConfig, ModelConfigError, parseModelsVariable } from './model-config.js';
import { createOllamaProvider } from './ollama.js';
import { createOpenAICompatibleProvider, groqPreset, openaiPreset } from './openai-compatible.js';
import type { Provider, StreamRequest } from './provider.js';
import type { ProviderTimeouts, Timers } from './timeouts.js';
import { type FetchFunction, hostOf } from './upstream.js';

export { ModelConfigError } from './model-config.js';

/** The variables {@link resolveModels} reads (pass `process.env`, or a subset in tests). */
export interface ModelEnv {
  /**
   * JSON map of aliases, see `model-config.ts`; replaces the default aliases entirely. An alias may
   * add `"tools": false` (a model without tool support), `"vision": true` (a model that takes
   * images) and, for Ollama, `"think": true`.
   */
  CHATWIRE_MODELS?: string | undefined;
  OPENAI_API_KEY?: string | undefined;
  /** Any OpenAI-compatible server (vLLM, LM Studio, a proxy); enough on its own for keyless ones. */
  OPENAI_BASE_URL?: string | undefined;
  GROQ_API_KEY?: string | undefined;
  OLLAMA_URL?: string | undefined;
  /** Ollama's model for the `local` alias. Default `llama3.2`. */
  OLLAMA_MODEL?: string | undefined;
}

/** Wiring shared by every provider the registry creates (tests inject fetch and timers here). */
export interface ModelRegistryOptions {
  fetch?: FetchFunction;
  timeouts?: ProviderTimeouts;
  timers?: Timers;
  echo?: EchoProviderOptions;
}

/** What an alias resolves to. */
export interface ResolvedModel {
  alias: string;
  provider: Provider;
  /** The provider's own model name, for {@link StreamRequest.model}. */
  model: string;
  /**
   * Whether the model takes tools: `false` for an alias configured with `"tools": false` (a model
   * without tool support). A turn then offers it no tools; this alias's `provider` drops `tools`
   * from every request anyway, so no upstream is sent tools it refuses. Default `true`.
   */
  supportsTools: boolean;
  /**
   * Whether the model takes images (`"vision": true`): only then is it sent the images attached to
   * messages; other files reach every model as text. Default `false`; `true` for `echo` and the
   * built-in OpenAI aliases (gpt-4o-mini, gpt-4o).
   */
  vision: boolean;
}

/** The server's models. */
export interface ModelRegistry {
  /** The aliases, for `GET /v1/models`: no keys, no URLs. */
  list(): Model[];
  /** The alias used when a conversation or request names none. */
  readonly defaultAlias: string;
  /**
   * The provider and model for `alias` (`null`/`undefined` → the default).
   * @throws {@link UnknownModelError} for an alias that is not configured.
   */
  resolve(alias?: string | null): ResolvedModel;
}

const UNKNOWN_MODEL_MARKER = Symbol.for('chatwire.UnknownModelError');

/** An alias nobody configured: the caller answers `400 validation_failed` on the `model` field. */
export class UnknownModelError extends Error {
  readonly [UNKNOWN_MODEL_MARKER] = true;
  readonly code = 'unknown_model';

  constructor(
    readonly alias: string,
    /** The aliases that do exist, for the message and for clients. */
    readonly available: readonly string[],
  ) {
    super(`Unknown model "${alias}". Available models: ${available.join(', ')}.`);
    this.name = 'UnknownModelError';
  }

  /** `instanceof` that also works across duplicate package copies. */
  static isInstance(value: unknown): value is UnknownModelError {
    return typeof value === 'object' && value !== null && UNKNOWN_MODEL_MARKER in value;
  }
}

/** The models each provider gets when `CHATWIRE_MODELS` is not set. */
export const DEFAULT_MODELS = {
  openai: { fast: 'gpt-4o-mini', smart: 'gpt-4o' },
  groq: { fast: 'llama-3.1-8b-instant', smart: 'llama-3.3-70b-versatile' },
  ollama: { local: 'llama3.2' },
  echo: { echo: 'echo' },
} as const;

/**
 * Builds the model registry from the environment. Without `CHATWIRE_MODELS`:
 * - OpenAI (`OPENAI_API_KEY` or `OPENAI_BASE_URL`): `fast` = gpt-4o-mini, `smart` = gpt-4o;
 * - Groq (`GROQ_API_KEY`): `fast`/`smart` on Llama models, named `groq-fast`/`groq-smart`
 *   when OpenAI already holds `fast`/`smart`;
 * - Ollama (only with `OLLAMA_URL` or `OLLAMA_MODEL`): `local` = `OLLAMA_MODEL` or llama3.2;
 * - `echo` always (the default when nothing else is configured).
 * The default is the first alias listed. No network happens here. Every default alias takes tools
 * (`supportsTools: true`); `CHATWIRE_MODELS` can say otherwise per alias. Of the defaults, OpenAI's
 * (gpt-4o-mini, gpt-4o) and `echo` take images (`vision: true`); the Groq and Ollama ones do not.
 *
 * @throws {@link ModelConfigError} naming the variable to fix.
 * @example
 * const models = resolveModels(process.env);
 * const { provider, model, supportsTools } = models.resolve(conversation.model);
 * provider.stream({ model, messages, ...(supportsTools ? { tools } : {}), signal });
 */
export function resolveModels(env: ModelEnv, options: ModelRegistryOptions = {}): ModelRegistry {
  const clean = cleanEnv(env);
  let aliases: AliasConfig[];
  let defaultAlias: string | undefined;
  if (clean.CHATWIRE_MODELS !== undefined) {
    ({ aliases, defaultAlias } = parseModelsVariable(clean.CHATWIRE_MODELS));
  } else {
    aliases = defaultAliases(clean);
  }

  // One provider per kind (per kind and `think` for Ollama, which sends it on every request), and
  // one tool-less view of it per kind for the aliases with `tools: false`.
  const providers = new Map<string, Provider>();
  const providerFor = (entry: AliasConfig): Provider => {
    const think = entry.provider === 'ollama' && entry.think === true;
    const base = `${entry.provider}${think ? ':think' : ''}`;
    const key = `${base}${entry.tools === false ? ':no-tools' : ''}`;
    let provider = providers.get(key);
    if (!provider) {
      let inner = providers.get(base);
      if (!inner) {
        inner = createProvider(entry, clean, options, think);
        providers.set(base, inner);
      }
      provider = entry.tools === false ? withoutTools(inner) : inner;
      providers.set(key, provider);
    }
    return provider;
  };
  const table = new Map(aliases.map((entry) => [entry.alias, { ...entry, instance: providerFor(entry) }]));
  const chosenDefault = defaultAlias ?? aliases[0]!.alias;

  return {
    defaultAlias: chosenDefault,
    list: () =>
      aliases.map((entry) => ({
        id: entry.alias,
        provider: entry.provider,
        model: entry.model,
        default: entry.alias === chosenDefault,
        vision: takesImages(entry),
      })),
    resolve(alias) {
      const key = alias ?? chosenDefault;
      const entry = table.get(key);
      if (!entry) throw new UnknownModelError(key, [...table.keys()]);
      return {
        alias: key,
        provider: entry.instance,
        model: entry.model,
        supportsTools: entry.tools !== false,
        vision: takesImages(entry),
      };
    },
  };
}

/** `vision` as configured; unset, only `echo` takes images (it describes them). */
function takesImages(entry: AliasConfig): boolean {
  return entry.vision ?? entry.provider === 'echo';
}

function defaultAliases(env: ModelEnv): AliasConfig[] {
  const aliases: AliasConfig[] = [];
  const openai = env.OPENAI_API_KEY !== undefined || env.OPENAI_BASE_URL !== undefined;
  if (openai) {
    // gpt-4o-mini and gpt-4o take images.
    for (const [alias, model] of Object.entries(DEFAULT_MODELS.openai))
      aliases.push({ alias, provider: 'openai', model, vision: true });
  }
  if (env.GROQ_API_KEY !== undefined) {
    for (const [alias, model] of Object.entries(DEFAULT_MODELS.groq)) {
      aliases.push({ alias: openai ? `groq-${alias}` : alias, provider: 'groq', model });
    }
  }
  if (env.OLLAMA_URL !== undefined || env.OLLAMA_MODEL !== undefined) {
    aliases.push({
      alias: 'local',
      provider: 'ollama',
      model: env.OLLAMA_MODEL ?? DEFAULT_MODELS.ollama.local,
    });
  }
  aliases.push({ alias: 'echo', provider: 'echo', model: DEFAULT_MODELS.echo.echo });
  return aliases;
}

/** `provider`, sending no `tools` whatever the request says (a model that refuses them). */
function withoutTools(provider: Provider): Provider {
  const strip = ({ tools: _tools, ...request }: StreamRequest): StreamRequest => request;
  const { streamBatches } = provider;
  return {
    name: provider.name,
    stream: (request) => provider.stream(strip(request)),
    ...(streamBatches ? { streamBatches: (request) => streamBatches.call(provider, strip(request)) } : {}),
  };
}

function createProvider(
  entry: AliasConfig,
  env: ModelEnv,
  options: ModelRegistryOptions,
  think: boolean,
): Provider {
  const wiring = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  };
  switch (entry.provider) {
    case 'echo':
      return createEchoProvider(options.echo);
    case 'openai': {
      const key = env.OPENAI_API_KEY;
      if (key === undefined && env.OPENAI_BASE_URL === undefined)
        throw missing(entry, 'OPENAI_API_KEY (or OPENAI_BASE_URL)');
      const preset = openaiPreset(key ?? '');
      const baseUrl = env.OPENAI_BASE_URL ?? preset.baseUrl;
      return createOpenAICompatibleProvider({
        ...preset,
        ...wiring,
        baseUrl,
        apiKey: key,
        displayName: env.OPENAI_BASE_URL ? `the OpenAI-compatible server at ${hostOf(baseUrl)}` : 'OpenAI',
        authHint: 'Check OPENAI_API_KEY.',
      });
    }
    case 'groq': {
      if (env.GROQ_API_KEY === undefined) throw missing(entry, 'GROQ_API_KEY');
      return createOpenAICompatibleProvider({
        ...groqPreset(env.GROQ_API_KEY),
        ...wiring,
        authHint: 'Check GROQ_API_KEY.',
      });
    }
    case 'ollama':
      return createOllamaProvider({
        ...wiring,
        ...(env.OLLAMA_URL ? { baseUrl: env.OLLAMA_URL } : {}),
        ...(think ? { think } : {}),
      });
  }
}

function missing(entry: AliasConfig, variable: string): ModelConfigError {
  return new ModelConfigError(
    'CHATWIRE_MODELS',
    `alias "${entry.alias}" uses provider "${entry.provider}", but ${variable} is not set.`,
  );
}

const ENV_KEYS = [
  'CHATWIRE_MODELS',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'GROQ_API_KEY',
  'OLLAMA_URL',
  'OLLAMA_MODEL',
] as const satisfies readonly (keyof ModelEnv)[];

/** Blank variables count as unset (`OPENAI_API_KEY=` in a .env file); URLs must parse. */
function cleanEnv(env: ModelEnv): ModelEnv {
  const clean: ModelEnv = {};
  // A fixed list: `env` is often all of process.env, which must not be copied around.
  for (const key of ENV_KEYS) {
    const value = env[key]?.trim();
    if (value) clean[key] = value;
  }
  for (const key of ['OPENAI_BASE_URL', 'OLLAMA_URL'] as const) {
    const url = clean[key];
    if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) {
      // The value is not echoed: a URL may carry credentials.
      throw new ModelConfigError(key, 'must be an http(s) URL, e.g. http://localhost:11434.');
    }
  }
  return clean;
}
