/**
 * Any server speaking OpenAI's chat completions API: OpenAI, Groq, Together, vLLM, LM Studio,
 * llama.cpp, Ollama's `/v1`, …
 */
import type { Usage } from '@chatwire/sdk/contracts';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import * as z from 'zod/mini';
import {
  type FinishReason,
  type Provider,
  type ProviderChunk,
  ProviderError,
  type StreamRequest,
} from './provider.js';
import { type ProviderTimeouts, streamWithTimeouts, type Timers } from './timeouts.js';
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

  return {
    name,
    stream({ model, messages, signal }: StreamRequest): AsyncIterable<ProviderChunk> {
      const doFetch = options.fetch ?? fetch;
      return streamWithTimeouts<Response>({
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
    },
  };
}

/** Reads `data: {chunk}` events until `data: [DONE]`, yielding deltas then one finish. */
async function* readCompletionStream(
  response: Response,
  providerName: string,
  secrets: readonly (string | undefined)[],
): AsyncGenerator<ProviderChunk> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  let finishReason: string | null = null;
  let usage: Usage | null = null;
  let done = false;

  for await (const text of readText(response.body)) {
    parser.feed(text);
    for (const event of events.splice(0)) {
      if (event.data === '[DONE]') {
        done = true;
        break;
      }
      const chunk = parseChunk(event, providerName, secrets);
      // We ask for one choice (no `n`); index 0 is the reply.
      const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
      const content = choice?.delta?.content;
      if (content) yield { type: 'delta', text: content };
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      const reported = chunk.usage ?? chunk.x_groq?.usage;
      if (reported) usage = { inputTokens: reported.prompt_tokens, outputTokens: reported.completion_tokens };
    }
    if (done) break;
  }
  // Some compatible servers omit `[DONE]`; a finish_reason is then proof enough the reply ended.
  if (!done && finishReason === null) {
    throw new ProviderError('provider_error', `${providerName} closed the stream before the reply finished.`);
  }
  yield { type: 'finish', reason: mapFinishReason(finishReason), usage };
}

function parseChunk(
  event: EventSourceMessage,
  providerName: string,
  secrets: readonly (string | undefined)[],
): CompletionChunk {
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch (cause) {
    throw new ProviderError('provider_error', `${providerName} sent a stream event that is not JSON.`, {
      cause,
    });
  }
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
