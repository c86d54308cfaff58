/**
 * `client.files`: upload files to attach to messages, read them back, and turn a message's `file`
 * part into a URL a browser can show.
 */
import { apiErrorFrom } from '../client/errors.js';
import { freshAccessToken } from '../client/token-expiry.js';
import type { RequestOptions, Transport, TransportOptions } from '../client/transport.js';
import { sendUpload, type UploadBody } from '../client/upload-request.js';
import { endpoints } from '../contracts/endpoints.js';
import type { UploadedFile, UploadOptions } from '../contracts/files.js';
import type { FilePart } from '../contracts/parts.js';
import type { UploadFileOptions, UploadSource } from './file-inputs.js';

/**
 * Files: an upload is the uploader's until a message attaches it (`attachments: [{ fileId }]`);
 * then every participant of that conversation may read it.
 *
 * @example
 * ```ts
 * const file = await client.files.upload(input.files[0], {
 *   onProgress: ({ loaded, total }) => bar.set(loaded / (total ?? loaded)),
 * });
 * await client.messages.send(conversationId, { content: 'The plan', attachments: [{ fileId: file.id }] });
 * ```
 */
export interface FilesResource {
  /**
   * What the server accepts (largest file, media types, attachments per message, direct uploads),
   * asked once per client and kept: to refuse a file before sending a byte.
   *
   * @example
   * ```ts
   * const { maxBytes } = await client.files.options();
   * if (file.size > maxBytes) alert(`At most ${maxBytes / 2 ** 20} MiB`);
   * ```
   */
  options(options?: RequestOptions): Promise<UploadOptions>;
  /**
   * Uploads a file, streamed: a `Blob`/`File` or a stream is read as it is sent, never held whole
   * by the SDK. `onProgress` follows the bytes; `signal` aborts (the server keeps nothing). When
   * the server offers direct uploads (S3 storage) and the size is known, the bytes go straight to
   * the bucket with a presigned `PUT`, then the server checks them. Resolves with the file as the
   * server sniffed it (its real `mediaType`, `size`, `sha256`, image `width`/`height`); rejects
   * with `PayloadTooLargeError` (413), `UnsupportedMediaTypeError` (415), `QuotaExceededError`
   * (403), `RateLimitError` (429) or `ValidationError` (an empty file), whose `message` says why.
   * A stream is read once: it is not sent again after a failure (upload it anew), and one the
   * upload did not read to its end is cancelled (a file stream is closed). In a browser, a stream
   * is gathered into a `Blob` first (the browser may keep a big one on disk), as `XMLHttpRequest`
   * sends it.
   *
   * @example
   * ```ts
   * // Node: a file from disk, streamed.
   * import { createReadStream } from 'node:fs';
   * import { stat } from 'node:fs/promises';
   * const { size } = await stat('report.pdf');
   * const file = await client.files.upload(createReadStream('report.pdf'), { name: 'report.pdf', size });
   * ```
   */
  upload(source: UploadSource, options?: UploadFileOptions): Promise<UploadedFile>;
  /**
   * A file's metadata: your own upload, or one attached in a conversation you take part in (else
   * `NotFoundError`, as for an id that does not exist).
   *
   * @example
   * ```ts
   * const { name, mediaType, size, messageId } = await client.files.get(part.fileId);
   * ```
   */
  get(id: string, options?: RequestOptions): Promise<UploadedFile>;
  /**
   * The full URL of a message's `file` part (its signed `url`, resolved against `baseUrl`):
   * readable without a token until it expires, for an `<img src>` or a download link. Reading the
   * history again gives fresh ones.
   *
   * @example
   * ```tsx
   * <img src={client.files.url(part)} width={part.width} height={part.height} alt={part.filename} />
   * ```
   */
  url(file: Pick<FilePart, 'url'> | string): string;
  /**
   * A file's bytes, with this client's token: the `Response` unread (`await response.blob()`, or
   * `Readable.fromWeb(response.body)` to stream it to disk). `NotFoundError` for a file you may not read.
   *
   * @example
   * ```ts
   * import { createWriteStream } from 'node:fs';
   * import { Readable } from 'node:stream';
   * import { pipeline } from 'node:stream/promises';
   *
   * const response = await client.files.download(part.fileId);
   * await pipeline(Readable.fromWeb(response.body!), createWriteStream(part.filename ?? 'download'));
   * ```
   */
  download(id: string, options?: RequestOptions): Promise<Response>;
}

const octetStream = 'application/octet-stream';
/**
 * A media type (its characters as the contract's `MediaType`), then parameters such as `charset`
 * left off: anything else (a line break) is not put in a header.
 */
