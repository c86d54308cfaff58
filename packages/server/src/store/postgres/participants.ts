/**
 * Membership and read markers: adding and removing participants (each one transaction under the
 * conversation's lock, bumping its `membership_version`) and moving a read marker, never backwards.
 */
import type pg from 'pg';
import type { BecomesGroup, ConversationRecord, ParticipantRecord, RoleChange } from '../store.js';
import { lockConversation, selectConversation } from './conversation-select.js';
import { isUuid } from './ids.js';
import { inTransaction, type Queryable } from './pool.js';

/**
 * Inserts the participants not already in, after the existing ones, with the conversation's
 * current activity time (the list index must place the conversation right for them too).
 * Returns how many were added. Call under the conversation's lock (or while creating it).
 */
export async function insertParticipants(
  db: Queryable,
  conversationId: string,
  participants: readonly ParticipantRecord[],
): Promise<number> {
  // The first occurrence of a user wins, as when adding them one by one.
  const seen = new Set<string>();
  const first = participants.filter((p) => !seen.has(p.userId) && seen.add(p.userId));
  if (first.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO participants (conversation_id, user_id, position, role, joined_at, read_count,
       last_read_message_id)
     SELECT $1, p.user_id, base.position + p.ordinal::integer, p.role, p.joined_at, p.read_count,
       p.last_read_message_id
     FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::integer[], $6::uuid[]) WITH ORDINALITY
       AS p(user_id, role, joined_at, read_count, last_read_message_id, ordinal),
       (SELECT coalesce(max(position), 0) AS position FROM participants WHERE conversation_id = $1) AS base
     ORDER BY p.ordinal
     ON CONFLICT (conversation_id, user_id) DO NOTHING`,
    [
      conversationId,
      first.map((p) => p.userId),
      first.map((p) => p.role),
      first.map((p) => p.joinedAt),
      first.map((p) => p.readCount),
      first.map((p) => p.lastReadMessageId),
    ],
  );
  return result.rowCount ?? 0;
}

/** See `Store.addParticipants`; `updatedAt` moves only when someone was added. */
export function addParticipants(
  pool: pg.Pool,
  id: string,
  participants: readonly ParticipantRecord[],
  now: string,
  becomes?: BecomesGroup,
): Promise<ConversationRecord | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  return inTransaction(pool, async (client) => {
    const locked = await lockConversation(client, id);
    if (!locked) return null;
    const added = await insertParticipants(client, id, participants);
    // The type is read with the membership (`membership.ts`): the version bump makes every
    // process read it again.
    if (becomes) {
      await client.query('UPDATE conversations SET type = $2, assistant = $3::jsonb WHERE id = $1', [
        id,
        becomes.type,
        JSON.stringify(becomes.assistant),
      ]);
    }
    if (added > 0 || becomes) await bumpMembership(client, id, now);
    return selectConversation(client, id);
  });
}

/** See `Store.removeParticipant`; `updatedAt` moves only when someone was removed. */
export function removeParticipant(
  pool: pg.Pool,
  id: string,
  userId: string,
  now: string,
): Promise<ConversationRecord | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  return inTransaction(pool, async (client) => {
    const locked = await lockConversation(client, id);
    if (!locked) return null;
    if (isUuid(userId)) {
      const removed = await client.query(
        'DELETE FROM participants WHERE conversation_id = $1 AND user_id = $2',
        [id, userId],
      );
      if ((removed.rowCount ?? 0) > 0) {
        // Their mentions go with them (as lowdb's go with the participant record): someone added
        // again starts with none unread.
        await client.query('DELETE FROM message_mentions WHERE conversation_id = $1 AND user_id = $2', [
          id,
          userId,
        ]);
        await bumpMembership(client, id, now);
      }
    }
    return selectConversation(client, id);
  });
}

/**
 * Records a change to the set of participants, inside its transaction: `membership_version` is
 * what every process's cache of participant ids is keyed by (see `membership.ts`).
 */
async function bumpMembership(db: Queryable, id: string, now: string): Promise<void> {
  await db.query(
    'UPDATE conversations SET updated_at = $2, membership_version = membership_version + 1 WHERE id = $1',
    [id, now],
  );
}

/**
 * See `Store.markRead`. One statement: the UPDATE's `read_count < seq` condition is re-checked
 * on the locked row, so of two racing marks the lower can never overwrite the higher.
 */
export async function markRead(
  db: Queryable,
  id: string,
  userId: string,
  messageId: string,
): Promise<{ moved: boolean } | null> {
  if (!isUuid(id) || !isUuid(userId) || !isUuid(messageId)) return null;
  const result = await db.query<{ target: number | null; reader: boolean; moved: boolean }>(
    `WITH target AS (
       SELECT conv_seq FROM messages WHERE conversation_id = $1 AND id = $3
     ), moved AS (
       UPDATE participants p SET read_count = target.conv_seq, last_read_message_id = $3
       FROM target
       WHERE p.conversation_id = $1 AND p.user_id = $2 AND p.read_count < target.conv_seq
       RETURNING 1
     )
     SELECT (SELECT conv_seq FROM target) AS target,
       EXISTS (SELECT 1 FROM participants WHERE conversation_id = $1 AND user_id = $2) AS reader,
       EXISTS (SELECT 1 FROM moved) AS moved`,
    [id, userId, messageId],
  );
  const row = result.rows[0]!;
  if (row.target === null || !row.reader) return null;
  return { moved: row.moved };
}

/** See `Store.setRoles`: one UPDATE under the conversation's lock; `updatedAt` moves only on a change. */
export function setRoles(
  pool: pg.Pool,
  id: string,
  changes: readonly RoleChange[],
  now: string,
): Promise<ConversationRecord | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  const valid = changes.filter((change) => isUuid(change.userId));
  return inTransaction(pool, async (client) => {
    if (!(await lockConversation(client, id))) return null;
    const updated = await client.query(
      `UPDATE participants p SET role = c.role
       FROM unnest($2::uuid[], $3::text[]) AS c(user_id, role)
       WHERE p.conversation_id = $1 AND p.user_id = c.user_id AND p.role <> c.role`,
      [id, valid.map((change) => change.userId), valid.map((change) => change.role)],
    );
    if ((updated.rowCount ?? 0) > 0) {
      await client.query('UPDATE conversations SET updated_at = $2 WHERE id = $1', [id, now]);
    }
    return selectConversation(client, id);
  });
}
