/**
 * Direct uploads: the browser sends the bytes straight to the bucket with a presigned `PUT`, so a
 * big file never passes through the server, which only signs and then checks what arrived.
 *
 * `create` checks the limits on what the client announces, stores a `pending` record (counted in
 * the quota at its announced size; swept if never completed) and presigns a `PUT` to a STAGING key
 * (`staging/…`). That URL stays valid until it expires, whatever the server does, so nothing under
 * a staging key is ever served or counted: `complete` claims the record (`pending` → `checking`, a
 * compare-and-set, so of two racing completions one examines), reads the staged object ONCE —
 * sniffing its head and hashing as it streams, as an upload through the server does — into a fresh
 * final key, and records that key with the file `ready`. What the sender PUTs afterwards lands on
 * a staging key nobody reads; the staged object is deleted, and a bucket lifecycle rule expiring
 * `staging/` (README, S3) removes what a late PUT leaves. A refused upload deletes the staged
 * object and its record: nothing of it is kept.
 */
import type { DirectUpload, DirectUploadInput } from '@chatwire/sdk/contracts';
import { ObjectTooLargeError } from '../files/file-storage.js';
import { newId } from '../ids.js';
import type { FileRecord } from '../store/store.js';
import { Conflict, DomainError, Invalid, NotSupported, TooLarge, Unavailable } from './errors.js';
import { fileNotFound } from './file-access.js';
import { createHashingStream } from './sha256-stream.js';
import { storageUnavailable } from './storage-unavailable.js';
import { splitHead } from './stream-head.js';
import { headBytes, type Inspection, inspectHead } from './upload-inspection.js';
import {
  checkMediaType,
  cleanFileName,
  emptyFile,
  expiryOf,
  newStorageKey,
  quotaExceeded,
  quotaLeft,
  tooLarge,
  type UploadServiceDeps,
} from './upload-rules.js';

export interface DirectUploads {
  /** Whether the storage can presign uploads (`UploadOptions.direct`). */
  readonly available: boolean;
  /** A `pending` file and where to `PUT` its bytes; `NotSupported` without S3 storage. */
  create(userId: string, input: DirectUploadInput): Promise<DirectUpload>;
  /** Checks what arrived and makes the file `ready` (a repeat answers the ready file). */
  complete(userId: string, fileId: string): Promise<FileRecord>;
}

export type DirectUploadDeps = UploadServiceDeps<
  'createFile' | 'getFile' | 'updateFile' | 'deleteFile' | 'fileBytesOf'
>;

/** How long after its presigned PUT expires a direct upload may still be completed, seconds. */
const completeGraceSeconds = 600;

/** Where presigned PUTs go: never served, never counted, expired by a bucket lifecycle rule. */
export const stagingPrefix = 'staging/';

/** What `complete` made of the staged object: its checked copy under `storageKey`. */
interface Taken extends Inspection {
  storageKey: string;
  size: number;
  sha256: string;
}

/** Runs a storage call; its failure is `Unavailable` (503), not a 500. */
async function fromStorage<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storageUnavailable(error);
  }
}

/**
 * Step one of a direct upload: the limits checked on what is announced, a `pending` record whose
 * key is under the staging prefix, and the presigned PUT to it.
 */
