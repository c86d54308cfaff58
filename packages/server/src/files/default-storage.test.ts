import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startS3Server } from '../testing/s3-server.js';
import { createFileStorage } from './default-storage.js';

/** How many times the S3 module was imported: the real module, counted. */
const s3Module = vi.hoisted(() => ({ imports: 0 }));
vi.mock('./s3-storage.js', async (importOriginal) => {
  s3Module.imports += 1;
  return importOriginal();
});

const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-default-storage-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('createFileStorage', () => {
  it('stores on disk under <dataDir>/files by default, without loading the S3 module', async () => {
    for (const config of [{ dataDir }, { dataDir, s3: null }]) {
      const storage = await createFileStorage(config);
      expect(storage.kind).toBe('disk');
      await storage.write('ab/readme', Readable.from([Buffer.from('on disk')]), { mediaType: 'text/plain' });
      expect(await readFile(join(dataDir, 'files', 'ab', 'readme'), 'utf8')).toBe('on disk');
      await storage.close();
    }
    expect(s3Module.imports).toBe(0);
  });

  it('stores in the bucket when S3 is configured, with credentials from the AWS variables', async () => {
    const s3 = await startS3Server();
    vi.stubEnv('AWS_ACCESS_KEY_ID', s3.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.credentials.secretAccessKey);
    try {
      const storage = await createFileStorage({
        dataDir,
        s3: {
          bucket: s3.bucket,
          endpoint: s3.endpoint,
          region: s3.region,
          forcePathStyle: true,
          prefix: 'p/',
        },
      });
      expect(storage.kind).toBe('s3');
      expect(s3Module.imports).toBe(1);
      await storage.write('ab/readme', Readable.from([Buffer.from('in the bucket')]), {
        mediaType: 'text/plain',
      });
      expect(await storage.stat('ab/readme')).toEqual({ size: 13 });
      await storage.close();
    } finally {
      vi.unstubAllEnvs();
      await s3.close();
    }
  });
});
