/**
 * The file operations of the lowdb store: every write to `files.json` runs under one lock, the
 * claims of message appends included, so a check and its write never interleave with another
 * (two sends racing for one file: the second finds it attached). Reads are answered from memory.
 *
 * Lock order: an append holds its conversation's lock and then takes this one; nothing holding
 * this lock waits for a conversation's, so the two never deadlock.
 */
import { copyFile } from '../copies.js';
import type { KeyedLock } from '../keyed-lock.js';
import type { FilePatch, FileRecord, FileStatus, NewMessage } from '../store.js';
import type { FilesDocument } from './files-document.js';

const FILES_LOCK = 'files';

export class FileOperations {
  constructor(
    readonly document: FilesDocument,
    readonly lock: KeyedLock,
  ) {}

  async create(file: FileRecord): Promise<FileRecord> {
    await this.lock.run(FILES_LOCK, () => this.document.create(file));
    return copyFile(file);
  }

  get(id: string): FileRecord | null {
    const file = this.document.get(id);
    return file ? copyFile(file) : null;
  }

  update(id: string, patch: FilePatch, whileStatus?: readonly FileStatus[]): Promise<FileRecord | null> {
    return this.lock.run(FILES_LOCK, () => this.document.update(id, patch, whileStatus));
  }

  delete(id: string): Promise<boolean> {
    return this.lock.run(FILES_LOCK, () => this.document.delete(id));
  }

  bytesOf(ownerId: string): number {
    return this.document.bytesOf(ownerId);
  }

  listExpired(now: string, limit: number): FileRecord[] {
    return this.document.expired(now, limit);
  }

  listUnattachedOf(ownerId: string): FileRecord[] {
    return this.document.unattachedOf(ownerId);
  }

  listAttached(conversationId: string, messageId?: string): FileRecord[] {
    return this.document.attachedIn(conversationId, messageId);
  }

  /**
   * Claims `fileIds` for `message` (see `files-document.ts`). Call under the message's
   * conversation lock, before its segment is written.
   *
   * @throws StoreFileError when one of them may not be attached: nothing is claimed.
   */
  claim(message: NewMessage, fileIds: readonly string[]): Promise<void> {
    return this.lock.run(FILES_LOCK, () => this.document.claim(message, fileIds));
  }

  /** The claimed message is on disk. */
  confirm(fileIds: readonly string[], messageId: string): void {
    this.document.confirm(fileIds, messageId);
  }

  /** The claimed message did not land: the files are free again. */
  release(fileIds: readonly string[], messageId: string): void {
    this.document.release(fileIds, messageId);
  }
}
