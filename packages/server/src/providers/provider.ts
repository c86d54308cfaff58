/**
 * The model provider seam: one small streaming interface, one module per provider.
 */
import type { FinishReason, Usage } from '@chatwire/sdk/contracts';

export type { FinishReason };

/** A tool call the model made, as the context gives it back to the model. */
export interface ToolCallTurn {
  /** The id the model gave the call (`tool` turns answer it by this id). */
  id: string;
  name: string;
  /** Its input (parsed JSON). */
  input: unknown;
}

/** What is known of a file attached to a user turn, whatever the model is given of it. */
export interface AttachmentFacts {
  /** The name it was uploaded with. */
  name: string;
  mediaType: string;
  /** Bytes. */
  size: number;
  /** Pixels, for images. */
  width?: number;
  height?: number;
}

/**
 * A file attached to a user turn, as the model is given it (`replies/attachment-loader.ts` decides):
 * - `image`: its bytes, base64 (PNG, JPEG, GIF, WebP, for a model with vision) — OpenAI-compatible
 *   servers get an `image_url` data URL, Ollama an entry of `images`;
 * - `text`: a text-like file's text or a PDF's extracted text, given with its name. `text` may be
 *   the start of it only (cut to the context budget): `totalChars` is the length of the whole;
 * - `mention`: only named, with why (a type no model reads, a file gone, an image for a model
 *   without vision), so the model knows something was attached.
 */
export type TurnAttachment = AttachmentFacts &
  (
    | { kind: 'image'; base64: string }
    | { kind: 'text'; text: string; totalChars: number }
    | { kind: 'mention'; note: string }
  );

/**
 * One turn of the context sent to a model. A user turn may carry attached files; an assistant turn
 * the tool calls of its step, each answered by a `tool` turn (its output as JSON text, or what
 * failed) right after it.
 */
export type ChatTurn =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string; attachments?: TurnAttachment[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCallTurn[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string };

/** A tool the model may call: its name, what it is for, and the JSON Schema of its input. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface StreamRequest {
  /** The provider's own model name (aliases are resolved before this). */
  model: string;
  messages: ChatTurn[];
  /**
   * Tools the model may call in this round trip; none (or empty) sends no `tools` field at all.
   * Omitted for a model configured without tool support.
   */
  tools?: ToolSpec[];
  /** Aborted when the client goes away or stops the reply: the upstream request must end too. */
  signal: AbortSignal;
}

/**
 * What a provider yields as they arrive: text, reasoning, tool calls — a call's start (its id and
 * name), then its input as JSON text in pieces (OpenAI streams them by index; a provider that
 * sends a call whole gives one piece) — and then exactly one `finish` (`tool_calls` when the model
 * stopped to have its tools called).
 */
export type ProviderChunk =
  | { type: 'delta'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string }
  | { type: 'tool-input-delta'; toolCallId: string; delta: string }
  | { type: 'finish'; reason: FinishReason; usage: Usage | null };

export interface Provider {
  /** `echo`, `openai-compatible`, `ollama`, … */
  readonly name: string;
  /**
   * Streams a reply. Throws (or the iterator rejects) with a {@link ProviderError} on failure;
   * ends early without error when `signal` aborts.
   */
  stream(request: StreamRequest): AsyncIterable<ProviderChunk>;
  /**
   * Optional: the same chunks, grouped as they came off the network (one read each). A fast
   * model or a backed-up connection hands over hundreds of deltas in one read; passing them one
   * by one through async iterators cost more than everything else done per delta (bench/sse.mjs),
   * so the chat service takes them a read at a time. Same contract as `stream`, batch by batch:
   * no empty batches, `finish` last in the last one.
   */
  streamBatches?(request: StreamRequest): AsyncIterable<readonly ProviderChunk[]>;
}

/** A provider's chunks a network read at a time: {@link Provider.streamBatches}, or `stream` one by one. */
export function streamBatches(
  provider: Provider,
  request: StreamRequest,
): AsyncIterable<readonly ProviderChunk[]> {
  return provider.streamBatches ? provider.streamBatches(request) : singly(provider.stream(request));
}

/** Chunks as batches of one: what a `stream`-only provider hands to a batch reader. */
export async function* singly(
  chunks: AsyncIterable<ProviderChunk>,
): AsyncGenerator<readonly ProviderChunk[]> {
  for await (const chunk of chunks) yield [chunk];
}

/**
 * `stream` for a provider that implements `streamBatches`: the chunks one by one, ending without
 * more chunks as soon as `signal` aborts (the batch in hand is not finished).
 */
export async function* unbatched(
  batches: AsyncIterable<readonly ProviderChunk[]>,
  signal: AbortSignal,
): AsyncGenerator<ProviderChunk> {
  for await (const batch of batches) {
    for (const chunk of batch) {
      yield chunk;
      if (signal.aborted) return;
    }
  }
}

/** A provider built on `streamBatches` alone: `stream` is derived from it ({@link unbatched}). */
export function batchedProvider(
  name: string,
  streamBatches: (request: StreamRequest) => AsyncIterable<readonly ProviderChunk[]>,
): Provider {
  return {
    name,
    stream: (request) => unbatched(streamBatches(request), request.signal),
    streamBatches,
  };
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
