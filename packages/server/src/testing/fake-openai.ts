/**
 * A fake OpenAI-compatible `POST /v1/chat/completions` that streams recorded chunks in the
 * documented wire format: `data: {chunk}\n\n` events, the `choices: []` usage chunk only when
 * `stream_options.include_usage` asks for it, then `data: [DONE]`; errors as
 * `{ "error": { "message", "type", "param", "code" } }`. Like OpenAI, it refuses a context whose
 * tool messages do not answer the calls before them (turn off with `validate: false`).
 *
 * @example
 * const fake = await startFakeOpenAI({ interrupt: { afterChunks: 3, with: 'drop' } });
 * const provider = createOpenAICompatibleProvider({ baseUrl: `${fake.url}/v1`, apiKey: 'sk-test' });
 */

import {
  type FakeExchange,
  type FakeServerHandle,
  type RecordedRequest,
  type StreamTiming,
  startFakeServer,
  writePayloads,
} from './fake-http.js';
import { loadFixture } from './fixtures.js';

export type { FakeServerHandle, RecordedRequest } from './fake-http.js';

/** OpenAI's error object. */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  param?: string | null;
  code: string | null;
}

/** What the fake does with one request. */
export interface FakeOpenAIScript extends StreamTiming {
  /** Answer with this (non-2xx) status and an error body instead of a stream. */
  status?: number;
  /** The error body for `status`; default: what OpenAI sends for that status. */
  errorBody?: unknown;
  /** Extra response headers (`retry-after`, …). */
  headers?: Record<string, string>;
  /** The `data:` payloads to stream. Default: the `openai-text.chunks.txt` fixture. */
  chunks?: readonly string[];
  /** Cut the stream after `afterChunks` payloads: hang, cut the socket, or send an error event. */
  interrupt?: { afterChunks: number; with: 'stall' | 'drop' | 'error'; error?: OpenAIErrorObject };
  /** Send `data: [DONE]` at the end. Default `true`. */
  done?: boolean;
  /** When set, requests without `Authorization: Bearer <apiKey>` get OpenAI's 401. */
  apiKey?: string;
  /**
   * Refuse a request that carries `tools`, as a server without tool support does (vLLM started
   * without `--enable-auto-tool-choice`): 400.
   */
  refuseTools?: boolean;
  /**
   * Check the request as OpenAI does before it streams, answering its 400 for: an empty `tools`
   * list; a `tool` message that answers no call of the assistant message before it; an assistant
   * message whose calls are not each answered by the `tool` messages right after it; a call whose
   * `arguments` are missing or not a string, or whose id is over 40 characters. Default `true`.
   */
  validate?: boolean;
}

