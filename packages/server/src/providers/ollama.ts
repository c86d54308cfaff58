/**
 * A local Ollama server through its native `/api/chat` NDJSON stream, which, unlike its
 * OpenAI-compatible `/v1`, reports token counts on every version and says when a model is
 * missing in words a user can act on.
 *
 * Tools go out as `tools` (function tools, as OpenAI's); Ollama sends each call whole, its
 * `arguments` an object and (in older versions) no id, in a `message.tool_calls` line: we hand it
 * on as a call's start and one input piece, with an id made from the context when there is none.
 * A thinking model's thoughts come as `message.thinking` (asked for with `think: true`). Images
 * attached to a user turn go as the message's `images` (base64).
 */
import * as z from 'zod/mini';
import { imagesOf, userTurnText } from './attached-files.js';
import { type CallSeed, contextSeed, generatedCallId } from './call-ids.js';
import { keepAliveFetch } from './keep-alive-fetch.js';
import { toFunctionTool } from './openai-compatible.js';
import {
  batchedProvider,
  type ChatTurn,
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
  /** Default: a `node:http` transport that keeps connections to the upstream alive (one TCP + TLS handshake per connection, not per request). */
  fetch?: FetchFunction;
  /**
   * Connect, first-token and idle limits; see {@link ProviderTimeouts}. The first-token
   * default (60 s) leaves room for Ollama loading a model into memory on first use.
   */
  timeouts?: ProviderTimeouts;
  timers?: Timers;
  /**
   * Send `think: true`: a thinking model (qwen3, deepseek-r1, gpt-oss, …) then streams its
   * thoughts apart from its answer, as `reasoning` chunks. Default `false`, and leave it so for
   * other models — Ollama refuses `think` for a model that cannot think (400). Set it per alias
   * with `"think": true` in `CHATWIRE_MODELS`.
   */
  think?: boolean;
}

const OllamaToolCall = z.object({
  // Newer Ollama versions give each call an id; older ones do not.
  id: z.optional(z.string()),
  function: z.object({ name: z.string(), arguments: z.optional(z.unknown()) }),
});
const OllamaLine = z.object({
  message: z.optional(
    z.object({
      content: z.optional(z.string()),
      thinking: z.optional(z.string()),
      tool_calls: z.optional(z.nullable(z.array(OllamaToolCall))),
    }),
  ),
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
    tools,
    signal,
  }: StreamRequest): AsyncIterable<readonly ProviderChunk[]> {
    const doFetch = options.fetch ?? keepAliveFetch;
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
          body: JSON.stringify({
            model,
            messages: messages.map(toOllamaMessage),
            // No tools → no `tools` field at all: Ollama refuses tools for a model without them.
            ...(tools?.length ? { tools: tools.map(toFunctionTool) } : {}),
            ...(options.think ? { think: true } : {}),
            stream: true,
          }),
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
      read: (response) => readChatStream(response, contextSeed(messages)),
      describeFailure: (phase, error) =>
        phase === 'connect'
          ? `Could not reach Ollama at ${hostOf(baseUrl)}: ${describeNetworkError(error)}. Is \`ollama serve\` running?`
          : `The connection to Ollama dropped in the middle of the reply: ${describeNetworkError(error)}.`,
    });
  }
}

/**
 * A context turn as an Ollama chat message. An assistant turn's calls go back as `tool_calls` with
 * `arguments` an object — Ollama decodes them into a map and refuses anything else, so an input
 * that is not an object (the model sent invalid JSON) goes back as `{}`; each result is a `tool`
 * message naming its tool (`tool_name`), as Ollama's API takes it.
 */
function toOllamaMessage(turn: ChatTurn) {
  switch (turn.role) {
    case 'tool':
      return { role: 'tool' as const, content: turn.content, tool_name: turn.toolName };
    case 'assistant':
      if (!turn.toolCalls?.length) return { role: 'assistant' as const, content: turn.content };
      return {
        role: 'assistant' as const,
        content: turn.content,
        tool_calls: turn.toolCalls.map((call) => ({
          function: { name: call.name, arguments: isRecord(call.input) ? call.input : {} },
        })),
      };
    case 'user': {
      // Ollama takes a message's images as base64 beside its text (a model without vision ignores them).
      const images = imagesOf(turn);
      const content = userTurnText(turn);
      return images.length === 0
        ? { role: 'user' as const, content }
        : { role: 'user' as const, content, images: images.map((image) => image.base64) };
    }
    default:
      return { role: turn.role, content: turn.content };
  }
}

