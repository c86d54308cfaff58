/**
 * Who may read a file: its uploader while no message uses it; once attached, every current
 * participant of that conversation and nobody else (someone removed from it loses access). Anyone
 * else gets the `NotFound` of an id that does not exist, word for word: an outsider learns nothing,
 * not even that the file exists.
 */
import type { FileRecord, Store } from '../store/store.js';
import { type Clock, systemClock } from './clock.js';
import { NotFound } from './errors.js';

export interface FileAccess {
  /** The file, if `userId` may read it; throws `NotFound('File not found')` otherwise. */
  readable(userId: string, fileId: string): Promise<FileRecord>;
  /**
   * The file for the holder of a valid signed URL (checked by the caller: the signature stands in
   * for the reader); `NotFound` when it is gone or cannot be served.
   */
  signed(fileId: string): Promise<FileRecord>;
}

export interface FileAccessDeps {
  store: Pick<Store, 'getFile' | 'getMembership'>;
  /** Default: the system clock. */
  clock?: Clock;
}

/** The one answer for a file that is missing or not the caller's to read. */
export function fileNotFound(): NotFound {
  return new NotFound('File not found');
}

/**
 * Whether the file's bytes may be served at all: `ready` (a direct upload's `pending` record has
 * no checked bytes yet), and, while unattached, not past its expiry (the sweep may not have run).
 */
export function isServable(file: FileRecord, now: Date): boolean {
  if (file.status !== 'ready') return false;
  return file.messageId !== null || file.expiresAt === null || Date.parse(file.expiresAt) > now.getTime();
}

/**
 * @example
 * ```ts
 * const access = createFileAccess({ store, clock });
 * const file = await access.readable(userId, fileId); // or NotFound, for an outsider as for a missing id
 * ```
 */
export function createFileAccess(deps: FileAccessDeps): FileAccess {
  const { store, clock = systemClock } = deps;
  return {
    async readable(userId, fileId) {
      const file = await store.getFile(fileId);
      if (!file || !isServable(file, clock.now())) throw fileNotFound();
      if (file.conversationId === null) {
        if (file.ownerId !== userId) throw fileNotFound();
        return file;
      }
      // Attached: the conversation's participants now, not when it was sent.
      const membership = await store.getMembership(file.conversationId, userId);
      if (!membership) throw fileNotFound();
      return file;
    },
    async signed(fileId) {
      const file = await store.getFile(fileId);
      if (!file || !isServable(file, clock.now())) throw fileNotFound();
      return file;
    },
  };
}
