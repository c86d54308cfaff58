/**
 * The model provider seam: one small streaming interface, one module per provider.
 */
import type { Usage } from '@chatwire/sdk/contracts';

/** One turn of the context sent to a model. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface StreamRequest {
  /** The provider's own model name (aliases are resolved before this). */
  model: string;
  messages: ChatTurn[];
  /** Aborted when the client goes away or stops the reply: the upstream request must end too. */
  signal: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'other';

/** What a provider yields: text deltas as they arrive, then exactly one `finish`. */
export type ProviderChunk =
  | { type: 'delta'; text: string }
  | { type: 'finish'; reason: FinishReason; usage: Usage | null };

export interface Provider {
  /** `echo`, `openai-compatible`, `ollama`, … */
  readonly name: string;
  /**
   * Streams a reply. Throws (or the iterator rejects) with a {@link ProviderError} on failure;
   * ends early without error when `signal` aborts.
   */
  stream(request: StreamRequest): AsyncIterable<ProviderChunk>;
}

const PROVIDER_ERROR_MARKER = Symbol.for('chatwire.ProviderError');

/**
 * A provider failure, mapped to `502 provider_error` or `504 provider_timeout`.
 *
 * `message` is safe to show to users: it never carries an API key or raw upstream internals.
 * `status` is the upstream HTTP status when there was one (a 401 from OpenAI, …).
 */
export class ProviderError extends Error {
  /** Recognised across duplicate copies of this package, where `instanceof` fails. */
  readonly [PROVIDER_ERROR_MARKER] = true;
  /** The upstream HTTP status, when the failure was an HTTP answer. */
  readonly status: number | undefined;

  constructor(
    readonly code: 'provider_error' | 'provider_timeout',
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.name = 'ProviderError';
    this.status = options?.status;
  }

  /** `instanceof` that also works across duplicate package copies. */
  static isInstance(value: unknown): value is ProviderError {
    return typeof value === 'object' && value !== null && PROVIDER_ERROR_MARKER in value;
  }
}
