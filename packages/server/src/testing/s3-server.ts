/**
 * A real S3-compatible server for tests, in-process: `s3rver` (npm) on 127.0.0.1, a free port and a
 * temp directory of its own, with one fresh bucket. S3 code under test talks HTTP to it exactly
 * as to AWS, so nothing needs to be running on the machine (the S3 tests always run).
 *
 * Where s3rver 3.7 falls short of S3 for what the S3 storage does, this helper adds the missing
 * behaviour, as S3 documents it:
 * - `AbortMultipartUpload` (`DELETE /bucket/key?uploadId=…`): s3rver answers 405; here it removes
 *   the upload and its parts (204), or answers `NoSuchUpload` (404) for an unknown upload;
 * - `UploadPart` and `CompleteMultipartUpload` on an unknown (e.g. aborted) upload answer
 *   `NoSuchUpload` (404): s3rver would recreate the upload's directory, or fail with a 500;
 * - `Range: bytes=0-0` is the first byte: s3rver reads an end of 0 as "no end" and sends it all.
 *
 * Known gaps, which tests must not rely on: s3rver does not verify SigV4 signatures (any request
 * with the test credentials' key id passes) and so does not enforce a presigned URL's signed
 * headers or expiry.
 *
 * `s3rver` is loaded when `startS3Server` is called, not before: install it as a dev dependency
 * (`npm install -D s3rver`) to use this helper.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface S3TestServer {
  /** `http://127.0.0.1:<port>`: pass with `forcePathStyle: true`. */
  readonly endpoint: string;
  /** A bucket of this server's own, empty at start. */
  readonly bucket: string;
  readonly region: string;
  /** The only credentials s3rver knows (signatures are not checked). */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** Multipart uploads started and neither completed nor aborted (their parts are stored). */
  openMultipartUploads(): Promise<number>;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/**
 * Starts s3rver with one empty bucket.
 *
 * @example
 * ```ts
 * import { createFileStorage } from '@chatwire/server';
 * import { startS3Server } from '@chatwire/server/testing';
 *
 * const s3 = await startS3Server();
 * const storage = await createFileStorage({ dataDir: '.chatwire', s3: { ...s3, forcePathStyle: true } });
 * // … storage.write / read …
 * await storage.close();
 * await s3.close();
 * ```
 */
export async function startS3Server(): Promise<S3TestServer> {
  const S3rver = await loadS3rver();
  const directory = await mkdtemp(join(tmpdir(), 'chatwire-s3-'));
  const bucket = `chatwire-test-${randomBytes(6).toString('hex')}`;
  const server = new S3rver.Server({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const uploadsDir = server.store.getResourcePath(bucket, undefined, 'uploads');
  honourRangesEndingAtZero(server.store);
  // Before the router (the last middleware): koa composes the list when the server starts.
  server.middleware.splice(server.middleware.length - 1, 0, multipartUploadGuard(uploadsDir, S3rver.Error));
  let address: { port: number };
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async openMultipartUploads() {
      const uploads = await readdir(uploadsDir).catch(() => []);
      return uploads.length;
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The few parts of koa's context the guard uses. */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

interface S3rverModule {
  Server: new (options: {
    address: string;
    port: number;
    silent: boolean;
    directory: string;
    configureBuckets: { name: string; configs: string[] }[];
  }) => {
    middleware: KoaMiddleware[];
    store: S3rverStore;
    run(): Promise<{ port: number }>;
    close(): Promise<void>;
  };
  Error: new (code: string, message: string, detail?: Record<string, string>) => Error;
}

interface S3rverStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<S3rverObject | null>;
}
interface S3rverObject {
  content: Readable | null;
  range?: { start: number; end: number };
}

async function loadS3rver(): Promise<S3rverModule> {
  // Specifiers in variables: s3rver is a test-only tool, not a dependency, so the build must not
  // bundle it; it is resolved from the project that runs the tests.
  const packageName = 's3rver';
  const errorModule = 's3rver/lib/models/error.js';
  try {
    const [server, error] = await Promise.all([import(packageName), import(errorModule)]);
    return { Server: server.default, Error: error.default };
  } catch (cause) {
    throw new Error('startS3Server needs s3rver: add it (`npm install -D s3rver`)', { cause });
  }
}

/**
 * s3rver computes a range's end as `options.end || Infinity`, so `bytes=0-0` (a common probe)
 * answers the whole object. Such a request is read as `0-1` and its content replaced by byte 0.
 */
function honourRangesEndingAtZero(store: S3rverStore): void {
  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    if (options?.end !== 0) return getObject(bucket, key, options);
    const object = await getObject(bucket, key, { ...options, end: 1 });
    if (object?.content && object.range) {
      object.content.destroy();
      object.content = createReadStream(store.getResourcePath(bucket, key, 'object'), { start: 0, end: 0 });
      object.range.end = 0;
    }
    return object;
  };
}

/** See the module comment: abort, and `NoSuchUpload` for requests on an upload that is gone. */
function multipartUploadGuard(uploadsDir: string, S3Error: S3rverModule['Error']): KoaMiddleware {
  return async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (typeof uploadId !== 'string' || !['DELETE', 'PUT', 'POST'].includes(ctx.method)) return next();
    const key = decodeURIComponent(ctx.path.split('/').slice(2).join('/'));
    // The id is s3rver's 32 hex digits: anything else is unknown (and never a path).
    const uploadDir = /^[0-9a-f]{32}$/.test(uploadId) ? join(uploadsDir, uploadId) : undefined;
    const uploadKey = uploadDir && (await readFile(join(uploadDir, 'key'), 'utf8').catch(() => undefined));
    if (uploadDir === undefined || uploadKey !== key) {
      throw new S3Error(
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        { UploadId: uploadId },
      );
    }
    if (ctx.method !== 'DELETE') return next();
    await rm(uploadDir, { recursive: true, force: true });
    ctx.status = 204;
  };
}
