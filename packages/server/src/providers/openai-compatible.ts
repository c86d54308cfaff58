/**
 * Any server speaking OpenAI's chat completions API: OpenAI, Groq, Together, vLLM, LM Studio,
 * llama.cpp, Ollama's `/v1`, … Tools go out as `tools` (function tools), calls and results come
 * back into the context as `assistant` messages with `tool_calls` and `tool` messages; images
 * attached to a user turn as `image_url` content parts; the stream is read in `openai-stream.ts`.
 */
import { imagesOf, userTurnText } from './attached-files.js';
import { contextSeed } from './call-ids.js';
import { keepAliveFetch } from './keep-alive-fetch.js';
import { readCompletionStream } from './openai-stream.js';
import {
  batchedProvider,
  type ChatTurn,
  type Provider,
  type ProviderChunk,
  type StreamRequest,
  type ToolSpec,
} from './provider.js';
import { type ProviderTimeouts, streamBatchesWithTimeouts, type Timers } from './timeouts.js';
import { describeNetworkError, type FetchFunction, hostOf, httpError } from './upstream.js';

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
  /** Default: a `node:http` transport that keeps connections to the upstream alive (one TCP + TLS handshake per connection, not per request). */
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
    tools,
    signal,
  }: StreamRequest): AsyncIterable<readonly ProviderChunk[]> {
    const doFetch = options.fetch ?? keepAliveFetch;
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
            messages: messages.map(toOpenAIMessage),
            // No tools → no `tools` field at all: some servers refuse an empty list.
            ...(tools?.length ? { tools: tools.map(toFunctionTool) } : {}),
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
      read: (response) =>
        readCompletionStream(response, {
          providerName: displayName,
          secrets,
          callSeed: contextSeed(messages),
        }),
      describeFailure: (phase, error) =>
        phase === 'connect'
          ? `Could not reach ${displayName} at ${hostOf(options.baseUrl)}: ${describeNetworkError(error)}.`
          : `The connection to ${displayName} dropped in the middle of the reply: ${describeNetworkError(error)}.`,
    });
  }
}

/**
 * A tool as OpenAI's `tools` list takes it — a function whose `parameters` is the input's JSON
 * Schema — and Ollama's, which takes the same shape.
 */
export function toFunctionTool(tool: ToolSpec) {
  return {
    type: 'function' as const,
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  };
}

/**
 * A context turn as a chat completions message. An assistant turn that called tools carries them
 * as `tool_calls` (arguments as JSON text, the form the model sent them in) and `content: null`
 * when it said nothing, as the API documents for a turn that only called tools; each result is a
 * `tool` message answering its call's id.
 */
function toOpenAIMessage(turn: ChatTurn) {
  switch (turn.role) {
    case 'tool':
      return { role: 'tool' as const, tool_call_id: turn.toolCallId, content: turn.content };
    case 'assistant':
      if (!turn.toolCalls?.length) return { role: 'assistant' as const, content: turn.content };
      return {
        role: 'assistant' as const,
        content: turn.content || null,
        tool_calls: turn.toolCalls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
        })),
      };
    case 'user':
      return toOpenAIUserMessage(turn);
    default:
      return { role: turn.role, content: turn.content };
  }
}

/**
 * A user turn: its text (with the text of its files, `attached-files.ts`) as a string, as before
 * attachments existed; with images, `content` becomes a list of parts — the text, then each image
 * as an `image_url` data URL (the bytes inline: a signed URL would make the upstream fetch our
 * server, which it often cannot reach).
 */
function toOpenAIUserMessage(turn: Extract<ChatTurn, { role: 'user' }>) {
  const text = userTurnText(turn);
  const images = imagesOf(turn);
  if (images.length === 0) return { role: 'user' as const, content: text };
  return {
    role: 'user' as const,
    content: [
      { type: 'text' as const, text },
      ...images.map((image) => ({
        type: 'image_url' as const,
        image_url: { url: `data:${image.mediaType};base64,${image.base64}` },
      })),
    ],
  };
}
