/**
 * Any server speaking OpenAI's chat completions API: OpenAI, Groq, Together, vLLM, LM Studio,
 * llama.cpp, Ollama's `/v1`, …
 */
import type { Usage } from '@chatwire/sdk/contracts';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import * as z from 'zod/mini';
import {
  batchedProvider,
  type FinishReason,
  type Provider,
  type ProviderChunk,
  ProviderError,
  type StreamRequest,
} from './provider.js';
import { type ProviderTimeouts, streamBatchesWithTimeouts, type Timers } from './timeouts.js';
import {
  describeNetworkError,
  extractUpstreamMessage,
  type FetchFunction,
  hostOf,
  httpError,
  readText,
  redactSecrets,
} from './upstream.js';

/** Options of {@link createOpenAICompatibleProvider}. */
export interface OpenAICompatibleOptions {
  /** The API root, up to and including the version: `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; omit for local servers that need none. */
  apiKey?: string | undefined;
  /** The provider's `name`. Default `openai-compatible`. */
  name?: string;
  /** Used in error messages. Default: `name`. */
  displayName?: string;
  /** What a 401/403 message tells the user to check, e.g. "Check OPENAI_API_KEY." */
  authHint?: string;
  /** Extra headers on every request (an `OpenAI-Organization`, a proxy's auth, …). */
  headers?: Record<string, string>;
  /**
   * Ask for the final usage chunk (`stream_options.include_usage`). Default `true`; turn off
   * for servers that reject unknown fields.
   */
  includeUsage?: boolean;
  /** Default: the global `fetch`. */
  fetch?: FetchFunction;
  /** Connect, first-token and idle limits; see {@link ProviderTimeouts} for defaults. */
  timeouts?: ProviderTimeouts;
  timers?: Timers;
}

/** Preset for OpenAI itself. No network at call time. */
export function openaiPreset(apiKey: string): OpenAICompatibleOptions {
  return { baseUrl: 'https://api.openai.com/v1', apiKey, name: 'openai', displayName: 'OpenAI' };
}

/** Preset for Groq's OpenAI-compatible endpoint. No network at call time. */
export function groqPreset(apiKey: string): OpenAICompatibleOptions {
  return { baseUrl: 'https://api.groq.com/openai/v1', apiKey, name: 'groq', displayName: 'Groq' };
}

// Only the fields we use; everything else in a chunk is ignored (servers add their own).
const ChunkUsage = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() });
const CompletionChunk = z.object({
  choices: z.optional(
    z.array(
      z.object({
        index: z.optional(z.number()),
        delta: z.optional(z.nullable(z.object({ content: z.optional(z.nullable(z.string())) }))),
        finish_reason: z.optional(z.nullable(z.string())),
      }),
    ),
  ),
  usage: z.optional(z.nullable(ChunkUsage)),
  // Groq reported usage here before it supported `stream_options`.
  x_groq: z.optional(z.object({ usage: z.optional(ChunkUsage) })),
  error: z.optional(z.unknown()),
});
type CompletionChunk = z.infer<typeof CompletionChunk>;

/**
 * Creates a provider for an OpenAI-compatible `POST {baseUrl}/chat/completions` stream.
 *
 * @example
 * const openai = createOpenAICompatibleProvider({ ...openaiPreset(process.env.OPENAI_API_KEY!) });
 * for await (const chunk of openai.stream({ model: 'gpt-4o-mini', messages, signal })) …
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleOptions): Provider {
  const name = options.name ?? 'openai-compatible';
  const displayName = options.displayName ?? name;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  // Credentials can also come as custom headers (a proxy's key): keep those out of messages too.
  const secrets = [
    options.apiKey,
    ...Object.entries(options.headers ?? {})
      .filter(([header]) => /auth|key|token|secret/i.test(header))
      .map(([, value]) => value),
  ];

  return batchedProvider(name, streamBatches);

  function streamBatches({
    model,
    messages,
    signal,
  }: StreamRequest): AsyncIterable<readonly ProviderChunk[]> {
    const doFetch = options.fetch ?? fetch;
    return streamBatchesWithTimeouts<Response>({
      providerName: displayName,
      signal,
      timeouts: options.timeouts,
      timers: options.timers,
      async connect(signal) {
        const response = await doFetch(url, {
          method: 'POST',
          signal,
          headers: {
            'content-type': 'application/json',
            accept: 'text/event-stream',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
            ...options.headers,
          },
          body: JSON.stringify({
            model,
            messages,
            stream: true,
            ...(options.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
          }),
        });
        if (!response.ok) {
          throw await httpError(response, {
            providerName: displayName,
            model,
            secrets,
            ...(options.authHint ? { authHint: options.authHint } : {}),
          });
        }
        return response;
      },
      read: (response) => readCompletionStream(response, displayName, secrets),
      describeFailure: (phase, error) =>
        phase === 'connect'
          ? `Could not reach ${displayName} at ${hostOf(options.baseUrl)}: ${describeNetworkError(error)}.`
          : `The connection to ${displayName} dropped in the middle of the reply: ${describeNetworkError(error)}.`,
    });
  }
}

/** What one chunk says: the fields we use, read by {@link readChunk}. */
interface ChunkReading {
  content: string | null | undefined;
  finishReason: string | null | undefined;
  usage: Usage | null;
}

