/**
 * What `client.files.upload` takes: the bytes (from a browser's `File`, a `Blob`, a Node
 * `Buffer`, a web `ReadableStream`, a Node `Readable`), their name and type, and how to follow or
 * stop the upload.
 */

/**
 * The bytes of a file to upload. Streams are sent as they are read, never gathered whole: a Node
 * `Readable` (`fs.createReadStream`) is an `AsyncIterable<Uint8Array>`, a `Buffer` a `Uint8Array`.
 */
export type UploadSource =
  | Blob
  | ArrayBuffer
  | Uint8Array
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** How far an upload is: bytes of the file sent, of `total` (when the size is known). */
export interface UploadProgress {
  loaded: number;
  total?: number | undefined;
}

/** Options of {@link FilesResource.upload}. */
export interface UploadFileOptions {
  /** The file's name, as people will see it. Default: the `File`'s own `name`; required otherwise. */
  name?: string | undefined;
  /**
   * What the file claims to be, e.g. `image/png`. Default: the `Blob`'s `type`, else
   * `application/octet-stream`. The server sniffs the bytes and keeps what it finds, not this.
   */
  mediaType?: string | undefined;
  /** The byte length of a stream source, when known: gives progress its `total`. Blobs and buffers know theirs. */
  size?: number | undefined;
  /** Called as bytes go out (at most once per chunk read or per browser progress event), and once at the end. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /**
   * Aborts the upload: the request is cut off, the server keeps nothing, and the call rejects with
   * `signal.reason`. An upload has no timeout of its own (a big file takes the time it takes):
   * give `AbortSignal.timeout(ms)` for one.
   */
  signal?: AbortSignal | undefined;
}
