/**
 * Reading a whole conversation record — the row, its participants in joining order and its last
 * message — in one statement, so the record is one consistent snapshot; and taking the
 * conversation's row lock, which serialises every change to its messages and membership.
 */

import type { ConversationRecord } from '../store.js';
import { isUuid } from './ids.js';
import { UNREAD_MENTION_SEQS } from './mentions.js';
import type { Queryable } from './pool.js';
import { type ConversationRow, conversationFromRow } from './rows.js';

/** The select list that builds a `ConversationRow` from `conversations c`. */
export const CONVERSATION_COLUMNS = `c.id, c.type, c.title, c.model, c.system_prompt, c.created_at,
  c.updated_at, c.direct_key, c.message_count, c.last_activity_at, c.assistant,
  (SELECT coalesce(json_agg(to_jsonb(p) || jsonb_build_object('mention_seqs', ${UNREAD_MENTION_SEQS})
       ORDER BY p.position), '[]'::json)
     FROM participants p WHERE p.conversation_id = c.id) AS participants,
  (SELECT to_json(m) FROM messages m
     WHERE m.conversation_id = c.id AND m.id = c.last_message_id) AS last_message`;

export async function selectConversation(db: Queryable, id: string): Promise<ConversationRecord | null> {
  if (!isUuid(id)) return null;
  const result = await db.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = $1`,
    [id],
  );
  return result.rows[0] ? conversationFromRow(result.rows[0]) : null;
}

/** What an operation holding the conversation's lock needs to know about it. */
export interface LockedConversation {
  messageCount: number;
  lastActivityAt: Date;
}

/**
 * `SELECT … FOR UPDATE` on the conversation, inside the caller's transaction: appends and
 * membership changes of one conversation take turns, so `seq`s are consecutive and no append
 * misses a participant being added. `null` when the conversation does not exist.
 */
export async function lockConversation(db: Queryable, id: string): Promise<LockedConversation | null> {
  if (!isUuid(id)) return null;
  const result = await db.query<{ message_count: number; last_activity_at: Date }>(
    'SELECT message_count, last_activity_at FROM conversations WHERE id = $1 FOR UPDATE',
    [id],
  );
  const row = result.rows[0];
  return row ? { messageCount: row.message_count, lastActivityAt: row.last_activity_at } : null;
}
