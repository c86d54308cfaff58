/**
 * A local Ollama server through its native `/api/chat` NDJSON stream, which, unlike its
 * OpenAI-compatible `/v1`, reports token counts on every version and says when a model is
 * missing in words a user can act on.
 */
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
  type FetchFunction,
  hostOf,
  httpError,
  readText,
  secretHeaderValues,
} from './upstream.js';

/** Options of {@link createOllamaProvider}. */
export interface OllamaOptions {
  /** Default `http://localhost:11434`. */
  baseUrl?: string;
  /** Extra headers, for an Ollama behind an authenticating proxy. */
  headers?: Record<string, string>;
  /** Default: the global `fetch`. */
  fetch?: FetchFunction;
  /**
   * Connect, first-token and idle limits; see {@link ProviderTimeouts}. The first-token
   * default (60 s) leaves room for Ollama loading a model into memory on first use.
   */
  timeouts?: ProviderTimeouts;
  timers?: Timers;
}

const OllamaLine = z.object({
  message: z.optional(z.object({ content: z.optional(z.string()) })),
  done: z.optional(z.boolean()),
  done_reason: z.optional(z.string()),
  prompt_eval_count: z.optional(z.number()),
  eval_count: z.optional(z.number()),
  error: z.optional(z.string()),
});

/**
 * Creates the Ollama provider.
 *
 * @example
 * const ollama = createOllamaProvider({ baseUrl: process.env.OLLAMA_URL });
 * for await (const chunk of ollama.stream({ model: 'llama3.2', messages, signal })) …
 */
export function createOllamaProvider(options: OllamaOptions = {}): Provider {
  const baseUrl = (options.baseUrl ?? 'http://localhost:11434').replace(/\/+$/, '');
  const secrets = secretHeaderValues(options.headers);

  return batchedProvider('ollama', streamBatches);

  function streamBatches({
    model,
    messages,
    signal,
  }: StreamRequest): AsyncIterable<readonly ProviderChunk[]> {
    const doFetch = options.fetch ?? fetch;
    return streamBatchesWithTimeouts<Response>({
      providerName: 'Ollama',
      signal,
      timeouts: options.timeouts,
      timers: options.timers,
      async connect(signal) {
        const response = await doFetch(`${baseUrl}/api/chat`, {
          method: 'POST',
          signal,
          headers: {
            'content-type': 'application/json',
            accept: 'application/x-ndjson',
            ...options.headers,
          },
          body: JSON.stringify({ model, messages, stream: true }),
        });
        if (!response.ok) {
          throw await httpError(response, {
            providerName: 'Ollama',
            model,
            secrets,
            authHint: 'Check the credentials of the proxy in front of Ollama.',
            notFoundHint: `Run \`ollama pull ${model}\` on the Ollama host.`,
          });
        }
        return response;
      },
      read: (response) => readChatStream(response),
      describeFailure: (phase, error) =>
        phase === 'connect'
          ? `Could not reach Ollama at ${hostOf(baseUrl)}: ${describeNetworkError(error)}. Is \`ollama serve\` running?`
          : `The connection to Ollama dropped in the middle of the reply: ${describeNetworkError(error)}.`,
    });
  }
}

/** Reads one JSON object per line until `done: true`, yielding the lines of each network read together. */
async function* readChatStream(response: Response): AsyncGenerator<readonly ProviderChunk[]> {
  let buffer = '';
  for await (const text of readText(response.body)) {
    buffer += text;
    // A network chunk may end mid-line or hold several lines: keep the unfinished tail.
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    const batch: ProviderChunk[] = [];
    for (const line of lines) {
      let chunk: ProviderChunk | null;
      try {
        chunk = parseLine(line);
      } catch (error) {
        // The deltas before the failure are part of the partial reply that is kept.
        if (batch.length > 0) yield batch;
        throw error;
      }
      if (!chunk) continue;
      batch.push(chunk);
      if (chunk.type === 'finish') {
        yield batch;
        return;
      }
    }
    if (batch.length > 0) yield batch;
  }
  const last = parseLine(buffer);
  if (last) yield [last];
  if (last?.type !== 'finish') {
    throw new ProviderError('provider_error', 'Ollama closed the stream before the reply finished.');
  }
}

function parseLine(line: string): ProviderChunk | null {
  if (line.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (cause) {
    throw new ProviderError('provider_error', 'Ollama sent a stream line that is not JSON.', { cause });
  }
  const common = readCommonLine(json);
  if (common !== undefined) return common;
  const parsed = OllamaLine.safeParse(json);
  if (!parsed.success) {
    throw new ProviderError('provider_error', 'Ollama sent a stream line of an unexpected shape.', {
      cause: parsed.error,
    });
  }
  const { data } = parsed;
  if (data.error !== undefined) {
    throw new ProviderError('provider_error', `Ollama reported an error mid-stream: ${data.error}`);
  }
  if (data.done) {
    const counted = data.prompt_eval_count !== undefined || data.eval_count !== undefined;
    return {
      type: 'finish',
      reason: mapDoneReason(data.done_reason),
      // Ollama leaves out prompt_eval_count when the whole prompt came from its cache.
      usage: counted
        ? { inputTokens: data.prompt_eval_count ?? 0, outputTokens: data.eval_count ?? 0 }
        : null,
    };
  }
  const content = data.message?.content;
  return content ? { type: 'delta', text: content } : null;
}

/**
 * A line in the middle of a reply — `done: false`, no error, a string `content` — read with plain
 * property checks rather than the schema (the per-delta cost, bench/sse.mjs). `undefined` for
 * anything else, which goes through the schema: what is accepted or refused does not change.
 */
function readCommonLine(json: unknown): ProviderChunk | null | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const line = json as Record<string, unknown>;
  if (line.done !== false || line.error !== undefined) return undefined;
  // Fields the schema checks even on a line that does not use them.
  if (line.done_reason !== undefined && typeof line.done_reason !== 'string') return undefined;
  if (line.prompt_eval_count !== undefined && typeof line.prompt_eval_count !== 'number') return undefined;
  if (line.eval_count !== undefined && typeof line.eval_count !== 'number') return undefined;
  const { message } = line;
  if (typeof message !== 'object' || message === null) return undefined;
  const { content } = message as Record<string, unknown>;
  if (typeof content !== 'string') return undefined;
  return content ? { type: 'delta', text: content } : null;
}

function mapDoneReason(reason: string | undefined): FinishReason {
  if (reason === 'stop' || reason === 'length') return reason;
  // `load`/`unload` (no generation) or a newer value: still a finished stream.
  return reason === undefined ? 'stop' : 'other';
}