/**
 * Reads `data: {chunk}` events until `data: [DONE]`, yielding the deltas of each network read
 * together, then one finish.
 */
async function* readCompletionStream(
  response: Response,
  providerName: string,
  secrets: readonly (string | undefined)[],
): AsyncGenerator<readonly ProviderChunk[]> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  let finishReason: string | null = null;
  let usage: Usage | null = null;
  let done = false;

  for await (const text of readText(response.body)) {
    parser.feed(text);
    const batch: ProviderChunk[] = [];
    let failure: unknown;
    for (const event of events) {
      if (event.data === '[DONE]') {
        done = true;
        break;
      }
      try {
        const chunk = readChunk(event, providerName, secrets);
        if (chunk.content) batch.push({ type: 'delta', text: chunk.content });
        if (chunk.finishReason) finishReason = chunk.finishReason;
        if (chunk.usage) usage = chunk.usage;
      } catch (error) {
        failure = error;
        break;
      }
    }
    events.length = 0;
    if (failure !== undefined) {
      // The deltas before the failure are part of the partial reply that is kept.
      if (batch.length > 0) yield batch;
      throw failure;
    }
    if (done) {
      batch.push({ type: 'finish', reason: mapFinishReason(finishReason), usage });
      yield batch;
      return;
    }
    if (batch.length > 0) yield batch;
  }
  // Some compatible servers omit `[DONE]`; a finish_reason is then proof enough the reply ended.
  if (finishReason === null) {
    throw new ProviderError('provider_error', `${providerName} closed the stream before the reply finished.`);
  }
  yield [{ type: 'finish', reason: mapFinishReason(finishReason), usage }];
}

function readChunk(
  event: EventSourceMessage,
  providerName: string,
  secrets: readonly (string | undefined)[],
): ChunkReading {
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch (cause) {
    throw new ProviderError('provider_error', `${providerName} sent a stream event that is not JSON.`, {
      cause,
    });
  }
  if (event.event !== 'error') {
    const common = readCommonChunk(json);
    if (common) return common;
  }
  const chunk = parseChunk(json, event, providerName, secrets);
  // We ask for one choice (no `n`); index 0 is the reply.
  const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
  const reported = chunk.usage ?? chunk.x_groq?.usage;
  return {
    content: choice?.delta?.content,
    finishReason: choice?.finish_reason,
    usage: reported
      ? { inputTokens: reported.prompt_tokens, outputTokens: reported.completion_tokens }
      : null,
  };
}

/**
 * The chunk nearly every delta comes in — one choice, index 0, a string (or no) `content`, no
 * usage, no error — read with plain property checks: the schema cost more than the rest of the
 * per-delta work together (bench/sse.mjs). `undefined` for anything else, which then goes
 * through the schema, so what is accepted or refused does not change.
 */
function readCommonChunk(json: unknown): ChunkReading | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const chunk = json as Record<string, unknown>;
  if (chunk.error !== undefined || chunk.usage != null || chunk.x_groq !== undefined) return undefined;
  const { choices } = chunk;
  if (!Array.isArray(choices) || choices.length !== 1) return undefined;
  const choice: unknown = choices[0];
  if (typeof choice !== 'object' || choice === null) return undefined;
  const { index, delta, finish_reason: finishReason } = choice as Record<string, unknown>;
  if (index !== 0 && index !== undefined) return undefined;
  if (finishReason != null && typeof finishReason !== 'string') return undefined;
  if (delta == null) return { content: undefined, finishReason, usage: null };
  if (typeof delta !== 'object') return undefined;
  const { content } = delta as Record<string, unknown>;
  if (content != null && typeof content !== 'string') return undefined;
  return { content, finishReason, usage: null };
}

function parseChunk(
  json: unknown,
  event: EventSourceMessage,
  providerName: string,
  secrets: readonly (string | undefined)[],
): CompletionChunk {
  const parsed = CompletionChunk.safeParse(json);
  // An error mid-stream arrives as `data: {"error": {...}}`, sometimes under `event: error`.
  if (event.event === 'error' || (parsed.success && parsed.data.error != null)) {
    const message = redactSecrets(extractUpstreamMessage(event.data) || 'unknown error', secrets);
    throw new ProviderError('provider_error', `${providerName} reported an error mid-stream: ${message}`);
  }
  if (!parsed.success) {
    throw new ProviderError('provider_error', `${providerName} sent a stream chunk of an unexpected shape.`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function mapFinishReason(reason: string | null): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content_filter':
      return reason;
    default:
      // tool_calls, function_call, a server's own value, or none at all.
      return 'other';
  }
}
