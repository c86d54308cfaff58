/**
 * The `FileStorage` on the local disk: the embedded default, one process's (several processes
 * behind one URL use S3). Each object is one file, `<dir>/<key>`.
 *
 * - Atomic: a write streams to a temp file in `<dir>/~incoming/` (under the same directory, so the
 *   same filesystem), then `rename`s it into place. Readers see the old object or the whole new
 *   one, never a part; a failed, aborted or over-limit write removes its temp file (and, as
 *   `stream.pipeline` does, destroys the body).
 * - Durable: the temp file is fsynced before the rename, and the object's directory after it, so a
 *   resolved write survives a power cut — without the second fsync the rename itself may be lost.
 * - A crash (SIGKILL, power cut) mid-write leaves only a temp file: `~` is not allowed in keys
 *   (storage-key.ts), so `~incoming` is never read as an object, and the next
 *   {@link createDiskStorage} empties it — one directory, so start-up costs nothing however many
 *   files are stored. That is also why one directory must not be shared by two processes.
 * - Overwrite: a write to an existing key replaces it (last completed write wins); a read already
 *   streaming keeps the old bytes (it holds the old file open).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ByteRange, type FileStorage, ObjectTooLargeError } from './file-storage.js';
import { assertStorageKey } from './storage-key.js';

export interface DiskStorageOptions {
  /** The directory that holds the objects; created if missing. */
  dir: string;
}

/**
 * Where writes in progress live, beside the objects (one file system, so the rename into place is
 * atomic): `~` is a character no key contains, so no object is ever in it. One directory of its
 * own, so that start-up clears what a crash left without walking every stored file.
 */
const INCOMING = '~incoming';

/**
 * Creates the directory if needed and removes the temp files a crash left behind.
 *
 * @example
 * ```ts
 * const storage = await createDiskStorage({ dir: join(dataDir, 'files') });
 * await storage.write('ab/0b6e…', Readable.from([bytes]), { mediaType: 'image/png', maxBytes: 20 << 20 });
 * const stream = await storage.read('ab/0b6e…', { start: 0, end: 1023 }); // the first KiB, or null
 * ```
 */
export async function createDiskStorage(options: DiskStorageOptions): Promise<FileStorage> {
  const root = options.dir;
  const incoming = join(root, INCOMING);
  await rm(incoming, { recursive: true, force: true });
  await mkdir(incoming, { recursive: true });

  const pathOf = (key: string): string => {
    assertStorageKey(key);
    return join(root, key);
  };

  return {
    kind: 'disk',

    async write(key, body, { maxBytes, signal }) {
      const path = pathOf(key);
      await makeDirectoryDurably(dirname(path));
      const temp = join(incoming, randomBytes(12).toString('hex'));
      let size = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (maxBytes !== undefined && size > maxBytes) callback(new ObjectTooLargeError(maxBytes));
          else callback(null, chunk);
        },
      });
      // Opened here rather than by the stream, so that the file exists before any cleanup runs.
      const handle = await open(temp, 'wx');
      let renamed = false;
      try {
        // `flush`: the stream fsyncs the file before closing it; the pipeline settles once it is closed.
        await pipeline(body, counter, handle.createWriteStream({ flush: true }), { signal });
        await rename(temp, path);
        renamed = true;
        await syncDirectory(dirname(path));
      } catch (error) {
        await handle.close().catch(() => undefined); // already closed by the stream, usually
        await rm(temp, { force: true });
        // Renamed but not made durable: a write reported failed keeps no object (the caller would
        // record none, and nothing would ever delete it).
        if (renamed) await rm(path, { force: true });
        throw error;
      }
      return { size };
    },

    async read(key, range?: ByteRange) {
      const path = pathOf(key);
      // Opened first, so that a missing object is `null` here rather than an error on the stream.
      const handle = await open(path, 'r').catch(nullWhenMissing);
      if (handle === null) return null;
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        return null;
      }
      return handle.createReadStream({ start: range?.start, end: range?.end });
    },

    async stat(key) {
      const found = await stat(pathOf(key)).catch(nullWhenMissing);
      return found?.isFile() ? { size: found.size } : null;
    },

    async delete(key) {
      await unlink(pathOf(key)).catch(nullWhenMissing);
    },

    async close() {
      // Nothing is held open between calls: read streams close themselves.
    },
  };
}

/** `null` for "no such file" (and a directory where a file was asked for); anything else rethrown. */
function nullWhenMissing(error: unknown): null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
  throw error;
}

/** `mkdir -p`, then fsync the parent of each directory it created, so the new entries are durable too. */
async function makeDirectoryDurably(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const parents: string[] = [];
  for (let created = dir; created.length >= first.length; created = dirname(created)) {
    parents.push(dirname(created));
  }
  for (const parent of parents) await syncDirectory(parent);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
