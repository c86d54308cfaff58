/**
 * Where the lowdb store keeps what, and the shape of each file. One place, so the store, its
 * reconciliation and the bulk importer agree on the format.
 *
 * ```
 * <dataDir>/
 *   users.json                      { version, users: UserRecord[] }
 *   refresh-tokens.json             { version, tokens: RefreshTokenRecord[] }
 *   files.json                      { version, files: StoredFile[] } (uploads' metadata, files-document.ts)
 *   conversations/<id>/
 *     meta.json                     { version, conversation: ConversationRecord, lastSegment }
 *                                   a checkpoint: the segments past it complete it (lowdb-store.ts)
 *     messages-000001.json          { version, firstSeq, messages: MessageRecord[] } (sealed)
 *     messages-000002.json          … the last one is the open segment appends rewrite
 *     segments.json                 { version, segments: SealedSegment[] } (rewritten on rollover)
 *   conversations/.new-<id>-<n>/    a conversation being created (renamed into place when whole)
 *   conversations/.deleted-<id>-<n>/ a conversation being deleted (removed right after)
 * ```
 */
import { join } from 'node:path';
import type {
  ConversationRecord,
  FileRecord,
  MessageRecord,
  RefreshTokenRecord,
  UserRecord,
} from '../store.js';

/** Bumped when a file's shape changes incompatibly; files of another version are refused. */
export const FORMAT_VERSION = 1;

/**
 * Messages per segment unless configured. Measured (bench/store-append.mjs): an append rewrites
 * the open segment, half full on average, so the size sets how much an append writes once
 * conversations are long — 200 made appends at 1M messages ≈ 1.35× slower than at 1k, 100 about
 * 1.1×. 100 is also the largest page the API serves, so a page still spans at most 2 segments.
 */
export const DEFAULT_SEGMENT_SIZE = 100;

export interface UsersFile {
  version: number;
  users: UserRecord[];
}

export interface RefreshTokensFile {
  version: number;
  tokens: RefreshTokenRecord[];
}

/**
 * A file's record as `files.json` holds it. `claim` marks an attachment written before its message
 * (see `files-document.ts`): until the message is known to be on disk, start-up checks that it
 * exists and, if not, gives the file back, with the `expiresAt` it had before the claim.
 */
export type StoredFile = FileRecord & { claim?: { expiresAt: string | null } };

export interface FilesFile {
  version: number;
  files: StoredFile[];
}

export interface ConversationMetaFile {
  version: number;
  /** As of the checkpoint: messages with a larger `seq` are replayed onto it on load. */
  conversation: ConversationRecord;
  /**
   * Number of the open (last) segment as of the checkpoint; 0 while the conversation has no
   * message. On disk the next segment may already exist (appended since), never the one after.
   */
  lastSegment: number;
}

export interface SegmentFile {
  version: number;
  /** `seq` of the first message: segments hold consecutive `seq`s. */
  firstSeq: number;
  messages: MessageRecord[];
}

/** A full segment as the catalog describes it, without reading it. */
export interface SealedSegment {
  number: number;
  firstSeq: number;
  lastSeq: number;
  /** Encoded fingerprints of its message ids (see `fingerprints.ts`). */
  ids: string;
  /** Encoded fingerprints of its idempotency keys (see {@link idempotencyKey}). */
  clientKeys: string;
}

export interface SegmentCatalogFile {
  version: number;
  segments: SealedSegment[];
}

export const CONVERSATIONS_DIR = 'conversations';
export const USERS_FILE = 'users.json';
export const REFRESH_TOKENS_FILE = 'refresh-tokens.json';
export const FILES_FILE = 'files.json';
export const META_FILE = 'meta.json';
export const CATALOG_FILE = 'segments.json';
/** Prefix of a conversation directory still being created. */
export const CREATING_PREFIX = '.new-';
/** Prefix of a conversation directory being deleted. */
export const DELETING_PREFIX = '.deleted-';

export function conversationsDir(dataDir: string): string {
  return join(dataDir, CONVERSATIONS_DIR);
}

export function conversationDir(dataDir: string, conversationId: string): string {
  return join(dataDir, CONVERSATIONS_DIR, conversationId);
}

/** `messages-000042.json`: zero-padded so a directory listing sorts in segment order. */
export function segmentFileName(segmentNumber: number): string {
  return `messages-${String(segmentNumber).padStart(6, '0')}.json`;
}

/**
 * The key appends are idempotent on: (senderId, clientMessageId), within one conversation.
 * `null` when the message carries no client id (assistant replies).
 */
export function idempotencyKey(message: Pick<MessageRecord, 'senderId' | 'clientMessageId'>): string | null {
  if (message.clientMessageId === null) return null;
  // U+0000 cannot occur in an id, so the pair cannot be confused with another.
  return `${message.senderId ?? ''}\u0000${message.clientMessageId}`;
}

/**
 * Conversation ids become directory names: refuse anything that could escape the conversations
 * directory or collide with the store's own temporary names.
 */
export function isSafeConversationId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(id);
}
