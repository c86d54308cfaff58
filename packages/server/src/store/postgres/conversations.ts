/**
 * Conversations: create (plain, or find-or-create direct), read, list a user's, update, delete.
 * Membership and read markers are in `participants.ts`.
 */
import type pg from 'pg';
import type {
  ConversationListAfter,
  ConversationPatch,
  ConversationRecord,
  NewConversation,
} from '../store.js';
import { StoreConflictError } from '../store.js';
import { CONVERSATION_COLUMNS, selectConversation } from './conversation-select.js';
import { violates } from './errors.js';
import { isUuid } from './ids.js';
import { insertParticipants } from './participants.js';
import { inTransaction, type Queryable } from './pool.js';
import { type ConversationRow, conversationFromRow } from './rows.js';

/** @throws StoreConflictError('conflict') when the id or the direct key is taken. */
export async function createConversation(
  pool: pg.Pool,
  conversation: NewConversation,
): Promise<ConversationRecord> {
  try {
    return await inTransaction(pool, async (client) => {
      await insertConversation(client, conversation, false);
      await insertParticipants(client, conversation.id, conversation.participants);
      return (await selectConversation(client, conversation.id))!;
    });
  } catch (error) {
    if (violates(error, 'conversations_pkey') || violates(error, 'conversations_direct_key_unique')) {
      throw new StoreConflictError('conflict');
    }
    throw error;
  }
}

/**
 * See `Store.findOrCreateDirectConversation`. `ON CONFLICT (direct_key) DO NOTHING` makes a
 * concurrent duplicate wait for the first insert's commit and then insert nothing; the next
 * statement (a new snapshot under READ COMMITTED) sees the winner's row.
 */
export async function findOrCreateDirectConversation(
  pool: pg.Pool,
  conversation: NewConversation & { directKey: string },
): Promise<{ conversation: ConversationRecord; created: boolean }> {
  // A conversation found and deleted between the two statements: try again (a bounded loop,
  // since each pass either creates or finds one).
  for (let attempt = 0; ; attempt++) {
    const result = await inTransaction(pool, async (client) => {
      if (await insertConversation(client, conversation, true)) {
        await insertParticipants(client, conversation.id, conversation.participants);
        return { conversation: (await selectConversation(client, conversation.id))!, created: true };
      }
      const existing = await client.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.direct_key = $1`,
        [conversation.directKey],
      );
      const row = existing.rows[0];
      return row ? { conversation: conversationFromRow(row), created: false } : null;
    });
    if (result) return result;
    if (attempt >= 3) throw new Error(`Direct conversation ${conversation.directKey} keeps vanishing`);
  }
}

/**
 * See `Store.listConversationsForUser`: the user's rows of `participants` (index on `user_id`),
 * joined to their conversations, newest activity first from the keyset position. Ordered by the
 * conversation's own `last_activity_at` (migration 0002 says why there is no per-member copy).
 */
export async function listConversationsForUser(
  db: Queryable,
  userId: string,
  limit: number,
  after?: ConversationListAfter,
): Promise<ConversationRecord[]> {
  const rows = Math.floor(limit);
  if (!(rows > 0) || !isUuid(userId) || (after !== undefined && !isUuid(after.id))) return [];
  const from = `FROM participants me JOIN conversations c ON c.id = me.conversation_id`;
  const order = `ORDER BY c.last_activity_at DESC, c.id DESC`;
  const result =
    after === undefined
      ? await db.query<ConversationRow>(
          `SELECT ${CONVERSATION_COLUMNS} ${from} WHERE me.user_id = $1 ${order} LIMIT $2`,
          [userId, rows],
        )
      : await db.query<ConversationRow>(
          `SELECT ${CONVERSATION_COLUMNS} ${from}
           WHERE me.user_id = $1 AND (c.last_activity_at, c.id) < ($2::timestamptz, $3::uuid)
           ${order} LIMIT $4`,
          [userId, after.lastActivityAt, after.id, rows],
        );
  return result.rows.map(conversationFromRow);
}

/** Sets the fields `patch` names (a flag per field tells "set to null" from "leave alone"). */
export async function updateConversation(
  db: Queryable,
  id: string,
  patch: ConversationPatch,
): Promise<ConversationRecord | null> {
  if (!isUuid(id)) return null;
  // RETURNING sees the row after the update, and its subqueries the participants and last
  // message: one statement, one consistent record.
  const result = await db.query<ConversationRow>(
    `UPDATE conversations c SET updated_at = $2,
       title = CASE WHEN $3::boolean THEN $4::text ELSE c.title END,
       model = CASE WHEN $5::boolean THEN $6::text ELSE c.model END,
       system_prompt = CASE WHEN $7::boolean THEN $8::text ELSE c.system_prompt END,
       assistant = CASE WHEN $9::boolean THEN $10::jsonb ELSE c.assistant END
     WHERE c.id = $1
     RETURNING ${CONVERSATION_COLUMNS}`,
    [
      id,
      patch.updatedAt,
      patch.title !== undefined,
      patch.title ?? null,
      patch.model !== undefined,
      patch.model ?? null,
      patch.systemPrompt !== undefined,
      patch.systemPrompt ?? null,
      patch.assistant !== undefined,
      patch.assistant ? JSON.stringify(patch.assistant) : null,
    ],
  );
  return result.rows[0] ? conversationFromRow(result.rows[0]) : null;
}

/** Deletes the conversation; its participants and messages go with it (ON DELETE CASCADE). */
export async function deleteConversation(db: Queryable, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const result = await db.query('DELETE FROM conversations WHERE id = $1', [id]);
  return (result.rowCount ?? 0) > 0;
}

/** Inserts the conversation row; with `skipTakenDirectKey`, returns false instead of failing on a taken key. */
async function insertConversation(
  db: Queryable,
  conversation: NewConversation,
  skipTakenDirectKey: boolean,
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO conversations
       (id, type, title, model, system_prompt, created_at, updated_at, direct_key, last_activity_at,
        assistant)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6, $9::jsonb)
     ${skipTakenDirectKey ? 'ON CONFLICT (direct_key) DO NOTHING' : ''}`,
    [
      conversation.id,
      conversation.type,
      conversation.title,
      conversation.model,
      conversation.systemPrompt,
      conversation.createdAt,
      conversation.updatedAt,
      conversation.directKey,
      conversation.assistant ? JSON.stringify(conversation.assistant) : null,
    ],
  );
  return (result.rowCount ?? 0) > 0;
}
