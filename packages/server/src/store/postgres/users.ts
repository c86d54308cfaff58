/**
 * Users: register (one INSERT — the unique email key decides races), lookups, the
 * case-insensitive, keyset-paged search, profile changes and who shares a conversation.
 */
import { StoreConflictError, type UserPatch, type UserRecord, type UserSearchAfter } from '../store.js';
import { violates } from './errors.js';
import { isUuid } from './ids.js';
import type { Queryable } from './pool.js';
import { type UserRow, userFromRow } from './rows.js';

const USER_COLUMNS =
  'id, email, email_key, display_name, avatar_url, status_text, password_hash, created_at, deleted_at';

/** @throws StoreConflictError('email_taken') when the email key is taken, ('conflict') when the id is. */
export async function insertUser(db: Queryable, user: UserRecord): Promise<UserRecord> {
  try {
    const result = await db.query<UserRow>(
      `INSERT INTO users
         (id, email, email_key, display_name, name_key, avatar_url, status_text, password_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${USER_COLUMNS}`,
      [
        user.id,
        user.email,
        user.emailKey,
        user.displayName,
        nameKey(user.displayName),
        user.avatarUrl,
        user.statusText,
        user.passwordHash,
        user.createdAt,
      ],
    );
    return userFromRow(result.rows[0]!);
  } catch (error) {
    if (violates(error, 'users_email_key_unique')) throw new StoreConflictError('email_taken');
    if (violates(error, 'users_pkey')) throw new StoreConflictError('conflict');
    throw error;
  }
}

export async function selectUser(db: Queryable, id: string): Promise<UserRecord | null> {
  if (!isUuid(id)) return null;
  const result = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return result.rows[0] ? userFromRow(result.rows[0]) : null;
}

export async function selectUserByEmailKey(db: Queryable, emailKey: string): Promise<UserRecord | null> {
  const result = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email_key = $1`, [
    emailKey,
  ]);
  return result.rows[0] ? userFromRow(result.rows[0]) : null;
}

export async function selectUsers(db: Queryable, ids: readonly string[]): Promise<UserRecord[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const result = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[])`, [
    valid,
  ]);
  return result.rows.map(userFromRow);
}

/**
 * See `Store.searchUsers`. The walk follows the `(name_key, id)` index in order and filters by
 * substring, so a page costs the rows it passes over, not a sort of every user. `strpos` rather
 * than `LIKE`: the query needs no escaping of `%` and `_`.
 */
export async function searchUsers(
  db: Queryable,
  query: string,
  limit: number,
  after?: UserSearchAfter,
): Promise<UserRecord[]> {
  const rows = Math.floor(limit);
  if (!(rows > 0)) return [];
  const needle = nameKey(query);
  if (after !== undefined && !isUuid(after.id)) return [];
  const result =
    after === undefined
      ? await db.query<UserRow>(
          `SELECT ${USER_COLUMNS} FROM users WHERE strpos(name_key, $1) > 0 AND deleted_at IS NULL
           ORDER BY name_key, id LIMIT $2`,
          [needle, rows],
        )
      : await db.query<UserRow>(
          `SELECT ${USER_COLUMNS} FROM users
           WHERE strpos(name_key, $1) > 0 AND deleted_at IS NULL AND (name_key, id) > ($2::text COLLATE "C", $3::uuid)
           ORDER BY name_key, id LIMIT $4`,
          [needle, after.nameKey, after.id, rows],
        );
  return result.rows.map(userFromRow);
}

/** See `Store.updateUser`: one UPDATE of the columns the patch names (`name_key` with the name). */
export async function updateUser(db: Queryable, id: string, patch: UserPatch): Promise<UserRecord | null> {
  if (!isUuid(id)) return null;
  const sets: string[] = [];
  const values: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  };
  if (patch.displayName !== undefined) {
    set('display_name', patch.displayName);
    set('name_key', nameKey(patch.displayName));
  }
  if (patch.avatarUrl !== undefined) set('avatar_url', patch.avatarUrl);
  if (patch.statusText !== undefined) set('status_text', patch.statusText);
  if (patch.passwordHash !== undefined) set('password_hash', patch.passwordHash);
  if (patch.email !== undefined) set('email', patch.email);
  if (patch.emailKey !== undefined) set('email_key', patch.emailKey);
  if (patch.deletedAt !== undefined) set('deleted_at', patch.deletedAt);
  if (sets.length === 0) return selectUser(db, id);
  try {
    const result = await db.query<UserRow>(
      `UPDATE users SET ${sets.join(', ')} WHERE id = $1 RETURNING ${USER_COLUMNS}`,
      values,
    );
    return result.rows[0] ? userFromRow(result.rows[0]) : null;
  } catch (error) {
    if (violates(error, 'users_email_key_unique')) throw new StoreConflictError('email_taken');
    throw error;
  }
}

/**
 * See `Store.listContactIds`: the user's rows of `participants` (its `(user_id, …)` index), then
 * each of those conversations' rows by primary key.
 */
export async function listContactIds(db: Queryable, userId: string): Promise<string[]> {
  if (!isUuid(userId)) return [];
  const result = await db.query<{ user_id: string }>(
    `SELECT DISTINCT other.user_id FROM participants mine
     JOIN participants other ON other.conversation_id = mine.conversation_id
     WHERE mine.user_id = $1 AND other.user_id <> $1`,
    [userId],
  );
  return result.rows.map((row) => row.user_id);
}

/**
 * The search key: lower-cased in JavaScript, not by SQL `lower()`, whose result depends on the
 * database's locale — lowdb and PostgreSQL must agree on it, and so must keyset cursors.
 */
function nameKey(displayName: string): string {
  return displayName.toLowerCase();
}
