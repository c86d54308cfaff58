/**
 * A fake Ollama `POST /api/chat` that streams recorded NDJSON lines as Ollama does: one JSON
 * object per line, the last with `done: true`, `done_reason`, `prompt_eval_count` and
 * `eval_count`; errors as `{ "error": "…" }`, both as a whole body and as a line mid-stream.
 *
 * @example
 * const fake = await startFakeOllama({ writes: { bytes: 5 } });
 * const provider = createOllamaProvider({ baseUrl: fake.url });
 */

import {
  type FakeServerHandle,
  type RecordedRequest,
  type StreamTiming,
  startFakeServer,
  writePayloads,
} from './fake-http.js';
import { loadFixture } from './fixtures.js';

export type { FakeServerHandle, RecordedRequest } from './fake-http.js';

/** What the fake does with one request. */
export interface FakeOllamaScript extends StreamTiming {
  /** Answer with this (non-2xx) status and `{ "error": errorMessage }`. */
  status?: number;
  /** Default: what Ollama says for that status (404: the model is not pulled). */
  errorMessage?: string;
  /** The NDJSON lines (without newlines). Default: the `ollama-text.ndjson` fixture. */
  lines?: readonly string[];
  /** Cut the stream after `afterLines` lines: hang, cut the socket, or send an error line. */
  interrupt?: { afterLines: number; with: 'stall' | 'drop' | 'error'; error?: string };
  /** Refuse a request that carries `tools`, as Ollama does for a model without tool support: 400. */
  refuseTools?: boolean;
  /** Refuse `think: true`, as Ollama does for a model that cannot think: 400. */
  refuseThinking?: boolean;
}

/**
 * Starts a fake Ollama on 127.0.0.1 (a free port): `POST <url>/api/chat` streams the
 * `ollama-text.ndjson` recording (its text is {@link FIXTURE_TEXT}) unless `script` says
 * otherwise. `script` may be a function, to answer each request differently; every request is
 * kept in `requests`.
 *
 * @example
 * ```ts
 * const fake = await startFakeOllama({ writes: { bytes: 5 } }); // UTF-8 split across TCP writes
 * const models = resolveModels({ OLLAMA_URL: fake.url }); // the `local` alias
 * const missing = await startFakeOllama({ status: 404 }); // model "llama3.2" not found
 * ```
 */
export function startFakeOllama(
  script: FakeOllamaScript | ((request: RecordedRequest) => FakeOllamaScript) = {},
): Promise<FakeServerHandle> {
  return startFakeServer(async (exchange) => {
    const { request, response } = exchange;
    const plan = typeof script === 'function' ? script(request) : script;
    await exchange.wait(plan.headersDelayMs ?? 0);
    if (exchange.isClosed()) return;

    const body =
      typeof request.body === 'object' && request.body !== null
        ? (request.body as Record<string, unknown>)
        : {};
    const model = typeof body.model === 'string' ? body.model : 'llama3.2';
    const sendError = (status: number, message: string) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ error: message }));
    };
    if (request.method !== 'POST' || request.path !== '/api/chat')
      return sendError(404, '404 page not found');
    if (plan.status !== undefined) {
      const fallback =
        plan.status === 404
          ? `model "${model}" not found, try pulling it first`
          : 'an internal error occurred';
      return sendError(plan.status, plan.errorMessage ?? fallback);
    }
    if (body.stream === false) return sendError(400, 'this fake only streams: send "stream": true');
    if (plan.refuseTools && Array.isArray(body.tools) && body.tools.length > 0) {
      return sendError(400, `registry.ollama.ai/library/${model}:latest does not support tools`);
    }
    if (plan.refuseThinking && body.think !== undefined && body.think !== false) {
      return sendError(400, `"${model}" does not support thinking`);
    }
    const problem = messagesProblem(body.messages);
    if (problem) return sendError(400, problem);

    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.flushHeaders();
    const lines = plan.lines ?? loadFixture('ollama-text.ndjson');
    const cut = plan.interrupt?.afterLines ?? Number.POSITIVE_INFINITY;
    const first = { value: true };
    const sent = await writePayloads(
      exchange,
      lines.slice(0, cut).map((line) => `${line}\n`),
      plan,
      first,
    );
    if (!sent) return;
    switch (plan.interrupt?.with) {
      case 'stall':
        return exchange.request.closed;
      case 'drop':
        return exchange.drop();
      case 'error': {
        const line = JSON.stringify({
          error: plan.interrupt.error ?? 'an error was encountered while running the model',
        });
        await writePayloads(exchange, [`${line}\n`], plan, first);
        break;
      }
    }
    response.end();
  });
}

/**
 * What Ollama refuses in `messages` as it decodes the request: a call whose `arguments` are not an
 * object (Ollama's Go type for them is a map; OpenAI's JSON text is refused), in Go's words.
 */
function messagesProblem(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  for (const message of messages) {
    const calls = isRecord(message) && Array.isArray(message.tool_calls) ? message.tool_calls : [];
    for (const call of calls) {
      const args = isRecord(call) && isRecord(call.function) ? call.function.arguments : undefined;
      if (args === undefined || args === null || isRecord(args)) continue;
      const kind = Array.isArray(args) ? 'array' : typeof args === 'boolean' ? 'bool' : typeof args;
      return `json: cannot unmarshal ${kind} into Go struct field ChatRequest.messages.tool_calls.function.arguments of type api.ToolCallFunctionArguments`;
    }
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
