/**
 * Light shape checks for the files read at start-up and on demand. They catch a truncated,
 * hand-edited or foreign file early with a clear error instead of a `TypeError` deep inside an
 * operation; they do not re-validate every field (the store wrote them).
 */
import { isVersioned } from './documents.js';
import type {
  ConversationMetaFile,
  FilesFile,
  RefreshTokensFile,
  SegmentCatalogFile,
  SegmentFile,
  UsersFile,
} from './layout.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function isUsersFile(data: unknown): data is UsersFile {
  return isVersioned(data) && Array.isArray(data.users) && data.users.every(isObject);
}

export function isRefreshTokensFile(data: unknown): data is RefreshTokensFile {
  return isVersioned(data) && Array.isArray(data.tokens) && data.tokens.every(isObject);
}

export function isFilesFile(data: unknown): data is FilesFile {
  return (
    isVersioned(data) &&
    Array.isArray(data.files) &&
    data.files.every((file) => isObject(file) && typeof file.id === 'string' && typeof file.size === 'number')
  );
}

export function isConversationMetaFile(data: unknown): data is ConversationMetaFile {
  if (!isVersioned(data) || !isCount(data.lastSegment) || !isObject(data.conversation)) return false;
  const { id, participants, messageCount } = data.conversation;
  return typeof id === 'string' && Array.isArray(participants) && isCount(messageCount);
}

export function isSegmentFile(data: unknown): data is SegmentFile {
  if (!isVersioned(data) || !isCount(data.firstSeq) || !Array.isArray(data.messages)) return false;
  const first = data.firstSeq;
  // Consecutive seqs are what lets a page find a message by arithmetic.
  return data.messages.every((message, i) => isObject(message) && message.seq === first + i);
}

export function isSegmentCatalogFile(data: unknown): data is SegmentCatalogFile {
  return (
    isVersioned(data) &&
    Array.isArray(data.segments) &&
    data.segments.every(
      (segment) =>
        isObject(segment) &&
        isCount(segment.number) &&
        isCount(segment.firstSeq) &&
        isCount(segment.lastSeq) &&
        typeof segment.ids === 'string' &&
        typeof segment.clientKeys === 'string',
    )
  );
}
