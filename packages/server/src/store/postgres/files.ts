/**
 * Files: uploads' metadata (create, read, the compare-and-set update of an unattached file,
 * delete), the quota sum, the sweep's list, the files a delete removes — and the attach step that
 * `appendMessage` runs inside its transaction.
 */

import { attachRefusal } from '../file-attachments.js';
import type { FilePatch, FileRecord, FileStatus, NewMessage } from '../store.js';
import { StoreConflictError, StoreFileError } from '../store.js';
import { violates } from './errors.js';
import { isUuid } from './ids.js';
import type { Queryable } from './pool.js';
import { type FileRow, fileFromRow } from './rows.js';

const FILE_COLUMNS = `id, owner_id, name, media_type, size, sha256, width, height, storage_key, status,
  conversation_id, message_id, created_at, expires_at`;

/** @throws StoreConflictError('conflict') when the id is taken. */
export async function insertFile(db: Queryable, file: FileRecord): Promise<FileRecord> {
  try {
    const result = await db.query<FileRow>(
      `INSERT INTO files (${FILE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       RETURNING ${FILE_COLUMNS}`,
      [
        file.id,
        file.ownerId,
        file.name,
        file.mediaType,
        file.size,
        file.sha256,
        file.width,
        file.height,
        file.storageKey,
        file.status,
        file.conversationId,
        file.messageId,
        file.createdAt,
        file.expiresAt,
      ],
    );
    return fileFromRow(result.rows[0]!);
  } catch (error) {
    if (violates(error, 'files_pkey')) throw new StoreConflictError('conflict');
    throw error;
  }
}

export async function selectFile(db: Queryable, id: string): Promise<FileRecord | null> {
  if (!isUuid(id)) return null;
  const result = await db.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE id = $1`, [id]);
  return result.rows[0] ? fileFromRow(result.rows[0]) : null;
}

/**
 * See `Store.updateFile`. The conditions (unattached, `whileStatus`) are in the statement's
 * `WHERE`: the row lock it takes makes the check and the write one step, so of two racing
 * completions of one direct upload the second re-reads the row, finds it `ready`, and matches
 * nothing.
 */
export async function updateFile(
  db: Queryable,
  id: string,
  patch: FilePatch,
  whileStatus?: readonly FileStatus[],
): Promise<FileRecord | null> {
  if (!isUuid(id)) return null;
  const result = await db.query<FileRow>(
    `UPDATE files SET
       name = CASE WHEN $2::boolean THEN $3::text ELSE name END,
       media_type = CASE WHEN $4::boolean THEN $5::text ELSE media_type END,
       size = CASE WHEN $6::boolean THEN $7::bigint ELSE size END,
       sha256 = CASE WHEN $8::boolean THEN $9::text ELSE sha256 END,
       width = CASE WHEN $10::boolean THEN $11::integer ELSE width END,
       height = CASE WHEN $12::boolean THEN $13::integer ELSE height END,
       status = CASE WHEN $14::boolean THEN $15::text ELSE status END,
       expires_at = CASE WHEN $16::boolean THEN $17::timestamptz ELSE expires_at END,
       storage_key = CASE WHEN $18::boolean THEN $19::text ELSE storage_key END
     WHERE id = $1 AND conversation_id IS NULL AND ($20::text[] IS NULL OR status = ANY($20::text[]))
     RETURNING ${FILE_COLUMNS}`,
    [
      id,
      patch.name !== undefined,
      patch.name ?? null,
      patch.mediaType !== undefined,
      patch.mediaType ?? null,
      patch.size !== undefined,
      patch.size ?? null,
      patch.sha256 !== undefined,
      patch.sha256 ?? null,
      patch.width !== undefined,
      patch.width ?? null,
      patch.height !== undefined,
      patch.height ?? null,
      patch.status !== undefined,
      patch.status ?? null,
      patch.expiresAt !== undefined,
      patch.expiresAt ?? null,
      patch.storageKey !== undefined,
      patch.storageKey ?? null,
      whileStatus ? [...whileStatus] : null,
    ],
  );
  return result.rows[0] ? fileFromRow(result.rows[0]) : null;
}

export async function deleteFile(db: Queryable, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const result = await db.query('DELETE FROM files WHERE id = $1', [id]);
  return (result.rowCount ?? 0) > 0;
}

/** See `Store.fileBytesOf`: an index-only scan of the owner's entries in `files_owner`. */
export async function fileBytesOf(db: Queryable, ownerId: string): Promise<number> {
  if (!isUuid(ownerId)) return 0;
  const result = await db.query<{ bytes: string }>(
    'SELECT COALESCE(sum(size), 0)::text AS bytes FROM files WHERE owner_id = $1',
    [ownerId],
  );
  return Number(result.rows[0]!.bytes);
}

/** See `Store.listExpiredFiles`: a walk of the partial index `files_expiry`. */
export async function listExpiredFiles(db: Queryable, now: string, limit: number): Promise<FileRecord[]> {
  const rows = Math.floor(limit);
  if (!(rows > 0)) return [];
  const result = await db.query<FileRow>(
    `SELECT ${FILE_COLUMNS} FROM files
     WHERE conversation_id IS NULL AND expires_at <= $1
     ORDER BY expires_at, id LIMIT $2`,
    [now, rows],
  );
  return result.rows.map(fileFromRow);
}

/** See `Store.listUnattachedFilesOf`. */
export async function listUnattachedFilesOf(db: Queryable, ownerId: string): Promise<FileRecord[]> {
  if (!isUuid(ownerId)) return [];
  const result = await db.query<FileRow>(
    `SELECT ${FILE_COLUMNS} FROM files WHERE owner_id = $1 AND conversation_id IS NULL ORDER BY created_at, id`,
    [ownerId],
  );
  return result.rows.map(fileFromRow);
}

/** See `Store.listAttachedFiles`, ordered by creation then id. */
export async function listAttachedFiles(
  db: Queryable,
  conversationId: string,
  messageId?: string,
): Promise<FileRecord[]> {
  if (!isUuid(conversationId) || (messageId !== undefined && !isUuid(messageId))) return [];
  const result = await db.query<FileRow>(
    `SELECT ${FILE_COLUMNS} FROM files
     WHERE conversation_id = $1 AND ($2::uuid IS NULL OR message_id = $2)
     ORDER BY created_at, id`,
    [conversationId, messageId ?? null],
  );
  return result.rows.map(fileFromRow);
}

/**
 * Attaches `fileIds` to `message`, inside its append's transaction: the rows are locked
 * (`FOR UPDATE`, in id order so that two messages naming the same files in another order cannot
 * deadlock), checked, and updated. A racing send of the same file waits on the row lock, then
 * sees it attached (`taken`) — under READ COMMITTED a locking read returns the row as committed.
 *
 * @throws StoreFileError for the first file (in the message's order) that it may not attach;
 * the caller's transaction then rolls back, message included.
 */
export async function attachFiles(
  db: Queryable,
  message: NewMessage,
  fileIds: readonly string[],
): Promise<void> {
  const lookup = fileIds.filter(isUuid);
  const locked = await db.query<FileRow>(
    `SELECT ${FILE_COLUMNS} FROM files WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [lookup],
  );
  const found = new Map(locked.rows.map((row) => [row.id, fileFromRow(row)]));
  for (const id of fileIds) {
    const refusal = attachRefusal(found.get(id), message);
    if (refusal) throw new StoreFileError(refusal, id);
  }
  await db.query(
    `UPDATE files SET conversation_id = $1, message_id = $2, expires_at = NULL WHERE id = ANY($3::uuid[])`,
    [message.conversationId, message.id, lookup],
  );
}