async function startDirectUpload(
  deps: DirectUploadDeps,
  userId: string,
  input: DirectUploadInput,
): Promise<DirectUpload> {
  const { store, storage, clock, limits } = deps;
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
    storageKey: `${stagingPrefix}${newStorageKey()}`,
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

  /** Refuses the upload: its staged object and its record go, then `error` is thrown. */
  async function refuse(file: FileRecord, error: Error): Promise<never> {
    await fromStorage(() => storage.delete(file.storageKey));
    await store.deleteFile(file.id);
    throw error;
  }

  /**
   * Reads the staged object once: its head is sniffed before anything is written, and the whole
   * of it streams through a SHA-256 into a fresh key — so what is recorded is what was examined,
   * whatever the sender PUTs to the staging key meanwhile.
   */
  async function take(file: FileRecord): Promise<Taken> {
    const body = await fromStorage(() => storage.read(file.storageKey));
    if (!body) throw new Conflict('The file has not arrived: PUT it to its uploadUrl first');
    const split = await fromStorage(() => splitHead(body, headBytes));
    try {
      if (split.head.length === 0) throw emptyFile('file');
      const inspection = await inspectHead(split.head, file.name, split.ended);
      checkMediaType(inspection.mediaType, limits.mediaTypes, 'file');
      const storageKey = newStorageKey();
      const hashing = createHashingStream();
      split.rest.on('error', (error) => hashing.destroy(error));
      hashing.on('error', () => undefined);
      split.rest.pipe(hashing);
      try {
        await storage.write(storageKey, hashing, { mediaType: inspection.mediaType, maxBytes: file.size });
      } catch (error) {
        if (error instanceof ObjectTooLargeError)
          throw new TooLarge(`More than the ${file.size} bytes announced arrived: upload it again`);
        throw storageUnavailable(error);
      }
      if (hashing.bytes !== file.size) {
        await fromStorage(() => storage.delete(storageKey));
        throw sizeMismatch(hashing.bytes, file.size);
      }
      return { ...inspection, storageKey, size: hashing.bytes, sha256: hashing.sha256() };
    } finally {
      split.rest.destroy();
    }
  }

  /** `file` claimed (`checking`): its bytes taken and the record `ready`, or refused with nothing kept. */
  async function examine(file: FileRecord, arrived: number): Promise<FileRecord> {
    let taken: Taken;
    try {
      if (arrived > file.size)
        throw new TooLarge(`More than the ${file.size} bytes announced arrived: upload it again`);
      if (arrived < file.size) throw sizeMismatch(arrived, file.size);
      taken = await take(file);
    } catch (error) {
      // Refused by a rule (size, type): nothing is kept. Anything else (the bucket unreachable, the
      // object gone) leaves it `pending`, to be completed again.
      const refusal =
        error instanceof DomainError && !(error instanceof Conflict || error instanceof Unavailable);
      let failure: unknown = error;
      if (refusal) failure = await refuse(file, error).catch((thrown: unknown) => thrown);
      // Kept (not refused, or its staged object could not be deleted): `pending`, to be completed again.
      if (!refusal || failure !== error) await store.updateFile(file.id, { status: 'pending' }, ['checking']);
      throw failure;
    }
    const ready = await store.updateFile(
      file.id,
      {
        mediaType: taken.mediaType,
        size: taken.size,
        sha256: taken.sha256,
        width: taken.width ?? null,
        height: taken.height ?? null,
        storageKey: taken.storageKey,
        status: 'ready',
        // From now on, an upload like any other: the uploader's until attached, for the usual time.
        expiresAt: expiryOf(clock.now(), limits),
      },
      ['checking'],
    );
    if (!ready) {
      // The sweep claimed it meanwhile (`deleting`): the copy is nobody's.
      await storage.delete(taken.storageKey).catch(() => undefined);
      throw fileNotFound();
    }
    // What the sender may still PUT there is never read; the lifecycle rule expires a leftover.
    await storage.delete(file.storageKey).catch(() => undefined);
    return ready;
  }

  return {
    available: storage.presignPut !== undefined,

    create: (userId, input) => startDirectUpload(deps, userId, input),

    async complete(userId, fileId) {
      const file = await store.getFile(fileId);
      const expired = file?.expiresAt != null && Date.parse(file.expiresAt) <= clock.now().getTime();
      if (!file || file.ownerId !== userId || expired || file.status === 'deleting') throw fileNotFound();
      if (file.status === 'ready') return file;
      if (file.status === 'checking') throw beingChecked();

      const stat = await fromStorage(() => storage.stat(file.storageKey));
      if (!stat) throw new Conflict('The file has not arrived: PUT it to its uploadUrl first');
      const claimed = await store.updateFile(file.id, { status: 'checking' }, ['pending']);
      if (claimed) return examine(claimed, stat.size);
      // Another completion claimed it first: answer what it made, or that it is still at it.
      const current = await store.getFile(file.id);
      if (current?.status === 'ready' && current.ownerId === userId) return current;
      if (current?.status === 'checking') throw beingChecked();
      throw fileNotFound();
    },
  };
}

function sizeMismatch(arrived: number, announced: number): Invalid {
  return new Invalid(`Only ${arrived} of the ${announced} bytes announced arrived: upload it again`, [
    { path: ['size'], message: 'Does not match the bytes that arrived' },
  ]);
}

function beingChecked(): Conflict {
  return new Conflict('The file is being checked by another completion: try again in a moment');
}
