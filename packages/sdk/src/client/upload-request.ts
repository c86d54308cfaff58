/**
 * One upload request on the wire: a `multipart/form-data` POST (one `file` field) or a raw PUT (a
 * presigned URL), reporting the bytes of the file sent so far.
 *
 * Browsers send it with `XMLHttpRequest` (whatever `fetch` the client was given), the only API
 * that reports upload progress, from a `Blob` the browser streams itself: a browser's `fetch`
 * cannot send a stream body in Firefox or Safari, and Chrome only over HTTP/2. Elsewhere (Node, Deno, Bun) it is `fetch`
 * with a streamed body (`duplex: 'half'`) built around the source, counting bytes as they are
 * pulled: nothing is read ahead of what the socket takes, and nothing is held whole.
 */
import { newClientMessageId } from '../internal/foundation.js';
import { unreachable } from './errors.js';

/** The bytes to send, readable as a stream (or as one `Blob` for a browser). */
export interface UploadBody {
  /** Bytes, when known. */
  readonly size: number | undefined;
  /** The source may be read again (a `Blob`, a buffer): a refused attempt may be replayed. */
  readonly replayable: boolean;
  stream(): ReadableStream<Uint8Array>;
  /** The bytes as a `Blob`: itself, a buffer wrapped, or a stream gathered by the browser (which keeps big blobs on disk). */
  blob(): Promise<Blob>;
}

export interface UploadRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: UploadBody;
  /** Sent as the `file` field of a form, with this name and type; absent, the body is the bytes. */
  form?: { name: string; mediaType: string } | undefined;
  /** Bytes of the file sent so far. */
  onBytes(loaded: number): void;
  signal?: AbortSignal | undefined;
}

const encoder = new TextEncoder();

/** Sends `request` and answers its response (any status), or throws `ConnectionError` / `signal.reason` / the source's own error. */
export async function sendUpload(
  request: UploadRequest,
  fetchFn: typeof fetch | undefined,
): Promise<Response> {
  const { signal } = request;
  signal?.throwIfAborted();
  // A source that could not be read (a directory, a deleted file) says so itself: not "could not reach".
  const source: { error?: unknown } = {};
  try {
    return typeof XMLHttpRequest === 'function'
      ? await sendWithXhr(request, source)
      : await sendWithFetch(request, fetchFn ?? fetch, source);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if ('error' in source) throw source.error;
    throw unreachable(request.url, error);
  }
}

/** Notes a read error of the source in `source`, and rethrows it. */
const noting =
  (source: { error?: unknown }) =>
  (error: unknown): never => {
    source.error = error;
    throw error;
  };

async function sendWithFetch(
  request: UploadRequest,
  fetchFn: typeof fetch,
  source: { error?: unknown },
): Promise<Response> {
  const { form, body } = request;
  const headers = { ...request.headers };
  let head = encoder.encode('');
  let tail = head;
  if (form) {
    const boundary = `chatwire-${newClientMessageId()}`;
    // The form-data encoding of a name (WHATWG): `"` and line breaks escaped, the rest as UTF-8.
    const filename = form.name.replace(/["\r\n]/g, encodeURIComponent);
    head = encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${form.mediaType}\r\n\r\n`,
    );
    tail = encoder.encode(`\r\n--${boundary}--\r\n`);
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  }
  // The length up front when known: object storage wants it for a PUT, and the server refuses an
  // announced length over its limit before a byte is sent (a stream alone would be chunked).
  if (body.size !== undefined)
    headers['content-length'] = String(head.byteLength + body.size + tail.byteLength);
  const bytes = body.stream();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let loaded = 0;
  // Pulled by fetch as it writes: the source is read no faster than the connection sends.
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!reader) {
        reader = bytes.getReader();
        if (head.byteLength) return controller.enqueue(head);
      }
      const { done, value } = await reader.read().catch(noting(source));
      if (done) {
        if (tail.byteLength) controller.enqueue(tail);
        return controller.close();
      }
      loaded += value.byteLength;
      request.onBytes(loaded);
      controller.enqueue(value);
    },
    cancel: (reason) => (reader ?? bytes).cancel(reason),
  });
  const init = { method: request.method, headers, body: stream, duplex: 'half', signal: request.signal };
  return fetchFn(request.url, init as RequestInit);
}

async function sendWithXhr(request: UploadRequest, source: { error?: unknown }): Promise<Response> {
  const { form, body, signal } = request;
  const blob = await body.blob().catch(noting(source));
  // A cancel while a stream was gathered: nothing is sent.
  signal?.throwIfAborted();
  let payload: Blob | FormData = blob;
  if (form) {
    payload = new FormData();
    // A `File` of its own, so that its name and type are these whatever the source was.
    payload.append('file', new File([blob], form.name, { type: form.mediaType }));
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    // Not the length (a presigned PUT's): a browser refuses it from a script, and sets it itself.
    for (const [name, value] of Object.entries(request.headers))
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    // The progress of the whole request (the form's framing too), scaled to the file's bytes.
    xhr.upload.onprogress = (event) =>
      request.onBytes(event.total > 0 ? Math.round((event.loaded / event.total) * blob.size) : event.loaded);
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.onloadend = () => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(signal.reason);
      if (xhr.status === 0) return reject(new Error('the connection failed'));
      const headers = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      resolve(new Response(xhr.responseText || null, { status: xhr.status, headers }));
    };
    xhr.send(payload);
  });
}