/** The fake's error bodies, worded as OpenAI words them (the 401 quotes a masked key back). */
export function openAIErrorBody(status: number, model = 'gpt-4o-mini'): { error: OpenAIErrorObject } {
  switch (status) {
    case 401:
      return {
        error: {
          message:
            'Incorrect API key provided: sk-test*******************1234. You can find your API key at https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      };
    case 404:
      return {
        error: {
          message: `The model \`${model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      };
    case 429:
      return {
        error: {
          message: `Rate limit reached for ${model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`,
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      };
    default:
      return {
        error: {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        },
      };
  }
}

/**
 * Starts a fake OpenAI-compatible API on 127.0.0.1 (a free port): `POST <url>/v1/chat/completions`
 * streams the `openai-text.chunks.txt` recording (its text is {@link FIXTURE_TEXT}) unless
 * `script` says otherwise. `script` may be a function, to answer each request differently; every
 * request is kept in `requests`.
 *
 * @example
 * ```ts
 * let calls = 0; // a 429 first, then the recorded stream
 * const fake = await startFakeOpenAI(() => (++calls === 1 ? { status: 429, headers: { 'retry-after': '1' } } : {}));
 * const models = resolveModels({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` });
 * const stalled = await startFakeOpenAI({ interrupt: { afterChunks: 3, with: 'stall' } });
 * ```
 */
export function startFakeOpenAI(
  script: FakeOpenAIScript | ((request: RecordedRequest) => FakeOpenAIScript) = {},
): Promise<FakeServerHandle> {
  return startFakeServer(async (exchange) => {
    const { request, response } = exchange;
    const plan = typeof script === 'function' ? script(request) : script;
    await exchange.wait(plan.headersDelayMs ?? 0);
    if (exchange.isClosed()) return;

    const body = isRecord(request.body) ? request.body : {};
    const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
    if (request.method !== 'POST' || !request.path.endsWith('/chat/completions')) {
      return sendJson(exchange, 404, {
        error: { message: `Unknown path ${request.path}`, type: 'invalid_request_error', code: null },
      });
    }
    if (plan.apiKey !== undefined && request.headers.authorization !== `Bearer ${plan.apiKey}`) {
      return sendJson(exchange, 401, openAIErrorBody(401, model));
    }
    if (plan.status !== undefined) {
      return sendJson(
        exchange,
        plan.status,
        plan.errorBody ?? openAIErrorBody(plan.status, model),
        plan.headers,
      );
    }
    if (plan.refuseTools && body.tools !== undefined) {
      return sendJson(exchange, 400, {
        object: 'error',
        message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
        type: 'BadRequestError',
        param: null,
        code: 400,
      });
    }
    const problem = plan.validate === false ? null : requestProblem(body);
    if (problem) return sendJson(exchange, 400, { error: problem });
    if (body.stream !== true) {
      return sendJson(exchange, 400, {
        error: {
          message: 'This fake only streams: send "stream": true.',
          type: 'invalid_request_error',
          code: null,
        },
      });
    }

    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    // Without include_usage OpenAI sends no usage chunk (and `usage` is absent elsewhere).
    const chunks = (plan.chunks ?? loadFixture('openai-text.chunks.txt')).filter(
      (chunk) => includeUsage || !isUsageChunk(chunk),
    );
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': `req_fake_${Math.random().toString(36).slice(2, 10)}`,
      ...plan.headers,
    });
    response.flushHeaders();

    const cut = plan.interrupt?.afterChunks ?? Number.POSITIVE_INFINITY;
    const first = { value: true };
    const sent = await writePayloads(exchange, chunks.slice(0, cut).map(sseEvent), plan, first);
    if (!sent) return;
    switch (plan.interrupt?.with) {
      case 'stall':
        // Keep the connection open, silent, until the client gives up or the fake closes.
        return exchange.request.closed;
      case 'drop':
        return exchange.drop();
      case 'error': {
        const error = plan.interrupt.error ?? openAIErrorBody(500).error;
        await writePayloads(exchange, [sseEvent(JSON.stringify({ error }))], plan, first);
        return void response.end();
      }
    }
    if (plan.done !== false) await writePayloads(exchange, [sseEvent('[DONE]')], plan, first);
    response.end();
  });
}

/** What OpenAI refuses in a request's `tools` and tool messages, worded as it words it. */
function requestProblem(body: Record<string, unknown>): OpenAIErrorObject | null {
  const invalid = (message: string, param: string, code: string | null = null): OpenAIErrorObject => ({
    message,
    type: 'invalid_request_error',
    param,
    code,
  });
  if (Array.isArray(body.tools) && body.tools.length === 0) {
    return invalid(
      "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'tools',
      'empty_array',
    );
  }
  const messages = Array.isArray(body.messages) ? body.messages : [];
  // The calls of the last assistant message still waiting for their `tool` messages.
  let pending: { at: number; ids: Set<string> } | null = null;
  const unanswered = ({ at, ids }: { at: number; ids: Set<string> }) =>
    invalid(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...ids].join(', ')}`,
      `messages.[${at}].role`,
    );
  for (const [at, message] of messages.entries()) {
    const role = isRecord(message) ? message.role : undefined;
    if (role === 'tool') {
      const id = isRecord(message) ? message.tool_call_id : undefined;
      if (pending === null) {
        return invalid(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${at}].role`,
        );
      }
      if (typeof id !== 'string' || !pending.ids.delete(id)) {
        return invalid(
          `Invalid parameter: 'tool_call_id' of '${String(id)}' not found in 'tool_calls' of previous message.`,
          `messages.[${at}].tool_call_id`,
        );
      }
      continue;
    }
    if (pending !== null && pending.ids.size > 0) return unanswered(pending);
    pending = null;
    const calls = isRecord(message) && Array.isArray(message.tool_calls) ? message.tool_calls : [];
    for (const [i, call] of calls.entries()) {
      const problem = toolCallProblem(call, `messages[${at}].tool_calls[${i}]`);
      if (problem) return problem;
    }
    if (role === 'assistant' && calls.length > 0) {
      pending = { at, ids: new Set(calls.map((call) => (isRecord(call) ? String(call.id) : ''))) };
    }
  }
  return pending !== null && pending.ids.size > 0 ? unanswered(pending) : null;
}

/**
 * What OpenAI refuses in one call of an assistant message: an id over 40 characters, and
 * `arguments` missing or not JSON text (an object, as Ollama takes them).
 */
function toolCallProblem(call: unknown, param: string): OpenAIErrorObject | null {
  const { id, function: fn } = isRecord(call) ? call : {};
  if (typeof id === 'string' && id.length > 40) {
    return {
      message: `Invalid '${param}.id': string too long. Expected a string with maximum length 40, but got a string with length ${id.length} instead.`,
      type: 'invalid_request_error',
      param: `${param}.id`,
      code: 'string_above_max_length',
    };
  }
  const args = isRecord(fn) ? fn.arguments : undefined;
  if (args === undefined) {
    return {
      message: `Missing required parameter: '${param}.function.arguments'.`,
      type: 'invalid_request_error',
      param: `${param}.function.arguments`,
      code: 'missing_required_parameter',
    };
  }
  if (typeof args !== 'string') {
    const got =
      args === null
        ? 'null'
        : Array.isArray(args)
          ? 'an array'
          : typeof args === 'object'
            ? 'an object'
            : `a ${typeof args}`;
    return {
      message: `Invalid type for '${param}.function.arguments': expected a string, but got ${got} instead.`,
      type: 'invalid_request_error',
      param: `${param}.function.arguments`,
      code: 'invalid_type',
    };
  }
  return null;
}

function sseEvent(data: string): string {
  return `data: ${data}\n\n`;
}

function isUsageChunk(chunk: string): boolean {
  const parsed: unknown = JSON.parse(chunk);
  return (
    isRecord(parsed) && Array.isArray(parsed.choices) && parsed.choices.length === 0 && parsed.usage != null
  );
}

function sendJson(
  exchange: FakeExchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  exchange.response.writeHead(status, { 'content-type': 'application/json', ...headers });
  exchange.response.end(JSON.stringify(body));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
