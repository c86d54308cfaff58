/** The file use cases `buildApp` wires: uploads (direct ones too), access, signed URLs, removal, the sweep. */
import type { FastifyBaseLogger } from 'fastify';
import type { AppSeams } from './app-seams.js';
import type { AppOptions } from './options.js';
import { createDirectUploads } from './services/direct-uploads.js';
import { createFileAccess } from './services/file-access.js';
import { createFileRemoval } from './services/file-removal.js';
import { createFileUrls } from './services/file-urls.js';
import { createUploadSweep } from './services/upload-sweep.js';
import { createUploads } from './services/uploads.js';

export function createFileServices(
  options: AppOptions,
  seams: Pick<AppSeams, 'store' | 'fileStorage' | 'jwtSecret' | 'clock'>,
  log: FastifyBaseLogger,
) {
  const { store, fileStorage: storage, clock } = seams;
  const uploadDeps = { store, storage, clock, limits: options.uploads };
  return {
    /** The signed URLs messages carry for their files. */
    urls: createFileUrls({ secret: seams.jwtSecret, ttlSeconds: options.fileUrlTtlSeconds, clock }),
    /** Deletes of messages and conversations take their files along. */
    removal: createFileRemoval({
      store,
      storage,
      onError: (error) => log.warn({ err: error }, 'removing the files of a deleted conversation failed'),
    }),
    uploads: createUploads(uploadDeps),
    directUploads: createDirectUploads(uploadDeps),
    access: createFileAccess({ store, clock }),
    /** Not started: `buildApp` starts it, and stops it on close. */
    sweep: createUploadSweep({
      store,
      storage,
      clock,
      onError: (error) => log.warn({ err: error }, 'sweeping expired uploads failed'),
    }),
  };
}

export type FileServices = ReturnType<typeof createFileServices>;
