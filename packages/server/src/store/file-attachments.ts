/**
 * The attach rule of `Store.appendMessage`, in one place so that lowdb and PostgreSQL refuse
 * exactly the same files: which files a message attaches, and whether a given file may be attached
 * by it.
 */
import type { FileRecord, NewMessage } from './store.js';

/**
 * The ids of the files `message` attaches: its `file` parts', in order, each once (a message that
 * shows one file twice attaches it once). Empty for the common message without attachments, which
 * then pays nothing more.
 */
export function attachedFileIds(message: Pick<NewMessage, 'parts'>): string[] {
  let ids: string[] | null = null;
  for (const part of message.parts) {
    if (part.type !== 'file') continue;
    ids ??= [];
    if (!ids.includes(part.fileId)) ids.push(part.fileId);
  }
  return ids ?? [];
}

/**
 * Why `message` may not attach `file` (`undefined` or `null`: there is no such file), or `null`
 * when it may. Someone else's file is `missing` even when it is attached somewhere: a sender learns
 * nothing about files that are not theirs. An `expiresAt` at or before the message's `createdAt`
 * has expired; both are compared as instants (`…00Z` and `…00.000Z` are the same time).
 */
export function attachRefusal(
  file: FileRecord | null | undefined,
  message: Pick<NewMessage, 'senderId' | 'createdAt'>,
): 'missing' | 'taken' | null {
  if (!file || message.senderId === null || file.ownerId !== message.senderId) return 'missing';
  if (file.conversationId !== null) return 'taken';
  if (file.status !== 'ready') return 'missing';
  if (file.expiresAt !== null && Date.parse(file.expiresAt) <= Date.parse(message.createdAt))
    return 'missing';
  return null;
}

/** `file` attached to `message`: where it is, and no expiry any more. */
export function attachedTo(file: FileRecord, message: Pick<NewMessage, 'conversationId' | 'id'>): FileRecord {
  return { ...file, conversationId: message.conversationId, messageId: message.id, expiresAt: null };
}
