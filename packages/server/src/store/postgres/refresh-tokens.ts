/**
 * Refresh tokens: save, rotate (one winner among concurrent rotations; a spent token revokes
 * its family), revoke a family and revoke all of a user's.
 */
import type pg from 'pg';
import type { RefreshTokenRecord, RotateResult } from '../store.js';
import { isUuid } from './ids.js';
import { inTransaction, type Queryable } from './pool.js';

/** Expired tokens removed per login: bounded, so a long-idle table never makes a login slow. */
const PRUNE_BATCH = 100;

/** Stores `token` (replacing one with the same hash) and prunes a batch of expired tokens. */
export async function saveRefreshToken(db: Queryable, token: RefreshTokenRecord): Promise<void> {
  await db.query(
    `WITH pruned AS (
       DELETE FROM refresh_tokens WHERE hash IN (
         SELECT hash FROM refresh_tokens WHERE expires_at <= $4 AND hash <> $1 LIMIT ${PRUNE_BATCH}))
     INSERT INTO refresh_tokens (hash, user_id, family_id, created_at, expires_at, spent_at, revoked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (hash) DO UPDATE SET user_id = excluded.user_id, family_id = excluded.family_id,
       created_at = excluded.created_at, expires_at = excluded.expires_at,
       spent_at = excluded.spent_at, revoked_at = excluded.revoked_at`,
    [
      token.hash,
      token.userId,
      token.familyId,
      token.createdAt,
      token.expiresAt,
      token.spentAt,
      token.revokedAt,
    ],
  );
}

/**
 * See `Store.rotateRefreshToken`. The conditional UPDATE is the arbiter: of two concurrent
 * rotations, the second waits on the row lock, re-reads the row, finds it spent and matches
 * nothing — then, like any replay of a spent token, it revokes the family.
 */
export function rotateRefreshToken(
  pool: pg.Pool,
  hash: string,
  next: Omit<RefreshTokenRecord, 'familyId' | 'userId'>,
  now: string,
): Promise<RotateResult> {
  return inTransaction(pool, async (client) => {
    const spent = await client.query<{ user_id: string; family_id: string }>(
      `UPDATE refresh_tokens SET spent_at = $2
       WHERE hash = $1 AND spent_at IS NULL AND revoked_at IS NULL AND expires_at > $2
       RETURNING user_id, family_id`,
      [hash, now],
    );
    const winner = spent.rows[0];
    if (winner) {
      await saveRefreshToken(client, { ...next, userId: winner.user_id, familyId: winner.family_id });
      return { status: 'rotated', userId: winner.user_id };
    }
    const found = await client.query<{ user_id: string; family_id: string; replayed: boolean }>(
      `SELECT user_id, family_id, (spent_at IS NOT NULL AND expires_at > $2) AS replayed
       FROM refresh_tokens WHERE hash = $1`,
      [hash, now],
    );
    const token = found.rows[0];
    // Expired tokens count as gone (the lowdb store prunes them), even when spent.
    if (!token?.replayed) return { status: 'invalid' };
    // A spent token presented again means it was stolen, or a client raced itself: end the
    // whole session family so neither holder can go on.
    await revokeFamilyById(client, token.family_id, now);
    return { status: 'reused', userId: token.user_id };
  });
}

/** Revokes every token of the family `hash` belongs to; unknown hashes are ignored. */
export async function revokeRefreshTokenFamily(db: Queryable, hash: string, now: string): Promise<void> {
  await db.query(
    `UPDATE refresh_tokens SET revoked_at = $2
     WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE hash = $1) AND revoked_at IS NULL`,
    [hash, now],
  );
}

/** Revokes every token of `userId`'s, whatever its family (a password change). */
export async function revokeRefreshTokensOf(db: Queryable, userId: string, now: string): Promise<void> {
  if (!isUuid(userId)) return;
  await db.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [
    userId,
    now,
  ]);
}

async function revokeFamilyById(db: Queryable, familyId: string, now: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [
    familyId,
    now,
  ]);
}
