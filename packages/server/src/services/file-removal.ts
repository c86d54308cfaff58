/**
 * Removing the files of what a person deletes: a message's attachments with the message, every
 * file attached in a conversation with the conversation.
 *
 * The order, for a crash at any point: first each file's bytes (`FileStorage.delete`), then its
 * record (`Store.deleteFile`), and only then the message or conversation itself. Until that last
 * step the thing deleted stays as it was, so a crash mid-way leaves a message the person has asked
 * to delete pointing at files partly gone — never a message they keep — and a retry of the same
 * delete finds it and finishes the job (a missing object deletes fine). The other orders leave
 * worse: the message first, and a crash strands bytes and records that no message names and no
 * sweep looks for (the sweep takes only unattached files); records before bytes strands bytes that
 * nothing names at all. A conversation is swept once more after it is deleted: a send that raced
 * the delete may have attached a file after the first pass (records keep the conversation's id;
 * no foreign key cascades them away, see migration 0006) — best effort: the conversation is gone
 * by then and its deletion must be announced whatever the storage does, so a failure there is
 * reported to `onError` and what it left is only bytes of files nobody can reach any more.
 */
import type { FileStorage } from '../files/file-storage.js';
import type { FileRecord, Store } from '../store/store.js';
import { Unavailable } from './errors.js';

export interface FileRemovalDeps {
  store: Pick<Store, 'listAttachedFiles' | 'listUnattachedFilesOf' | 'deleteFile'>;
  storage: Pick<FileStorage, 'delete'>;
  /** A best-effort pass ({@link FileRemoval.afterConversationDeleted}) failed. */
  onError?: ((error: unknown) => void) | undefined;
}

/** Files deleted at once: enough to be quick with S3, few enough not to flood it. */
const concurrency = 8;

/** Seconds a client is asked to wait while the file storage cannot delete. */
const storageRetryAfterSeconds = 5;

export interface FileRemoval {
  /** Removes the files attached to message `messageId`; call before the message is marked deleted. */
  ofMessage(conversationId: string, messageId: string): Promise<void>;
  /** Removes every file attached in the conversation; call before the conversation is deleted. */
  ofConversation(conversationId: string): Promise<void>;
  /**
   * The second pass, after the conversation is deleted (a send that raced the delete): never
   * throws — a failure goes to `onError`, and the caller announces the deletion anyway.
   */
  afterConversationDeleted(conversationId: string): Promise<void>;
  /** Removes every upload of `ownerId` no message attaches (a deleted account's), bytes then records. */
  unattachedOf(ownerId: string): Promise<void>;
}

/**
 * @example
 * ```ts
 * const removal = createFileRemoval({ store, storage });
 * await removal.ofConversation(id); // bytes, then records …
 * await store.deleteConversation(id); // … then the conversation
 * ```
 */
export function createFileRemoval(deps: FileRemovalDeps): FileRemoval {
  const { store, storage } = deps;

  async function removeOne(file: FileRecord): Promise<void> {
    try {
      await storage.delete(file.storageKey);
    } catch (error) {
      // Nothing else is removed: the delete can be retried once storage answers.
      throw new Unavailable(
        'File storage is unavailable; try again shortly',
        storageRetryAfterSeconds,
        error,
      );
    }
    await store.deleteFile(file.id);
  }

  async function removeAll(files: readonly FileRecord[]): Promise<void> {
    for (let start = 0; start < files.length; start += concurrency) {
      await Promise.all(files.slice(start, start + concurrency).map(removeOne));
    }
  }

  return {
    async unattachedOf(ownerId) {
      await removeAll(await store.listUnattachedFilesOf(ownerId));
    },
    async ofMessage(conversationId, messageId) {
      await removeAll(await store.listAttachedFiles(conversationId, messageId));
    },
    async ofConversation(conversationId) {
      await removeAll(await store.listAttachedFiles(conversationId));
    },
    async afterConversationDeleted(conversationId) {
      try {
        await removeAll(await store.listAttachedFiles(conversationId));
      } catch (error) {
        deps.onError?.(error);
      }
    },
  };
}
