/**
 * Uploading a file through the server (`POST /v1/uploads`), free of HTTP and of any one storage:
 * a stream in, a `ready` file record out.
 *
 * The order is what keeps a refused upload from leaving anything behind: the quota is checked
 * before a byte is read; the head (first 64 KiB) is read and sniffed before anything is written;
 * the rest streams once through a SHA-256 and a counter into the storage, which keeps the whole
 * object or nothing (over the limit, a cut-off body, an aborted request); and a record that cannot
 * be stored deletes the object it describes.
 */
import type { Readable } from 'node:stream';
import { ObjectTooLargeError } from '../files/file-storage.js';
import { newId } from '../ids.js';
import type { FileRecord } from '../store/store.js';
import { DomainError, Refused } from './errors.js';
import { createHashingStream } from './sha256-stream.js';
import { storageUnavailable } from './storage-unavailable.js';
import { type SplitStream, splitHead } from './stream-head.js';
import { headBytes, inspectHead } from './upload-inspection.js';
import {
  checkMediaType,
  cleanFileName,
  emptyFile,
  expiryOf,
  newStorageKey,
  quotaExceeded,
  quotaLeft,
  tooLarge,
  type UploadServiceDeps,
} from './upload-rules.js';

/** One file to upload. */
export interface UploadRequest {
  /** The bytes. A stream that fails is a cut-off upload — unless it fails with a `DomainError`, answered as itself. */
  body: Readable;
  /** The name the client gave (a path is cut to its last segment). */
  name: string;
  /** The type the client claims: a hint for text files only (bytes decide the rest). */
  claimedType?: string;
  /** Aborts the upload (the client went away): nothing is kept. */
  signal?: AbortSignal;
}

export interface Uploads {
  /** Stores the file for `userId`; refused (nothing kept) with `TooLarge`, `UnsupportedMediaType`, `QuotaExceeded`, `Invalid` or `Refused`. */
  upload(userId: string, request: UploadRequest): Promise<FileRecord>;
  /** Removes a file just uploaded that its request turned out not to want (bytes, then record). */
  discard(file: FileRecord): Promise<void>;
}

export type UploadDeps = UploadServiceDeps<'createFile' | 'deleteFile' | 'fileBytesOf'>;

/**
 * @example
 * ```ts
 * const uploads = createUploads({ store, storage, clock, limits: options.uploads });
 * const file = await uploads.upload(userId, { body: fs.createReadStream('photo.png'), name: 'photo.png' });
 * // file.mediaType === 'image/png', file.width, file.sha256, file.expiresAt (24 h unless attached)
 * ```
 */
export function createUploads(deps: UploadDeps): Uploads {
  const { store, storage, clock, limits } = deps;

  /** A failed write as the client should hear it. */
  function writeFailure(error: unknown, split: SplitStream, maxBytes: number): unknown {
    const failure = split.failure();
    if (failure instanceof DomainError) return failure;
    if (error instanceof ObjectTooLargeError)
      return maxBytes < limits.maxBytes ? quotaExceeded(limits.quotaBytes) : tooLarge(limits.maxBytes);
    if (failure !== undefined)
      return new Refused('The upload was cut off before the whole file arrived: send it again', {
        cause: failure,
      });
    // The storage failed (disk full, bucket unreachable): a retry later may work.
    return storageUnavailable(error);
  }

  async function receive(userId: string, request: UploadRequest, name: string): Promise<FileRecord> {
    const left = await quotaLeft(store, userId, limits);
    if (left <= 0) throw quotaExceeded(limits.quotaBytes);
    const split = await splitHead(request.body, headBytes).catch((error: unknown) => {
      throw error instanceof DomainError
        ? error
        : new Refused('The upload was cut off before the file arrived: send it again', { cause: error });
    });
    try {
      if (split.head.length === 0) throw emptyFile('file');
      const inspection = await inspectHead(split.head, name, split.ended, request.claimedType);
      checkMediaType(inspection.mediaType, limits.mediaTypes, 'file');

      const maxBytes = Math.min(limits.maxBytes, left);
      const key = newStorageKey();
      const hashing = createHashingStream();
      // A failing body fails the hashing stream, and so the write. Both streams may emit their error
      // after the write has settled (the parser reports a cut-off body twice): it is known by then.
      split.rest.on('error', (error) => hashing.destroy(error));
      hashing.on('error', () => undefined);
      split.rest.pipe(hashing);
      try {
        await storage.write(key, hashing, {
          mediaType: inspection.mediaType,
          maxBytes,
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } catch (error) {
        throw writeFailure(error, split, maxBytes);
      }
      const now = clock.now();
      const file: FileRecord = {
        id: newId(now.getTime()),
        ownerId: userId,
        name,
        mediaType: inspection.mediaType,
        size: hashing.bytes,
        sha256: hashing.sha256(),
        width: inspection.width ?? null,
        height: inspection.height ?? null,
        storageKey: key,
        status: 'ready',
        conversationId: null,
        messageId: null,
        createdAt: now.toISOString(),
        expiresAt: expiryOf(now, limits),
      };
      try {
        return await store.createFile(file);
      } catch (error) {
        await storage.delete(key).catch(() => undefined);
        throw error;
      }
    } finally {
      // Refused before the write, or failed in it: stop reading (the edge closes the connection).
      split.rest.destroy();
    }
  }

  return {
    async upload(userId, request) {
      const name = cleanFileName(request.name, 'file');
      try {
        return await receive(userId, request, name);
      } catch (error) {
        request.body.destroy();
        throw error;
      }
    },
    async discard(file) {
      await storage.delete(file.storageKey);
      await store.deleteFile(file.id);
    },
  };
}
