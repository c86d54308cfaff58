/**
 * The `FileStorage` on S3-compatible object storage (AWS S3, Cloudflare R2, MinIO): what several
 * server processes behind one URL share. Each object is `<prefix><key>` in one bucket.
 *
 * - `write` streams in parts and never holds the file in memory; an object appears only when the
 *   whole body is in (s3-upload.ts). Overwrite: a write to an existing key replaces it (S3's own
 *   rule, last completed write wins).
 * - `presignPut` signs a direct `PUT` from the browser, so big files never pass through the server.
 *
 * The SDK's default request checksums (CRC32 on every `PutObject` and part, since 3.729) are turned
 * down to "when required": a presigned `PUT` would otherwise carry the CRC32 of an *empty* body in
 * its URL, and S3, R2 and MinIO then refuse the real upload (aws-sdk-js-v3 #6810); several
 * S3-compatible services also reject the new checksum headers. Integrity in transit is TLS's, and
 * the uploads service keeps its own SHA-256 of what it received.
 */

import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStorage } from './file-storage.js';
import { uploadObject } from './s3-upload.js';
import { assertStorageKey } from './storage-key.js';

export interface S3StorageOptions {
  bucket: string;
  /** For R2, MinIO and other S3-compatible services (`https://<account>.r2.cloudflarestorage.com`). Default: AWS. */
  endpoint?: string;
  /** Default: the SDK's chain (`AWS_REGION`, the AWS config file). R2 uses `auto`. */
  region?: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`: MinIO and most self-hosted services need it. Default `false`. */
  forcePathStyle?: boolean;
  /** Prepended to every key, so one bucket can hold several deployments (`chatwire/`). Default none. */
  prefix?: string;
  /** Default: the usual AWS chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Bytes per multipart part, and the largest body sent as one `PutObject`; at least 5 MiB (S3's minimum). Default 8 MiB. */
  partSizeBytes?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * A storage on one bucket. No request is made until the first call: a wrong bucket or credentials
 * show up as that call's error.
 *
 * @example
 * ```ts
 * const storage = createS3Storage({
 *   bucket: 'chatwire-files',
 *   endpoint: 'http://127.0.0.1:9000', // MinIO
 *   region: 'us-east-1',
 *   forcePathStyle: true,
 * });
 * const put = await storage.presignPut!('ab/0b6e…', { mediaType: 'image/png', size: 48_213, expiresInSeconds: 600 });
 * await fetch(put.url, { method: 'PUT', headers: put.headers, body: file }); // from the browser
 * ```
 */
export function createS3Storage(options: S3StorageOptions): FileStorage {
  const partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE;
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) {
    throw new RangeError(
      `partSizeBytes must be a whole number of at least ${MIN_PART_SIZE} (S3's minimum part size)`,
    );
  }
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;
  const objectKey = (key: string): string => {
    assertStorageKey(key);
    return `${options.prefix ?? ''}${key}`;
  };

  return {
    kind: 's3',

    async write(key, body, { mediaType, maxBytes, signal }) {
      const target = { client, bucket: Bucket, key: objectKey(key), mediaType };
      return { size: await uploadObject(target, body, { partSize, maxBytes, signal }) };
    },

    async read(key, range) {
      const Range = range === undefined ? undefined : `bytes=${range.start}-${range.end}`;
      try {
        const { Body } = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key), Range }));
        if (!(Body instanceof Readable))
          throw new Error('S3 answered GetObject without a Node.js stream body');
        return Body;
      } catch (error) {
        // Only the key: a missing bucket (`NoSuchBucket`) is a configuration error, not "no file".
        if (errorName(error) === 'NoSuchKey') return null;
        // A range that starts past the last byte reads nothing, as a file read does (S3 answers 416).
        if (errorName(error) === 'InvalidRange') return Readable.from([]);
        throw error;
      }
    },

    async stat(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: objectKey(key) }));
        return { size: head.ContentLength ?? 0 };
      } catch (error) {
        // A HEAD has no body to tell a missing key from a missing bucket: both are `NotFound`.
        if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey') return null;
        throw error;
      }
    },

    async delete(key) {
      // S3 answers 204 for a missing key too.
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },

    async presignPut(key, { mediaType, size, expiresInSeconds }) {
      const command = new PutObjectCommand({
        Bucket,
        Key: objectKey(key),
        ContentType: mediaType,
        ContentLength: size,
      });
      const url = await getSignedUrl(client, command, {
        expiresIn: expiresInSeconds,
        // The presigner leaves `content-type` unsigned by default; signed, the bucket refuses a
        // body of another type than the one the server allowed. `content-length` is signed anyway.
        signableHeaders: new Set(['content-type']),
      });
      return {
        url,
        headers: { 'content-type': mediaType, 'content-length': String(size) },
        expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
      };
    },

    async close() {
      client.destroy();
    },
  };
}

function errorName(error: unknown): unknown {
  return (error as { name?: unknown } | null)?.name;
}
