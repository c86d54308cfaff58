/**
 * The ground of the upload suites: a real server on each storage (disk under its data dir, S3 on a
 * real s3rver) and store (lowdb, PostgreSQL when `DATABASE_URL` is set), a count of the objects
 * in its storage (to show a refused upload left nothing), real image bytes, and multipart uploads
 * over `fetch`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe } from 'vitest';
import { createS3Storage } from '../../files/s3-storage.js';
import type { AppOptionsInput } from '../../options.js';
import { createPostgresStore } from '../../store/postgres/postgres-store.js';
import type { Store } from '../../store/store.js';
import { call, type JsonResponse } from '../../testing/http.js';
import { type S3TestServer, startS3Server } from '../../testing/s3-server.js';
import { startTestServer, type TestServer } from '../../testing/start-server.js';
import { createTestSchema, describePostgres, type TestSchema } from '../../testing/test-database.js';

export interface UploadStack {
  server: TestServer;
  storage: 'disk' | 's3';
  /** Objects (and temp files) in the storage now. */
  objectCount(): Promise<number>;
  /** The S3 server, on `s3` stacks. */
  s3?: S3TestServer;
}

async function filesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).length;
}

async function s3Stack(options: AppOptionsInput, store?: Store) {
  const s3 = await startS3Server();
  const fileStorage = createS3Storage({ ...s3, forcePathStyle: true });
  const server = await startTestServer({ ...options, fileStorage, ...(store ? { store } : {}) });
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: s3.credentials,
    forcePathStyle: true,
  });
  const stack: UploadStack = {
    server,
    storage: 's3',
    s3,
    async objectCount() {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
      return (listed.KeyCount ?? 0) + (await s3.openMultipartUploads());
    },
  };
  return {
    stack,
    async close() {
      await server.close();
      await fileStorage.close();
      client.destroy();
      await s3.close();
    },
  };
}

/**
 * Registers `suite` on lowdb + disk, lowdb + S3, and PostgreSQL + S3 when `DATABASE_URL` is set;
 * `options` go to every server (limits small enough for quick tests).
 */
export function describeOnEachStack(
  name: string,
  options: AppOptionsInput,
  suite: (stack: () => UploadStack) => void,
): void {
  describe(`${name} (lowdb, disk)`, () => {
    let stack: UploadStack | undefined;
    beforeAll(async () => {
      const server = await startTestServer(options);
      stack = { server, storage: 'disk', objectCount: () => filesUnder(join(server.dataDir, 'files')) };
    });
    afterAll(async () => stack?.server.close());
    suite(() => stack ?? unstarted());
  });

  describe(`${name} (lowdb, S3)`, () => {
    let started: Awaited<ReturnType<typeof s3Stack>> | undefined;
    beforeAll(async () => {
      started = await s3Stack(options);
    });
    afterAll(async () => started?.close());
    suite(() => started?.stack ?? unstarted());
  });

  describePostgres(`${name} (PostgreSQL, S3)`, (connectionString) => {
    let started: Awaited<ReturnType<typeof s3Stack>> | undefined;
    let schema: TestSchema | undefined;
    let store: Store | undefined;
    beforeAll(async () => {
      schema = await createTestSchema(connectionString);
      store = createPostgresStore({ connectionString, schema: schema.name, poolMax: 4 });
      await store.init();
      started = await s3Stack(options, store);
    });
    afterAll(async () => {
      await started?.close();
      await store?.close();
      await schema?.drop();
    });
    suite(() => started?.stack ?? unstarted());
  });
}

function unstarted(): never {
  throw new Error('the stack is not started yet: use it inside a test');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real `width`×`height` PNG (grey, 8-bit). */
export function pngBytes(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The head of a `width`×`height` baseline JPEG: SOI, JFIF APP0, SOF0 (enough for sniffing and size). */
export function jpegBytes(width: number, height: number): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00,
  ]);
  const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01, 0x01, 0x11, 0x00]);
  sof0.writeUInt16BE(height, 5);
  sof0.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0, Buffer.from([0xff, 0xd9])]);
}

/** The first bytes of a PDF. */
export const pdfBytes = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

/** A Windows executable's head (`MZ`, PE offset, `PE\0\0`). */
export function exeBytes(): Buffer {
  const bytes = Buffer.alloc(256);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  bytes.writeUInt16LE(0x14c, 0x84); // i386
  return bytes;
}

/** Uploads `bytes` as `name` (claimed as `type`) with a multipart `fetch`, as a browser's FormData does. */
export async function upload(
  baseUrl: string,
  token: string,
  bytes: Uint8Array,
  name: string,
  type = 'application/octet-stream',
  field = 'file',
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
): Promise<JsonResponse<any>> {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type }), name);
  const response = await fetch(`${baseUrl}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** `GET` of a path under `baseUrl` (a signed URL, a file's content), bytes and headers. */
export async function download(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

export { call };
