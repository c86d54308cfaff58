/**
 * Direct uploads: the browser sends the bytes straight to the bucket with a presigned `PUT`, so a
 * big file never passes through the server, which only signs and then checks what arrived.
 *
 * `create` checks the limits on what the client announces and stores a `pending` record (counted
 * in the quota at its announced size; swept if never completed). `complete` holds the object to
 * the same rules as an upload through the server — the size must be the announced one, the type is
 * sniffed from its head, its SHA-256 is computed by reading it once — and turns the record `ready`
 * with a compare-and-set, so of two racing completions one wins. A refused object is deleted with
 * its record: nothing of a refused upload is kept.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DirectUpload, DirectUploadInput } from '@chatwire/sdk/contracts';
import type { FileStorage } from '../files/file-storage.js';
import { newId } from '../ids.js';
import type { UploadLimits } from '../options.js';
import type { FileRecord, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { Conflict, DomainError, Invalid, NotSupported, TooLarge } from './errors.js';
import { fileNotFound } from './file-access.js';
import { createHashingStream } from './sha256-stream.js';
import { headBytes, type Inspection, inspectHead } from './upload-inspection.js';
import {
  checkMediaType,
  cleanFileName,
  expiryOf,
  newStorageKey,
  quotaExceeded,
  quotaLeft,
  tooLarge,
} from './upload-rules.js';

export interface DirectUploads {
  /** Whether the storage can presign uploads (`UploadOptions.direct`). */
  readonly available: boolean;
  /** A `pending` file and where to `PUT` its bytes; `NotSupported` without S3 storage. */
  create(userId: string, input: DirectUploadInput): Promise<DirectUpload>;
  /** Checks what arrived and makes the file `ready` (a repeat answers the ready file). */
  complete(userId: string, fileId: string): Promise<FileRecord>;
}

export interface DirectUploadDeps {
  store: Pick<Store, 'createFile' | 'getFile' | 'updateFile' | 'deleteFile' | 'fileBytesOf'>;
  storage: FileStorage;
  clock: Clock;
  limits: UploadLimits;
}

/** How long after its presigned PUT expires a direct upload may still be completed, seconds. */
const completeGraceSeconds = 600;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * @example
 * ```ts
 * const direct = createDirectUploads({ store, storage: s3, clock, limits: options.uploads });
 * const { id, uploadUrl, headers } = await direct.create(userId, { name: 'a.pdf', mediaType: 'application/pdf', size });
 * await fetch(uploadUrl, { method: 'PUT', headers, body }); // the client, straight to the bucket
 * const file = await direct.complete(userId, id); // status 'ready', sniffed type, sha256
 * ```
 */
export function createDirectUploads(deps: DirectUploadDeps): DirectUploads {
  const { store, storage, clock, limits } = deps;

  /** Refuses the upload: its object and record go, then `error` is thrown. */
  async function refuse(file: FileRecord, error: Error): Promise<never> {
    await storage.delete(file.storageKey);
    await store.deleteFile(file.id);
    throw error;
  }

  /** What the object in the bucket is, by its head and one full read for the digest. */
  async function examine(file: FileRecord, size: number): Promise<Inspection & { sha256: string }> {
    const headStream = await storage.read(file.storageKey, { start: 0, end: Math.min(size, headBytes) - 1 });
    if (!headStream) throw new Conflict('The file has not arrived: PUT it to its uploadUrl first');
    const inspection = await inspectHead(await readAll(headStream), file.name, size <= headBytes);
    checkMediaType(inspection.mediaType, limits.mediaTypes, 'file');
    const whole = await storage.read(file.storageKey);
    if (!whole) throw new Conflict('The file has not arrived: PUT it to its uploadUrl first');
    const hashing = createHashingStream();
    await pipeline(whole, hashing, async (hashed: AsyncIterable<Buffer>) => {
      for await (const _ of hashed); // only the digest is wanted
    });
    if (hashing.bytes !== size) throw new Conflict('The file changed while it was checked: upload it again');
    return { ...inspection, sha256: hashing.sha256() };
  }

  return {
    available: storage.presignPut !== undefined,

    async create(userId, input) {
      if (!storage.presignPut)
        throw new NotSupported(
          'This server stores files on its own disk: upload through it with POST /v1/uploads (multipart) instead',
        );
      const name = cleanFileName(input.name, 'name');
      if (input.size > limits.maxBytes) throw tooLarge(limits.maxBytes);
      checkMediaType(input.mediaType, limits.mediaTypes, 'mediaType');
      if (input.size > (await quotaLeft(store, userId, limits))) throw quotaExceeded(limits.quotaBytes);

      const now = clock.now();
      const file = await store.createFile({
        id: newId(now.getTime()),
        ownerId: userId,
        name,
        mediaType: input.mediaType,
        size: input.size,
        sha256: '',
        width: null,
        height: null,
        storageKey: newStorageKey(),
        status: 'pending',
        conversationId: null,
        messageId: null,
        createdAt: now.toISOString(),
        // Never completed, it is swept soon after its PUT could have happened (with whatever reached
        // the bucket), so that an abandoned upload does not hold its quota for a day.
        expiresAt: new Date(
          now.getTime() + (limits.directTtlSeconds + completeGraceSeconds) * 1000,
        ).toISOString(),
      });
      try {
        const put = await storage.presignPut(file.storageKey, {
          mediaType: input.mediaType,
          size: input.size,
          expiresInSeconds: limits.directTtlSeconds,
        });
        return {
          id: file.id,
          uploadUrl: put.url,
          method: 'PUT',
          headers: put.headers,
          expiresAt: put.expiresAt.toISOString(),
        };
      } catch (error) {
        await store.deleteFile(file.id);
        throw error;
      }
    },

    async complete(userId, fileId) {
      const file = await store.getFile(fileId);
      const expired = file?.expiresAt != null && Date.parse(file.expiresAt) <= clock.now().getTime();
      if (!file || file.ownerId !== userId || expired) throw fileNotFound();
      if (file.status === 'ready') return file;

      const stat = await storage.stat(file.storageKey);
      if (!stat) throw new Conflict('The file has not arrived: PUT it to its uploadUrl first');
      if (stat.size > file.size)
        return refuse(
          file,
          new TooLarge(`More than the ${file.size} bytes announced arrived: upload it again`),
        );
      if (stat.size < file.size)
        return refuse(
          file,
          new Invalid(`Only ${stat.size} of the ${file.size} bytes announced arrived: upload it again`, [
            { path: ['size'], message: 'Does not match the bytes that arrived' },
          ]),
        );
      let examined: Inspection & { sha256: string };
      try {
        examined = await examine(file, stat.size);
      } catch (error) {
        // Refused by a rule (its type): nothing is kept. Anything else (the bucket unreachable) may pass.
        if (error instanceof Conflict || !(error instanceof DomainError)) throw error;
        return refuse(file, error);
      }
      const ready = await store.updateFile(
        file.id,
        {
          mediaType: examined.mediaType,
          size: stat.size,
          sha256: examined.sha256,
          width: examined.width ?? null,
          height: examined.height ?? null,
          status: 'ready',
          // From now on, an upload like any other: the uploader's until attached, for the usual time.
          expiresAt: expiryOf(clock.now(), limits),
        },
        ['pending'],
      );
      if (ready) return ready;
      // Another completion won the compare-and-set: answer what it made.
      const current = await store.getFile(file.id);
      if (current?.status === 'ready' && current.ownerId === userId) return current;
      throw fileNotFound();
    },
  };
}