const mediaTypePattern = /^\s*([\w!#$&^.+-]+\/[\w!#$&^.+-]+)\s*(;|$)/;

/** Bytes of a buffer sent per chunk: a buffer is streamed in slices, not copied. */
const chunkBytes = 64 * 1024;

/** The source as a body to send (see {@link UploadBody}); `size` is the caller's for a stream. */
function bodyOf(source: UploadSource, size: number | undefined): UploadBody {
  if (source instanceof Blob)
    return { size: source.size, replayable: true, stream: () => source.stream(), blob: async () => source };
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes =
      source instanceof ArrayBuffer
        ? new Uint8Array(source)
        : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return {
      size: bytes.byteLength,
      replayable: true,
      stream: () => {
        let at = 0;
        return new ReadableStream({
          pull(controller) {
            if (at >= bytes.byteLength) return controller.close();
            controller.enqueue(bytes.subarray(at, at + chunkBytes));
            at += chunkBytes;
          },
        });
      },
      // The view itself, not a copy of its whole buffer (the Blob copies only these bytes).
      blob: async () => new Blob([bytes as Uint8Array<ArrayBuffer>]),
    };
  }
  // A Node `Readable` or another async iterable: `ReadableStream.from` (Node 20.6+, Deno, Bun) pulls it chunk by chunk.
  const stream =
    'getReader' in source
      ? source
      : (
          ReadableStream as unknown as { from(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> }
        ).from(source);
  return { size, replayable: false, stream: () => stream, blob: () => new Response(stream).blob() };
}

/** Creates `client.files` over a transport (and its options: the base URL, `fetch`, headers). */
export function createFilesResource(transport: Transport, options: TransportOptions): FilesResource {
  let cachedOptions: Promise<UploadOptions> | undefined;
  const base = options.baseUrl.replace(/\/+$/, '');

  /** Sends the multipart POST; a refused token is refreshed and the upload replayed once, when the source can be read again. */
  async function throughServer(
    body: UploadBody,
    form: { name: string; mediaType: string },
    onBytes: (n: number) => void,
    signal: AbortSignal | undefined,
  ) {
    const url = base + endpoints.uploadFile.path;
    // Refreshed *before* a near expiry: a one-shot stream cannot be sent twice.
    let token = await freshAccessToken(transport.session);
    for (let replayed = false; ; replayed = true) {
      const headers = { ...options.headers, authorization: `Bearer ${token}` };
      const response = await sendUpload(
        { method: 'POST', url, headers, body, form, onBytes, signal },
        options.fetch,
      );
      if (response.status === 401 && body.replayable && !replayed) {
        token = await freshAccessToken(transport.session, token);
        continue;
      }
      if (!response.ok) throw apiErrorFrom(response.status, response.headers, await response.text());
      return (await response.json()) as UploadedFile;
    }
  }

  /** Straight to the bucket: start (the server signs a PUT), send the bytes there, complete (the server checks them). */
  async function direct(
    body: UploadBody & { size: number },
    name: string,
    mediaType: string,
    onBytes: (n: number) => void,
    signal: AbortSignal | undefined,
  ) {
    const started = await transport.request('createDirectUpload', {
      body: { name, mediaType, size: body.size },
      signal,
    });
    const put = await sendUpload(
      { method: started.method, url: started.uploadUrl, headers: started.headers, body, onBytes, signal },
      options.fetch,
    );
    if (!put.ok) throw apiErrorFrom(put.status, put.headers, await put.text());
    return transport.request('completeDirectUpload', { params: { id: started.id }, signal });
  }

  const files: FilesResource = {
    options(requestOptions) {
      // Without the first caller's signal: its abort must not fail the others sharing the answer.
      cachedOptions ??= transport
        .request('uploadOptions', { ...requestOptions, signal: undefined })
        .catch((error: unknown) => {
          cachedOptions = undefined;
          throw error;
        });
      return cachedOptions;
    },
    async upload(
      source,
      { name = (source as { name?: string }).name, mediaType, size, onProgress, signal } = {},
    ) {
      if (!name) throw new TypeError('files.upload(bytes, { name }) needs a name');
      const body = bodyOf(source, size);
      // What the contract takes: `image/png`, lower case, without parameters.
      const type =
        mediaTypePattern.exec((mediaType || (source as Blob).type || '').toLowerCase())?.[1] ?? octetStream;
      const onBytes = (loaded: number) => onProgress?.({ loaded, total: body.size });
      try {
        // Straight to the bucket needs the size and the type up front (the server signs both); a file
        // of unknown type goes through the server, which sniffs it. So does one to an older server.
        const offered =
          body.size && type !== octetStream ? (await files.options().catch(() => null))?.direct : false;
        const file = offered
          ? await direct(body as UploadBody & { size: number }, name, type, onBytes, signal)
          : await throughServer(body, { name, mediaType: type }, onBytes, signal);
        onProgress?.({ loaded: file.size, total: file.size });
        return file;
      } catch (error) {
        // A one-shot source not read to its end is let go: a file stream is closed, not leaked.
        if (!body.replayable)
          body
            .stream()
            .cancel(error)
            .catch(() => {});
        throw error;
      }
    },
    get: (id, requestOptions) => transport.request('getFile', { ...requestOptions, params: { id } }),
    url: (file) => {
      const url = typeof file === 'string' ? file : file.url;
      return url.startsWith('/') ? base + url : url;
    },
    async download(id, requestOptions) {
      // The route takes a token or a signature, so the transport adds none by itself.
      const token = await freshAccessToken(transport.session);
      return transport.send('downloadFile', {
        ...requestOptions,
        params: { id },
        headers: { ...requestOptions?.headers, authorization: `Bearer ${token}` },
      });
    },
  };
  return files;
}
