import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFileStorage } from '../testing/file-storage-suite.js';
import { startS3Server } from '../testing/s3-server.js';
import { createS3Storage } from './s3-storage.js';

// A real S3-compatible server in this process (s3rver): nothing external, so these always run.
const s3 = await startS3Server();
afterAll(() => s3.close());

const connection = {
  bucket: s3.bucket,
  endpoint: s3.endpoint,
  region: s3.region,
  credentials: s3.credentials,
  forcePathStyle: true,
};

describeFileStorage('s3', async () => createS3Storage(connection), {
  // An aborted multipart upload that was not aborted would keep its parts: none may be left.
  leftovers: () => s3.openMultipartUploads(),
});

describe('s3 storage', () => {
  it('keeps objects under its prefix, with their media type', async () => {
    const storage = createS3Storage({ ...connection, prefix: 'tenant-a/' });
    const other = createS3Storage({ ...connection, prefix: 'tenant-b/' });
    await storage.write('ab/photo', Readable.from([Buffer.from('png bytes')]), { mediaType: 'image/png' });
    expect(await other.stat('ab/photo')).toBeNull();
    const client = adminClient();
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'tenant-a/ab/photo' }));
    expect(head).toMatchObject({ ContentLength: 9, ContentType: 'image/png' });
    client.destroy();
    await Promise.all([storage.close(), other.close()]);
  });

  it('presigns a PUT that a plain fetch with the given headers stores', async () => {
    const storage = createS3Storage(connection);
    const bytes = randomBytes(70_000);
    const before = Date.now();
    const put = await storage.presignPut!('ab/direct', {
      mediaType: 'image/jpeg',
      size: bytes.length,
      expiresInSeconds: 600,
    });
    expect(put.headers).toEqual({ 'content-type': 'image/jpeg', 'content-length': String(bytes.length) });
    expect(put.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 600_000);
    const url = new URL(put.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    // Both headers are part of the signature, so the bucket refuses another type or size …
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
    // … and no checksum of an empty body is baked into the URL (S3 would refuse the real body).
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);

    const response = await fetch(put.url, { method: 'PUT', headers: put.headers, body: bytes });
    expect(response.status).toBe(200);
    expect(await storage.stat('ab/direct')).toEqual({ size: bytes.length });
    const stored = await storage.read('ab/direct');
    const chunks: Buffer[] = [];
    for await (const chunk of stored!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(bytes);
    await storage.close();
  });

  it('refuses a part size below S3’s 5 MiB minimum', () => {
    expect(() => createS3Storage({ ...connection, partSizeBytes: 1024 * 1024 })).toThrow(RangeError);
  });

  it('fails, rather than answering null, when the bucket does not exist', async () => {
    const storage = createS3Storage({ ...connection, bucket: `missing-${randomBytes(4).toString('hex')}` });
    await expect(storage.read('ab/x')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await storage.close();
  });
});

function adminClient(): S3Client {
  return new S3Client({ ...connection, requestChecksumCalculation: 'WHEN_REQUIRED' });
}
