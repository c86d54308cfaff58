/**
 * The disk storage when the file system fails after the rename: the directory fsync that makes the
 * rename durable. The write is reported failed, so it must keep no object either.
 */

import type * as fs from 'node:fs/promises';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDiskStorage } from './disk-storage.js';

const faults = vi.hoisted(() => ({ failDirectorySync: false }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  /** The fsync after the rename: of a directory that already holds an object (no temp mark `~`). */
  async function afterRename(path: unknown, flags: unknown): Promise<boolean> {
    if (!faults.failDirectorySync || flags !== 'r' || typeof path !== 'string') return false;
    if (!(await real.stat(path)).isDirectory()) return false;
    const entries = await real.readdir(path, { withFileTypes: true });
    return entries.some((entry) => entry.isFile() && !entry.name.includes('~'));
  }
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      if (!(await afterRename(args[0], args[1]))) return handle;
      return Object.assign(Object.create(handle) as typeof handle, {
        sync: async () => {
          throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        },
        close: () => handle.close(),
      });
    },
  };
});

afterEach(() => {
  faults.failDirectorySync = false;
});

describe('disk storage faults', () => {
  it('a directory fsync that fails after the rename fails the write and leaves no object', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chatwire-disk-faults-'));
    try {
      const storage = await createDiskStorage({ dir });
      faults.failDirectorySync = true;
      await expect(
        storage.write('ab/object', Readable.from([Buffer.from('bytes')]), { mediaType: 'text/plain' }),
      ).rejects.toThrow(/EIO/);
      faults.failDirectorySync = false;
      expect(await storage.stat('ab/object')).toBeNull();
      expect(await readdir(join(dir, 'ab'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
