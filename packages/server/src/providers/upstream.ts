/**
 * HTTP plumbing shared by the HTTP providers: reading a body as text, turning error answers
 * into useful messages, and keeping secrets out of those messages.
 */
import { ProviderError } from './provider.js';

/** A `fetch` compatible with the global one, injectable for tests and proxies. */
export type FetchFunction = typeof fetch;

/** The longest error body we read: enough for any provider's JSON error, bounded against junk. */
const ERROR_BODY_LIMIT = 8 * 1024;
const UPSTREAM_MESSAGE_LIMIT = 300;

/**
 * Yields a response body as UTF-8 text pieces. The decoder is streaming, so a multi-byte
 * character split across two network chunks comes out whole.
 */
export async function* readText(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string> {
  if (body === null) return;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (text !== '') yield text;
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } finally {
    // Stopping early (finish seen, caller gone) must release the connection.
    reader.cancel().catch(() => {});
  }
}

/** The values of custom headers that carry credentials: kept out of every error message. */
export function secretHeaderValues(headers: Record<string, string> | undefined): string[] {
  return Object.entries(headers ?? {})
    .filter(([header]) => /auth|key|token|secret/i.test(header))
    .map(([, value]) => value);
}

/** What a provider needs to word an HTTP error answer. */
export interface HttpErrorContext {
  providerName: string;
  model: string;
  /** Every secret that must never appear in the message (API keys, custom auth headers). */
  secrets: readonly (string | undefined)[];
  /** What to say on 401/403, e.g. "Check OPENAI_API_KEY." */
  authHint?: string;
  /** What to say on 404, e.g. "Run `ollama pull llama3.2`." */
  notFoundHint?: string;
}

/**
 * Reads an error answer and turns it into a `provider_error` whose message says what went
 * wrong and what to do, with the upstream status kept in `status`.
 */
export async function httpError(response: Response, context: HttpErrorContext): Promise<ProviderError> {
  const upstream = extractUpstreamMessage(await readBounded(response));
  const { providerName: name, model, status } = { ...context, status: response.status };
  const detail = upstream ? `: ${withPeriod(redactSecrets(upstream, context.secrets))}` : '.';
  let message: string;
  if (status === 401 || status === 403) {
    // 401 bodies quote the key back (partly masked): we never relay them.
    message = `${name} rejected the API key (${status}). ${context.authHint ?? 'Check the API key configured for this provider.'}`;
  } else if (status === 404) {
    message = `${name} could not find model "${model}" (404)${detail} ${context.notFoundHint ?? 'Check the model name and the base URL.'}`;
  } else if (status === 429) {
    const retryAfter = response.headers.get('retry-after');
    // The upstream message often says when to retry already; add ours only when it does not.
    const wait = retryAfter ? ` Retry after ${retryAfter} s.` : upstream ? '' : ' Try again shortly.';
    message = `${name} is rate limiting requests upstream (429)${detail}${wait}`;
  } else if (status >= 500) {
    message = `${name} failed with ${status}${detail} This is on the provider's side; try again.`;
  } else {
    message = `${name} rejected the request (${status})${detail}`;
  }
  return new ProviderError('provider_error', message, { status });
}

/** The message inside `{ error: { message } }`, `{ error: "…" }` or `{ message }`, else the raw text. */
export function extractUpstreamMessage(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  let message: unknown = text;
  try {
    const json: unknown = JSON.parse(text);
    message = pickMessage(json) ?? text;
  } catch {
    // Not JSON (an HTML page from a proxy, …): the raw text, shortened, is the best we have.
  }
  const flat = String(message).replace(/\s+/g, ' ').trim();
  return flat.length > UPSTREAM_MESSAGE_LIMIT ? `${flat.slice(0, UPSTREAM_MESSAGE_LIMIT)}…` : flat;
}

function pickMessage(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const error = 'error' in json ? json.error : undefined;
  if (typeof error === 'string') return error;
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  if ('message' in json && typeof json.message === 'string') return json.message;
  return undefined;
}

/**
 * Replaces the given secrets, and anything shaped like a well-known API key or bearer token,
 * with `[redacted]`. Pattern matching backs up the exact list because upstream messages may
 * quote a key we were not given (a proxy's, a masked variant of ours).
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(/\b(?:sk|gsk|xai|pk)[-_][A-Za-z0-9_*-]{6,}/g, '[redacted]')
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=*-]+/gi, 'Bearer [redacted]');
}

/** A short, secret-free description of a network failure: `ECONNREFUSED`, `other side closed`, … */
export function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

/** `https://user:pass@host/v1` → `host`: enough to say where, never credentials or paths. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured URL';
  }
}

function withPeriod(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

async function readBounded(response: Response): Promise<string> {
  let text = '';
  try {
    for await (const piece of readText(response.body)) {
      text += piece;
      if (text.length >= ERROR_BODY_LIMIT) break;
    }
  } catch {
    // A body cut short still leaves the status, which is what matters most.
  }
  return text.slice(0, ERROR_BODY_LIMIT);
}
