/**
 * Threads on PostgreSQL: a reply's bookkeeping inside its append's transaction, a thread's pages,
 * the per-person thread read markers (`thread_reads`) and the threads someone takes part in.
 */
import type { MessageQuery, MessageRecord, ThreadListingRecord, ThreadRecord } from '../store.js';
import { StoreParentError } from '../store.js';
import { isUuid } from './ids.js';
import { RETURNED_COLUMNS } from './messages.js';
import type { Queryable } from './pool.js';
import { type MessageRow, messageFromRow } from './rows.js';

/**
 * In the append's transaction, after the reply's insert: the parent is locked and checked (gone,
 * deleted or itself a reply → `StoreParentError`, which rolls the insert back), its summary
 * counts the reply, and the parent's sender and the replier take part in the thread — the
 * replier's read marker at the reply.
 */
export async function recordReply(client: Queryable, reply: MessageRecord): Promise<void> {
  const parentId = reply.parentId!;
  const locked = await client.query<MessageRow>(
    `SELECT ${RETURNED_COLUMNS} FROM messages WHERE conversation_id = $1 AND id = $2 FOR UPDATE`,
    [reply.conversationId, parentId],
  );
  const row = locked.rows[0];
  if (!row || row.parent_id !== null || row.status === 'deleted') throw new StoreParentError(parentId);
  const parent = messageFromRow(row);
  const repliers = parent.thread?.participantIds ?? [];
  const thread: ThreadRecord = {
    replyCount: (parent.thread?.replyCount ?? 0) + 1,
    lastReplyAt: reply.createdAt,
    participantIds:
      reply.senderId === null || repliers.includes(reply.senderId) ? repliers : [...repliers, reply.senderId],
  };
  await client.query('UPDATE messages SET thread = $3::jsonb WHERE conversation_id = $1 AND id = $2', [
    reply.conversationId,
    parentId,
    JSON.stringify(thread),
  ]);
  if (parent.senderId !== null) {
    await client.query(
      `INSERT INTO thread_reads (conversation_id, parent_id, user_id, read_seq) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [reply.conversationId, parentId, parent.senderId, parent.seq],
    );
  }
  if (reply.senderId !== null)
    await upsertRead(client, reply.conversationId, parentId, reply.senderId, reply.seq);
}

/** In the deleting transaction: a reply's parent stops counting it. */
export async function recordDeletion(client: Queryable, reply: MessageRecord): Promise<void> {
  if (reply.parentId === null) return;
  await client.query(
    `UPDATE messages SET thread = jsonb_set(thread, '{replyCount}',
       to_jsonb(GREATEST(0, (thread->>'replyCount')::integer - 1)))
     WHERE conversation_id = $1 AND id = $2 AND thread IS NOT NULL`,
    [reply.conversationId, reply.parentId],
  );
}

/** Moves a thread read marker forward (never back); whether it moved. */
async function upsertRead(
  db: Queryable,
  conversationId: string,
  parentId: string,
  userId: string,
  seq: number,
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO thread_reads (conversation_id, parent_id, user_id, read_seq) VALUES ($1, $2, $3, $4)
     ON CONFLICT (conversation_id, user_id, parent_id) DO UPDATE SET read_seq = EXCLUDED.read_seq
       WHERE thread_reads.read_seq < EXCLUDED.read_seq
     RETURNING 1`,
    [conversationId, parentId, userId, seq],
  );
  return (result.rowCount ?? 0) > 0;
}

/** See `Store.listReplies`: a range scan of the thread's index. */
export async function listReplies(
  db: Queryable,
  conversationId: string,
  parentId: string,
  query: MessageQuery,
): Promise<MessageRecord[]> {
  const limit = Math.floor(query.limit);
  if (!(limit > 0) || !isUuid(conversationId) || !isUuid(parentId)) return [];
  const after = query.afterSeq === undefined ? null : Math.floor(query.afterSeq);
  const before = query.beforeSeq === undefined ? null : Math.ceil(query.beforeSeq);
  const order = after !== null ? 'ASC' : 'DESC';
  const result = await db.query<MessageRow>(
    `SELECT ${RETURNED_COLUMNS} FROM messages
     WHERE conversation_id = $1 AND parent_id = $2 AND ($3::integer IS NULL OR conv_seq > $3)
       AND ($4::integer IS NULL OR conv_seq < $4)
     ORDER BY conv_seq ${order} LIMIT $5`,
    [conversationId, parentId, after, before, limit],
  );
  const rows = result.rows.map(messageFromRow);
  return after !== null ? rows : rows.reverse();
}

/** See `Store.markThreadRead`. */
export async function markThreadRead(
  db: Queryable,
  conversationId: string,
  parentId: string,
  userId: string,
  messageId: string,
): Promise<{ moved: boolean } | null> {
  if (!isUuid(conversationId) || !isUuid(parentId) || !isUuid(messageId)) return null;
  const target = await db.query<{ conv_seq: number }>(
    `SELECT m.conv_seq FROM messages m
     WHERE m.conversation_id = $1 AND m.id = $3
       AND ((m.id = $2 AND m.parent_id IS NULL) OR (m.parent_id = $2 AND EXISTS (
         SELECT 1 FROM messages p WHERE p.conversation_id = $1 AND p.id = $2 AND p.parent_id IS NULL)))`,
    [conversationId, parentId, messageId],
  );
  const row = target.rows[0];
  if (!row) return null;
  return { moved: await upsertRead(db, conversationId, parentId, userId, row.conv_seq) };
}

/** See `Store.listThreadsOf`: my markers, their parents, and the replies past each marker. */
export async function listThreadsOf(
  db: Queryable,
  conversationId: string,
  userId: string,
  limit: number,
): Promise<ThreadListingRecord[]> {
  if (!isUuid(conversationId) || !isUuid(userId) || !(limit > 0)) return [];
  const result = await db.query<MessageRow & { unread_count: number }>(
    `SELECT m.*, (SELECT count(*) FROM messages r
         WHERE r.conversation_id = m.conversation_id AND r.parent_id = m.id AND r.status <> 'deleted'
           AND r.conv_seq > t.read_seq)::integer AS unread_count
     FROM thread_reads t JOIN messages m ON m.conversation_id = t.conversation_id AND m.id = t.parent_id
     WHERE t.conversation_id = $1 AND t.user_id = $2 AND m.thread IS NOT NULL
     ORDER BY m.thread->>'lastReplyAt' DESC, m.conv_seq DESC LIMIT $3`,
    [conversationId, userId, Math.floor(limit)],
  );
  return result.rows.map((row) => {
    const parent = messageFromRow(row);
    return { parent, unreadCount: row.unread_count, lastReplyAt: parent.thread!.lastReplyAt };
  });
}
