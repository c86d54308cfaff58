/**
 * The rules both upload paths keep (through the server, `uploads.ts`, and straight to the bucket,
 * `direct-uploads.ts`): the name, the allowed types, the size limit and the quota, each refused
 * with a domain error that says what to do; and the record an upload becomes.
 */
import { randomUUID } from 'node:crypto';
import { FileName, type UploadedFile } from '@chatwire/sdk/contracts';
import type { FileStorage } from '../files/file-storage.js';
import type { UploadLimits } from '../options.js';
import type { FileRecord, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { Invalid, QuotaExceeded, TooLarge, UnsupportedMediaType } from './errors.js';
import { isAllowedType } from './upload-inspection.js';

/**
 * What an upload service works with (`createUploads`, `createDirectUploads`): the store methods
 * `S` it calls, the file storage, the clock and the limits.
 */
export interface UploadServiceDeps<S extends keyof Store> {
  store: Pick<Store, S>;
  storage: FileStorage;
  clock: Clock;
  limits: UploadLimits;
}

/** Where the file's fields are in the input: `file` (multipart) or the direct upload's body fields. */
type Field = 'file' | 'name' | 'mediaType' | 'size';

const mebibyte = 1024 * 1024;
/** `20 MiB`, `512 KiB`, `300 bytes`: limits as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes >= mebibyte) return `${Number((bytes / mebibyte).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

/**
 * The name to keep: the last segment of what the client sent (some browsers send a path, e.g.
 * `C:\fakepath\photo.png`), checked as the contract's `FileName`.
 */
export function cleanFileName(raw: string, field: Field): string {
  const name = raw.split(/[/\\]/).pop()?.trim() ?? '';
  const result = FileName['~standard'].validate(name);
  if (result instanceof Promise || result.issues) {
    const message =
      result instanceof Promise ? 'Invalid file name' : (result.issues[0]?.message ?? 'Invalid');
    throw new Invalid(`The file name is not usable: ${message}`, [{ path: [field], message }]);
  }
  return result.value;
}

export function emptyFile(field: Field): Invalid {
  return new Invalid('The file is empty: choose a file with content', [{ path: [field], message: 'Empty' }]);
}

export function tooLarge(maxBytes: number): TooLarge {
  return new TooLarge(`The file is larger than ${formatBytes(maxBytes)}, the most this server accepts`);
}

export function quotaExceeded(quotaBytes: number): QuotaExceeded {
  return new QuotaExceeded(
    `Your files would take more than your ${formatBytes(quotaBytes)}: delete messages with files you no longer need`,
  );
}

/** Refuses a media type outside the allow-list. */
export function checkMediaType(mediaType: string, allowed: readonly string[], field: Field): void {
  if (isAllowedType(mediaType, allowed)) return;
  throw new UnsupportedMediaType(
    `Files of type ${mediaType} are not accepted; accepted: ${allowed.join(', ')}`,
    [{ path: [field], message: `${mediaType} is not accepted` }],
  );
}

/**
 * Bytes `userId` may still store (may be zero or less). Two uploads racing may both fit where
 * only one would: the quota bounds use, it is not a ledger.
 */
export async function quotaLeft(
  store: Pick<Store, 'fileBytesOf'>,
  userId: string,
  limits: UploadLimits,
): Promise<number> {
  return limits.quotaBytes - (await store.fileBytesOf(userId));
}

/** A fresh storage key: opaque, and spread over 256 directories on disk. */
export function newStorageKey(): string {
  const uuid = randomUUID();
  return `${uuid.slice(0, 2)}/${uuid}`;
}

/** When an upload made at `now` expires, unless a message uses it first. */
export function expiryOf(now: Date, limits: UploadLimits): string {
  return new Date(now.getTime() + limits.ttlSeconds * 1000).toISOString();
}

/** A file as its reader sees it (`POST /v1/uploads`, `GET /v1/files/:id`). */
export function toUploadedFile(file: FileRecord): UploadedFile {
  return {
    id: file.id,
    name: file.name,
    mediaType: file.mediaType,
    size: file.size,
    sha256: file.sha256,
    ...(file.width !== null ? { width: file.width } : {}),
    ...(file.height !== null ? { height: file.height } : {}),
    createdAt: file.createdAt,
    expiresAt: file.expiresAt,
    messageId: file.messageId,
  };
}
