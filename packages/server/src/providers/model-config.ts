/**
 * Parsing the `CHATWIRE_MODELS` variable: a JSON map of model aliases to providers.
 *
 * ```json
 * { "fast": { "provider": "openai", "model": "gpt-4o-mini", "vision": true },
 *   "local": { "provider": "ollama", "model": "llama3.2" },
 *   "tiny": { "provider": "ollama", "model": "gemma2:2b", "tools": false },
 *   "thinker": { "provider": "ollama", "model": "qwen3", "think": true },
 *   "eyes": { "provider": "ollama", "model": "llava", "vision": true },
 *   "default": "fast" }
 * ```
 * `default` is reserved for naming the default alias, so no alias can be called that.
 *
 * Per alias, besides `provider` and `model`:
 * - `tools` (default `true`): `false` for a model without tool support — it is then sent no
 *   tools, and answers in text only (providers refuse `tools` for such models);
 * - `think` (Ollama only, default `false`): `true` sends Ollama `think: true`, so a thinking model
 *   (qwen3, deepseek-r1, …) streams its reasoning apart from its answer. OpenAI-compatible servers
 *   stream reasoning without being asked;
 * - `vision` (default `false`, `true` for `echo`): `true` for a model that takes images (gpt-4o,
 *   llava, gemma3, …) — it is then sent the images attached to messages. Sending an image to an
 *   alias without it is refused (`415 unsupported_media_type`) before anything is stored: a
 *   provider would refuse it (or ignore it) only after the prompt was kept.
 */
import * as z from 'zod/mini';

/** The providers an alias can point at. */
export const ProviderKind = z.enum(['echo', 'openai', 'groq', 'ollama'], {
  error: 'must be one of "echo", "openai", "groq", "ollama"',
});
export type ProviderKind = z.infer<typeof ProviderKind>;

// Aliases travel in URLs and request bodies (the contract allows 1–100 characters): keep them
// to characters that need no escaping anywhere.
const AliasName = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'alias names use letters, digits, ".", "_", ":" or "-"'),
  );
const AliasEntry = z.object(
  {
    provider: ProviderKind,
    model: z.string({ error: 'must be a string' }).check(z.minLength(1, 'must not be empty')),
    tools: z.optional(z.boolean({ error: 'must be true or false' })),
    think: z.optional(z.boolean({ error: 'must be true or false' })),
    vision: z.optional(z.boolean({ error: 'must be true or false' })),
  },
  { error: 'must be an object like {"provider":"openai","model":"gpt-4o-mini"}' },
);
const Aliases = z.record(AliasName, AliasEntry, { error: 'must be an object of aliases' });
const DefaultAlias = z.optional(z.string({ error: 'must be the name of an alias' }));

/** One alias as configured. */
export interface AliasConfig {
  alias: string;
  provider: ProviderKind;
  model: string;
  /** `false`: the model takes no tools. Default `true`. */
  tools?: boolean | undefined;
  /** Ollama only: send `think: true`. Default `false`. */
  think?: boolean | undefined;
  /** `true`: the model takes images. Default `false` (`true` for `echo`, which describes them). */
  vision?: boolean | undefined;
}

/** A configuration problem, naming the variable to fix. Thrown at startup, never per request. */
export class ModelConfigError extends Error {
  constructor(
    /** The environment variable at fault, e.g. `CHATWIRE_MODELS`. */
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${variable}: ${message}`, options);
    this.name = 'ModelConfigError';
  }
}

/**
 * Parses `CHATWIRE_MODELS`. Throws a {@link ModelConfigError} listing every problem with its
 * path (`fast.provider: must be one of …`), so one restart fixes them all.
 */
export function parseModelsVariable(raw: string): {
  aliases: AliasConfig[];
  defaultAlias: string | undefined;
} {
  const variable = 'CHATWIRE_MODELS';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new ModelConfigError(variable, `not valid JSON (${(cause as Error).message}).`, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelConfigError(
      variable,
      'must be a JSON object like {"fast":{"provider":"openai","model":"gpt-4o-mini"}}.',
    );
  }
  const { default: rawDefault, ...rawAliases } = json as Record<string, unknown>;
  const problems: string[] = [];
  const defaultResult = DefaultAlias.safeParse(rawDefault);
  if (!defaultResult.success) problems.push(...describeIssues(defaultResult.error, ['default']));
  const aliasResult = Aliases.safeParse(rawAliases);
  if (!aliasResult.success) problems.push(...describeIssues(aliasResult.error, []));
  if (!aliasResult.success || !defaultResult.success) {
    throw new ModelConfigError(variable, problems.join('; '));
  }

  const aliases = Object.entries(aliasResult.data).map(([alias, entry]) => ({ alias, ...entry }));
  if (aliases.length === 0) throw new ModelConfigError(variable, 'defines no aliases.');
  const thinkElsewhere = aliases.filter((entry) => entry.think !== undefined && entry.provider !== 'ollama');
  if (thinkElsewhere.length > 0) {
    throw new ModelConfigError(
      variable,
      thinkElsewhere
        .map(
          (entry) =>
            `${entry.alias}.think: only Ollama aliases take "think" (the other providers stream reasoning without being asked); remove it`,
        )
        .join('; '),
    );
  }
  const defaultAlias = defaultResult.data;
  if (defaultAlias !== undefined && !aliases.some((entry) => entry.alias === defaultAlias)) {
    throw new ModelConfigError(
      variable,
      `"default" names "${defaultAlias}", which is not one of its aliases (${aliases.map((a) => a.alias).join(', ')}).`,
    );
  }
  return { aliases, defaultAlias };
}

function describeIssues(error: z.core.$ZodError, prefix: PropertyKey[]): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    // A bad key is reported on the key itself: say which one.
    const message =
      issue.code === 'invalid_key' ? `alias names use letters, digits, ".", "_", ":" or "-"` : issue.message;
    return path ? `${path}: ${message}` : message;
  });
}
