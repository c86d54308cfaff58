/**
 * Streams one body into one S3 object without holding the file in memory: the stream is read into
 * a single part buffer, reused for every part (8 MiB by default; it starts at 64 KiB and doubles
 * as needed, so a small file does not cost a whole part).
 *
 * - A body that fits in one part is one `PutObject` (with `ContentLength`).
 * - A bigger one is a multipart upload: `CreateMultipartUpload`, one `UploadPart` per full buffer
 *   (one at a time: reading waits while a part is sent, which is the backpressure that bounds
 *   memory), `CompleteMultipartUpload`. The object exists only once the upload is completed, so on
 *   any failure — the body errors, the signal aborts, `maxBytes` is passed, S3 refuses a part — the
 *   upload is aborted (`AbortMultipartUpload`, which frees the stored parts), the body is destroyed,
 *   and no object, not even a partial one, appears. A process that dies mid-upload cannot abort:
 *   its parts stay invisible until a bucket lifecycle rule (`AbortIncompleteMultipartUpload`)
 *   removes them.
 * - A full part is sent only once the next byte arrives, so a body of exactly one part is still a
 *   single `PutObject`.
 */

import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ObjectTooLargeError } from './file-storage.js';

/** The part buffer starts this small and doubles up to the part size: small files stay small. */
const INITIAL_BUFFER = 64 * 1024;

export interface ObjectTarget {
  client: S3Client;
  bucket: string;
  /** The object key, prefix included. */
  key: string;
  mediaType: string;
}

export interface UploadLimits {
  /** Bytes per part (S3: at least 5 MiB for every part but the last). */
  partSize: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

/** Writes `body` to the object; resolves with its size once the object exists. */
export async function uploadObject(
  target: ObjectTarget,
  body: Readable,
  limits: UploadLimits,
): Promise<number> {
  const { signal } = limits;
  // The body is read here, in this function's own loop (not through `pipeline`, which can settle
  // while a request of the loop is still in flight): when the loop fails, nothing is pending, so
  // the cleanup below sees every upload that was started. An abort destroys the body, which ends
  // the loop, and cancels a part in flight (its request has the signal).
  const stop = (): void => {
    body.destroy(signal?.reason);
  };
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  let part: Buffer = Buffer.allocUnsafe(Math.min(limits.partSize, INITIAL_BUFFER));
  let filled = 0;
  let size = 0;
  let multipart: MultipartUpload | undefined;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Throwing out of `for await` destroys the body.
      if (limits.maxBytes !== undefined && size > limits.maxBytes) {
        throw new ObjectTooLargeError(limits.maxBytes);
      }
      for (let offset = 0; offset < chunk.length; ) {
        if (filled === limits.partSize) {
          multipart ??= await MultipartUpload.start(target);
          await multipart.send(part, signal);
          filled = 0;
        }
        if (filled === part.length) part = grown(part, limits.partSize);
        const copied = chunk.copy(part, filled, offset);
        filled += copied;
        offset += copied;
      }
    }
    const last = part.subarray(0, filled);
    if (multipart !== undefined && filled > 0) await multipart.send(last, signal);
    // The request that creates the object is not cancelled once sent: cancelled mid-way, S3 could
    // still have completed it, and a rejected write must never leave an object behind.
    signal?.throwIfAborted();
    if (multipart === undefined) await putObject(target, last);
    else await multipart.complete();
    return size;
  } catch (error) {
    // Best effort: if the abort fails too, the lifecycle rule is the backstop; the caller needs
    // the original error.
    await multipart?.abort().catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** `part`, its bytes copied into a buffer twice as large (at most `partSize`). */
function grown(part: Buffer, partSize: number): Buffer {
  const larger = Buffer.allocUnsafe(Math.min(partSize, part.length * 2));
  part.copy(larger);
  return larger;
}

async function putObject(target: ObjectTarget, bytes: Buffer): Promise<void> {
  await target.client.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: target.key,
      Body: bytes,
      ContentLength: bytes.length,
      ContentType: target.mediaType,
    }),
  );
}

/** One multipart upload in progress: its id and the parts sent so far. */
class MultipartUpload {
  private readonly parts: CompletedPart[] = [];

  private constructor(
    private readonly target: ObjectTarget,
    private readonly uploadId: string,
  ) {}

  /** Not cancellable: cancelled mid-way, S3 could have started an upload whose id we never get. */
  static async start(target: ObjectTarget): Promise<MultipartUpload> {
    const created = await target.client.send(
      new CreateMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        ContentType: target.mediaType,
      }),
    );
    if (created.UploadId === undefined) throw new Error('S3 started a multipart upload without an UploadId');
    return new MultipartUpload(target, created.UploadId);
  }

  /** Sends the next part; `bytes` may be reused once this resolves (the request is over by then). */
  async send(bytes: Buffer, signal: AbortSignal | undefined): Promise<void> {
    const PartNumber = this.parts.length + 1;
    const sent = await this.target.client.send(
      new UploadPartCommand({
        Bucket: this.target.bucket,
        Key: this.target.key,
        UploadId: this.uploadId,
        PartNumber,
        Body: bytes,
        ContentLength: bytes.length,
      }),
      { abortSignal: signal },
    );
    this.parts.push({ PartNumber, ETag: sent.ETag });
  }

  async complete(): Promise<void> {
    await this.target.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.target.bucket,
        Key: this.target.key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
  }

  async abort(): Promise<void> {
    await this.target.client.send(
      new AbortMultipartUploadCommand({
        Bucket: this.target.bucket,
        Key: this.target.key,
        UploadId: this.uploadId,
      }),
    );
  }
}
