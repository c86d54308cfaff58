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

/** A provider failure, mapped to `502 provider_error` or `504 provider_timeout`. */
export class ProviderError extends Error {
  constructor(
    readonly code: 'provider_error' | 'provider_timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
