/**
 * Picks the `FileStorage` a server runs on from its configuration: the local disk unless S3 is
 * configured.
 */
import { join } from 'node:path';
import { createDiskStorage } from './disk-storage.js';
import type { FileStorage } from './file-storage.js';
import type { S3StorageOptions } from './s3-storage.js';

/** Where uploads live. */
export interface FileStorageConfig {
  /** The server's data dir: the disk storage keeps files under `<dataDir>/files`. */
  dataDir: string;
  /**
   * S3-compatible object storage instead of the disk (`S3_BUCKET`, `S3_ENDPOINT`, `S3_REGION`);
   * credentials, when not given, come from the usual AWS variables. Default `null`: the disk.
   */
  s3?: Pick<
    S3StorageOptions,
    'bucket' | 'endpoint' | 'region' | 'forcePathStyle' | 'prefix' | 'credentials'
  > | null;
}

/**
 * The disk storage under `<dataDir>/files`, or S3 when `s3` is set. The S3 module (and with it the
 * AWS SDK, a few MB of code) is imported only then, so a server on disk never loads it.
 *
 * @example
 * ```ts
 * const onDisk = await createFileStorage({ dataDir: '.chatwire' });
 * const onR2 = await createFileStorage({
 *   dataDir: '.chatwire',
 *   s3: { bucket: 'chatwire-files', endpoint: 'https://<account>.r2.cloudflarestorage.com', region: 'auto' },
 * });
 * ```
 */
export async function createFileStorage(config: FileStorageConfig): Promise<FileStorage> {
  if (config.s3) {
    const { createS3Storage } = await import('./s3-storage.js');
    return createS3Storage(config.s3);
  }
  return createDiskStorage({ dir: join(config.dataDir, 'files') });
}