/** Where a stream is: the seed of the ids made for its calls, and how many calls it made. */
interface ChatStreamState {
  callSeed: CallSeed;
  calls: number;
}

/** Reads one JSON object per line until `done: true`, yielding the chunks of each network read together. */
async function* readChatStream(
  response: Response,
  callSeed: CallSeed,
): AsyncGenerator<readonly ProviderChunk[]> {
  const state: ChatStreamState = { callSeed, calls: 0 };
  let buffer = '';
  for await (const text of readText(response.body)) {
    buffer += text;
    // A network chunk may end mid-line or hold several lines: keep the unfinished tail.
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    const batch: ProviderChunk[] = [];
    for (const line of lines) {
      try {
        readLine(line, state, batch);
      } catch (error) {
        // The chunks before the failure are part of the partial reply that is kept.
        if (batch.length > 0) yield batch;
        throw error;
      }
      if (batch.at(-1)?.type === 'finish') {
        yield batch;
        return;
      }
    }
    if (batch.length > 0) yield batch;
  }
  const last: ProviderChunk[] = [];
  readLine(buffer, state, last);
  if (last.length > 0) yield last;
  if (last.at(-1)?.type !== 'finish') {
    throw new ProviderError('provider_error', 'Ollama closed the stream before the reply finished.');
  }
}

/** Appends what one line says to `batch`: reasoning, text, tool calls, or the finish. */
function readLine(line: string, state: ChatStreamState, batch: ProviderChunk[]): void {
  if (line.trim() === '') return;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (cause) {
    throw new ProviderError('provider_error', 'Ollama sent a stream line that is not JSON.', { cause });
  }
  if (readCommonLine(json, batch)) return;
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
  const message = data.message;
  if (message?.thinking) batch.push({ type: 'reasoning', text: message.thinking });
  if (message?.content) batch.push({ type: 'delta', text: message.content });
  for (const call of message?.tool_calls ?? []) {
    const { name } = call.function;
    const args = argumentsText(call.function.arguments);
    const toolCallId = call.id || generatedCallId(state.calls, state.callSeed(), name, args);
    state.calls += 1;
    batch.push({ type: 'tool-input-start', toolCallId, toolName: name });
    batch.push({ type: 'tool-input-delta', toolCallId, delta: args });
  }
  if (data.done) {
    const counted = data.prompt_eval_count !== undefined || data.eval_count !== undefined;
    batch.push({
      type: 'finish',
      reason: mapDoneReason(data.done_reason, state.calls),
      // Ollama leaves out prompt_eval_count when the whole prompt came from its cache.
      usage: counted
        ? { inputTokens: data.prompt_eval_count ?? 0, outputTokens: data.eval_count ?? 0 }
        : null,
    });
  }
}

/** A call's arguments as JSON text: an object from Ollama, a string from some proxies, none as `{}`. */
function argumentsText(value: unknown): string {
  if (value == null) return '{}';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A line in the middle of a reply — `done: false`, no error, a string `content` and perhaps
 * `thinking`, no tool calls — read with plain property checks rather than the schema (the
 * per-delta cost, bench/sse.mjs); `true` when it was. Anything else goes through the schema: what
 * is accepted or refused does not change.
 */
function readCommonLine(json: unknown, batch: ProviderChunk[]): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const line = json as Record<string, unknown>;
  if (line.done !== false || line.error !== undefined) return false;
  // Fields the schema checks even on a line that does not use them.
  if (line.done_reason !== undefined && typeof line.done_reason !== 'string') return false;
  if (line.prompt_eval_count !== undefined && typeof line.prompt_eval_count !== 'number') return false;
  if (line.eval_count !== undefined && typeof line.eval_count !== 'number') return false;
  const { message } = line;
  if (typeof message !== 'object' || message === null) return false;
  const { content, thinking, tool_calls: toolCalls } = message as Record<string, unknown>;
  if (typeof content !== 'string') return false;
  if (thinking !== undefined && typeof thinking !== 'string') return false;
  if (toolCalls != null) return false;
  if (thinking) batch.push({ type: 'reasoning', text: thinking });
  if (content) batch.push({ type: 'delta', text: content });
  return true;
}

/**
 * The contract's finish reasons. Ollama says `stop` after tool calls too: a reply that made calls
 * finished to have them run (unless it was cut at the length limit).
 */
function mapDoneReason(reason: string | undefined, toolCalls: number): FinishReason {
  if (reason === 'length') return reason;
  if (toolCalls > 0) return 'tool_calls';
  if (reason === 'stop') return reason;
  // `load`/`unload` (no generation) or a newer value: still a finished stream.
  return reason === undefined ? 'stop' : 'other';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
