/**
 * Reading an OpenAI-compatible chat completions stream: `data: {chunk}` events until
 * `data: [DONE]`, turned into provider chunks — text, reasoning, and tool calls streamed in pieces
 * (`openai-tool-calls.ts`).
 */
import type { Usage } from '@chatwire/sdk/contracts';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import * as z from 'zod/mini';
import type { CallSeed } from './call-ids.js';
import {
  argumentsText,
  readArgumentsPiece,
  type ToolCallPiece,
  ToolCallTracker,
} from './openai-tool-calls.js';
import { type FinishReason, type ProviderChunk, ProviderError } from './provider.js';
import { extractUpstreamMessage, readText, redactSecrets } from './upstream.js';

// Only the fields we use; everything else in a chunk is ignored (servers add their own).
const ChunkUsage = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() });
const ToolCallDelta = z.object({
  index: z.optional(z.number()),
  id: z.optional(z.nullable(z.string())),
  function: z.optional(
    z.nullable(
      z.object({
        name: z.optional(z.nullable(z.string())),
        // A string everywhere we know of; an object is taken too (stringified), not refused.
        arguments: z.optional(z.nullable(z.unknown())),
      }),
    ),
  ),
});
const CompletionChunk = z.object({
  choices: z.optional(
    z.array(
      z.object({
        index: z.optional(z.number()),
        delta: z.optional(
          z.nullable(
            z.object({
              content: z.optional(z.nullable(z.string())),
              // Reasoning fields are servers' extensions: one that is not a string is ignored,
              // not a reason to fail the reply.
              reasoning_content: z.optional(z.unknown()),
              reasoning: z.optional(z.unknown()),
              tool_calls: z.optional(z.nullable(z.array(ToolCallDelta))),
              // The deprecated `functions` API: one call, no index, no id.
              function_call: z.optional(
                z.nullable(
                  z.object({
                    name: z.optional(z.nullable(z.string())),
                    arguments: z.optional(z.nullable(z.unknown())),
                  }),
                ),
              ),
            }),
          ),
        ),
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

/** What one chunk says: the fields we use, read by {@link readChunk}. */
interface ChunkReading {
  content: string | null | undefined;
  reasoning: string | null | undefined;
  toolCalls: readonly ToolCallPiece[] | undefined;
  finishReason: string | null | undefined;
  usage: Usage | null;
}

/** What the reader needs besides the response. */
export interface CompletionStreamContext {
  providerName: string;
  secrets: readonly (string | undefined)[];
  /** Seeds the ids made for calls a server sends without one (see `call-ids.ts`). */
  callSeed: CallSeed;
}

/**
 * Reads `data: {chunk}` events until `data: [DONE]`, yielding the chunks of each network read
 * together, then one finish.
 */
export async function* readCompletionStream(
  response: Response,
  context: CompletionStreamContext,
): AsyncGenerator<readonly ProviderChunk[]> {
  const { providerName, secrets } = context;
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const calls = new ToolCallTracker(context.callSeed);
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
        // Reasoning comes before the text it leads to, should a server send both in one chunk.
        if (chunk.reasoning) batch.push({ type: 'reasoning', text: chunk.reasoning });
        if (chunk.content) batch.push({ type: 'delta', text: chunk.content });
        if (chunk.toolCalls) calls.read(chunk.toolCalls, batch);
        if (chunk.finishReason) finishReason = chunk.finishReason;
        if (chunk.usage) usage = chunk.usage;
      } catch (error) {
        failure = error;
        break;
      }
    }
    events.length = 0;
    if (failure !== undefined) {
      // The chunks before the failure are part of the partial reply that is kept.
      if (batch.length > 0) yield batch;
      throw failure;
    }
    if (done) {
      batch.push({ type: 'finish', reason: mapFinishReason(finishReason, calls.count), usage });
      yield batch;
      return;
    }
    if (batch.length > 0) yield batch;
  }
  // Some compatible servers omit `[DONE]`; a finish_reason is then proof enough the reply ended.
  if (finishReason === null) {
    throw new ProviderError('provider_error', `${providerName} closed the stream before the reply finished.`);
  }
  yield [{ type: 'finish', reason: mapFinishReason(finishReason, calls.count), usage }];
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
  const delta = choice?.delta;
  const reported = chunk.usage ?? chunk.x_groq?.usage;
  return {
    content: delta?.content,
    reasoning: reasoningOf(delta?.reasoning_content, delta?.reasoning),
    toolCalls: delta ? toolCallPieces(delta) : undefined,
    finishReason: choice?.finish_reason,
    usage: reported
      ? { inputTokens: reported.prompt_tokens, outputTokens: reported.completion_tokens }
      : null,
  };
}

type Delta = NonNullable<NonNullable<CompletionChunk['choices']>[number]['delta']>;

function toolCallPieces(delta: Delta): ToolCallPiece[] | undefined {
  const pieces: ToolCallPiece[] = (delta.tool_calls ?? []).map((call) => ({
    index: call.index,
    id: call.id,
    name: call.function?.name,
    arguments: argumentsText(call.function?.arguments),
  }));
  if (delta.function_call) {
    const { name, arguments: args } = delta.function_call;
    pieces.push({ index: 'function_call', id: undefined, name, arguments: argumentsText(args) });
  }
  return pieces.length > 0 ? pieces : undefined;
}

/**
 * `reasoning_content` (DeepSeek, vLLM) or `reasoning` (Groq, OpenRouter, newer vLLM). A server
 * moving from one name to the other may send both, with the same text: the first is taken alone.
 */
function reasoningOf(reasoningContent: unknown, reasoning: unknown): string | undefined {
  if (typeof reasoningContent === 'string' && reasoningContent !== '') return reasoningContent;
  return typeof reasoning === 'string' ? reasoning : undefined;
}

/**
 * The chunk nearly every delta comes in — one choice, index 0, a string (or no) `content` or
 * reasoning, or a call's next arguments piece; no usage, no error — read with plain property
 * checks: the schema cost more than the rest of the per-delta work together (bench/sse.mjs).
 * `undefined` for anything else (a call's first piece included), which then goes through the
 * schema, so what is accepted or refused does not change.
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
  if (delta == null) {
    return { content: undefined, reasoning: undefined, toolCalls: undefined, finishReason, usage: null };
  }
  if (typeof delta !== 'object') return undefined;
  const fields = delta as Record<string, unknown>;
  const { content } = fields;
  if (content != null && typeof content !== 'string') return undefined;
  if (fields.function_call != null) return undefined;
  // Some servers send `tool_calls: []` (or null) on every delta: that is no call.
  const { tool_calls: toolCalls } = fields;
  let pieces: ToolCallPiece[] | undefined;
  if (toolCalls != null && !(Array.isArray(toolCalls) && toolCalls.length === 0)) {
    pieces = readArgumentsPiece(toolCalls);
    if (pieces === undefined) return undefined;
  }
  const reasoning = reasoningOf(fields.reasoning_content, fields.reasoning);
  return { content, reasoning, toolCalls: pieces, finishReason, usage: null };
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

/**
 * The contract's finish reasons. A reply that made tool calls finished to have them run, whatever
 * the server called it: OpenAI itself says `stop` when `tool_choice` forced a function, and some
 * compatible servers always do. Only `length` and `content_filter` (cut short: the calls' input
 * may be incomplete) say more.
 */
function mapFinishReason(reason: string | null, toolCalls: number): FinishReason {
  switch (reason) {
    case 'length':
    case 'content_filter':
      return reason;
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      if (toolCalls > 0) return 'tool_calls';
      // A server's own value, or none at all.
      return reason === 'stop' ? 'stop' : 'other';
  }
}
