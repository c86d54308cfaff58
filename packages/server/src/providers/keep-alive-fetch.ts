/**
 * The HTTP providers' default transport: a `fetch`-shaped function on `node:http` / `node:https`
 * with keep-alive agents, so a reply's request to the model reuses a warm connection.
 *
 * Why not the global `fetch`: on the path of a reply's first token, undici's `fetch` spent about
 * twice as long as `node:http` between being called and the request leaving, and again between the
 * response arriving and the `Response` being handed over (bench/sse.mjs, a fake upstream on
 * loopback: ~0.5 ms vs ~0.2 ms each way). The answer is still a standard `Response` (status,
 * headers, a web `ReadableStream` body), so what reads it does not change, and `fetch` injected
 * through the options is used as before.
 *
 * What `fetch` would do and this does too: compressed bodies are decoded (`gzip`, `deflate`,
 * `br`), the caller's signal aborts the request and its body, a network failure rejects with a
 * `TypeError` whose `cause` is the socket's error. A redirect is handed to the global `fetch`
 * (rare for an API root; it follows them). A request whose reused idle connection turns out to
 * have been closed by the server before any answer (the keep-alive race Node's docs describe
 * for `request.reusedSocket`) is sent once more on a new connection.
 */
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FetchFunction } from './upstream.js';

const agents = {
  http: new HttpAgent({ keepAlive: true }),
  https: new HttpsAgent({ keepAlive: true }),
};

/** Statuses whose `Response` may not have a body. */
const bodiless = new Set([101, 103, 204, 205, 304]);
const redirects = new Set([301, 302, 303, 307, 308]);

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const given = init?.headers;
  const headers: Record<string, string> = {};
  // The providers pass a plain object: copied as it is (a `Headers` per request costs more).
  if (given && !(given instanceof Headers) && !Array.isArray(given)) {
    for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = String(value);
    return headers;
  }
  new Headers(given).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

function responseHeaders(response: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!);
  return headers;
}

/** The body as the caller reads it: decoded when the server compressed it anyway. */
function decoded(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  decoder.on('close', () => response.destroy());
  return response.pipe(decoder);
}

/**
 * A node stream as a web `ReadableStream`: read as the consumer pulls (the socket paused while a
 * chunk waits), cancelled by destroying it — which closes a connection whose body was not read to
 * its end, as `fetch` does, so a stopped reply stops the upstream.
 */
function webBody(body: Readable): ReadableStream<Uint8Array> {
  // Settled once: closed, failed or cancelled, the controller takes nothing more.
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const settle = (end: () => void) => {
          if (settled) return;
          settled = true;
          end();
        };
        body.on('data', (chunk: Buffer) => {
          if (settled) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) body.pause();
        });
        body.once('end', () => settle(() => controller.close()));
        body.once('error', (error) =>
          settle(() => controller.error(new TypeError('terminated', { cause: error }))),
        );
        // Destroyed before its end (an abort): a pending read fails instead of hanging.
        body.once('close', () => settle(() => controller.error(new TypeError('terminated'))));
      },
      pull() {
        body.resume();
      },
      cancel() {
        settled = true;
        body.destroy();
      },
    },
    { highWaterMark: 1 },
  );
}

/** One request on its way: the request (to destroy on abort), and its answer's head. */
interface Attempt {
  request: ClientRequest;
  response: Promise<IncomingMessage>;
}

/** A failure that a new connection may not have: a reused idle one closed under the request. */
class ClosedWhileIdle extends TypeError {}

function send(url: URL, init: RequestInit | undefined, body: string | undefined, fresh: boolean): Attempt {
  const secure = url.protocol === 'https:';
  const headers = headersOf(init);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const request = (secure ? httpsRequest : httpRequest)(url, {
    method: init?.method ?? 'GET',
    headers,
    // A retry after a reused connection was found closed goes on a connection of its own.
    agent: fresh ? false : secure ? agents.https : agents.http,
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', (error: NodeJS.ErrnoException) => {
      const closedWhileIdle =
        !fresh && request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      reject(new (closedWhileIdle ? ClosedWhileIdle : TypeError)('fetch failed', { cause: error }));
    });
  });
  // Errors after the answer arrived are the body's (see webBody).
  response.catch(() => undefined);
  request.end(body);
  return { request, response };
}

/**
 * `fetch` for the providers' requests (a string body, or none) over keep-alive `node:http(s)`
 * agents; anything it does not handle (another body type, a redirect) goes to the global `fetch`.
 */
export const keepAliveFetch: FetchFunction = async (input, init) => {
  const body = init?.body;
  if ((body !== undefined && body !== null && typeof body !== 'string') || input instanceof Request)
    return fetch(input, init);
  const url = new URL(String(input));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fetch(input, init);
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) throw abortReason(signal);
  const text = body ?? undefined;

  let attempt = send(url, init, text, false);
  let rejectOnAbort: ((reason: unknown) => void) | undefined;
  const onAbort = () => {
    // Before the answer: the request fails now; after it: its body ends (the socket is closed).
    attempt.request.destroy();
    if (signal) rejectOnAbort?.(abortReason(signal));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const aborted = new Promise<never>((_, reject) => {
    rejectOnAbort = reject;
  });
  aborted.catch(() => undefined);
  let response: IncomingMessage;
  try {
    try {
      response = await Promise.race([attempt.response, aborted]);
    } catch (error) {
      if (!(error instanceof ClosedWhileIdle)) throw error;
      attempt = send(url, init, text, true);
      response = await Promise.race([attempt.response, aborted]);
    }
  } catch (error) {
    signal?.removeEventListener('abort', onAbort);
    throw error;
  }
  rejectOnAbort = undefined;
  response.once('close', () => signal?.removeEventListener('abort', onAbort));
  const status = response.statusCode ?? 0;
  if (redirects.has(status) && response.headers.location) {
    signal?.removeEventListener('abort', onAbort);
    response.resume();
    return fetch(input, init);
  }
  const headers = responseHeaders(response);
  const statusText = response.statusMessage ?? '';
  if (bodiless.has(status) || init?.method === 'HEAD') {
    response.resume();
    return new Response(null, { status, statusText, headers });
  }
  return new Response(webBody(decoded(response)), { status, statusText, headers });
};
