/**
 * Mentions on PostgreSQL: `messages.mentions` is what a message says; `message_mentions` (one row
 * per mentioned person, keyed `(conversation_id, user_id, seq)`) is the index the counts and the
 * `?mentions=me` pages read. Both are written by the one statement that writes the message (as
 * CTEs of it), so they never disagree, even outside a transaction.
 */
import type { MessageQuery, MessageRecord } from '../store.js';
import { isUuid } from './ids.js';
import { RETURNED_COLUMNS } from './messages.js';
import type { Queryable } from './pool.js';
import { type MessageRow, messageFromRow } from './rows.js';

/** A CTE body: the index rows of the message `inserted i` just wrote (never its sender's). */
export const INSERT_MENTIONS = `INSERT INTO message_mentions (conversation_id, user_id, seq)
       SELECT i.conversation_id, mentioned.user_id, i.conv_seq
       FROM inserted i, unnest(i.mentions) AS mentioned(user_id)
       WHERE mentioned.user_id IS DISTINCT FROM i.sender_id
       ON CONFLICT DO NOTHING`;

/**
 * CTEs after `updated` (an UPDATE of one message, `$22` = whether it set `mentions`): the index
 * rows of those it no longer mentions go, those of new ones come. Rows kept are left alone — a
 * statement's CTEs share one snapshot, so deleting and re-inserting one key would conflict.
 */
export const SYNC_MENTIONS = `unmentioned AS (
       DELETE FROM message_mentions mm USING updated u
       WHERE $22::boolean AND mm.conversation_id = u.conversation_id AND mm.seq = u.conv_seq
         AND mm.user_id <> ALL (u.mentions)
     ), mentioned AS (
       INSERT INTO message_mentions (conversation_id, user_id, seq)
       SELECT u.conversation_id, m.user_id, u.conv_seq
       FROM updated u, unnest(u.mentions) AS m(user_id)
       WHERE $22::boolean AND m.user_id IS DISTINCT FROM u.sender_id
       ON CONFLICT DO NOTHING
     )`;

/** A scalar subquery over participant `p`: the seqs of their unread mentions, ascending. */
export const UNREAD_MENTION_SEQS = `(SELECT coalesce(array_agg(mm.seq ORDER BY mm.seq), '{}')
       FROM message_mentions mm WHERE mm.conversation_id = p.conversation_id
         AND mm.user_id = p.user_id AND mm.seq > p.read_count)`;

/** Every column a message read returns, of `messages m` (computed on first use, once: messages.ts imports this file). */
let qualified: string | undefined;
const qualifiedColumns = () => {
  qualified ??= RETURNED_COLUMNS.split(',')
    .map((column) => `m.${column.trim()}`)
    .join(', ');
  return qualified;
};

/**
 * See `Store.listMentioning`: a range of the `message_mentions` key joined to the messages, paged
 * as `listMessages` pages (anchored at `afterSeq`: the oldest `limit` above it; otherwise the
 * newest below `beforeSeq`), returned ascending.
 */
export async function listMentioning(
  db: Queryable,
  conversationId: string,
  userId: string,
  query: MessageQuery,
): Promise<MessageRecord[]> {
  const limit = Math.floor(query.limit);
  if (!(limit > 0) || !isUuid(conversationId) || !isUuid(userId)) return [];
  const after = query.afterSeq === undefined ? null : Math.floor(query.afterSeq);
  const before = query.beforeSeq === undefined ? null : Math.ceil(query.beforeSeq);
  const direction = after !== null ? 'ASC' : 'DESC';
  const result = await db.query<MessageRow>(
    `SELECT ${qualifiedColumns()} FROM message_mentions mm
     JOIN messages m ON m.conversation_id = mm.conversation_id AND m.conv_seq = mm.seq
     WHERE mm.conversation_id = $1 AND mm.user_id = $2
       AND ($3::integer IS NULL OR mm.seq > $3) AND ($4::integer IS NULL OR mm.seq < $4)
     ORDER BY mm.seq ${direction} LIMIT $5`,
    [conversationId, userId, after, before, limit],
  );
  const rows = result.rows.map(messageFromRow);
  return direction === 'DESC' ? rows.reverse() : rows;
}
