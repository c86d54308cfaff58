/**
 * The file storage seam, beside `Store`: where an upload's bytes live. `Store` keeps the metadata
 * (`FileRecord`); a `FileStorage` keeps only bytes under opaque keys. Two implementations share one
 * conformance suite (`testing/file-storage-suite.ts`): the local disk under the data dir (the
 * embedded default) and S3-compatible object storage (AWS S3, Cloudflare R2, MinIO), which is what
 * several processes behind one URL use.
 *
 * Rules every implementation keeps:
 * - `write` is atomic: the object under `key` is the whole stream or nothing (a failed or aborted
 *   write, an over-limit stream, a crash mid-way leave no object, not even a partial one);
 * - a resolved `write` is durable;
 * - `delete` of a missing key is not an error (deletes are retried by sweeps).
 */
import type { Readable } from 'node:stream';

/** What a {@link FileStorage.write} stored. */
export interface StoredObject {
  /** Bytes written. */
  size: number;
}

/** A byte range, inclusive at both ends (as HTTP `Range: bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/** The stream handed to `write` was longer than `maxBytes`: nothing was kept. */
export class ObjectTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.name = 'ObjectTooLargeError';
  }
}

/** A presigned request a client sends itself (a direct upload straight to the bucket). */
export interface PresignedPut {
  url: string;
  /** Headers the client must send with exactly these values (they are part of the signature). */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface FileStorage {
  /** `disk`, `s3`: reported by `/health` and the logs. */
  readonly kind: string;
  /**
   * Streams `body` to `key`, atomically (see the rules above). With `maxBytes`, a longer stream
   * fails with {@link ObjectTooLargeError} and keeps nothing. `signal` aborts the write (nothing kept).
   */
  write(
    key: string,
    body: Readable,
    options: { mediaType: string; maxBytes?: number; signal?: AbortSignal },
  ): Promise<StoredObject>;
  /** The bytes under `key` (a `range` of them); `null` when there is no such object. */
  read(key: string, range?: ByteRange): Promise<Readable | null>;
  /** The object's size; `null` when there is no such object. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Optional (S3): a presigned `PUT` of at most `size` bytes of `mediaType` to `key`, valid for
   * `expiresInSeconds`. Storages that cannot offer one leave it out: direct uploads are then off.
   */
  presignPut?(
    key: string,
    options: { mediaType: string; size: number; expiresInSeconds: number },
  ): Promise<PresignedPut>;
  /** Releases clients and handles. */
  close(): Promise<void>;
}
