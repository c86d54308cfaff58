/**
 * Messages: the idempotent append, lookups, pages by `seq` and in-place updates.
 */

import type { MessageStatus } from '@chatwire/sdk/contracts';
import type pg from 'pg';
import { copyMessage } from '../copies.js';
import { attachedFileIds } from '../file-attachments.js';
import type { AppendResult, MessagePatch, MessageQuery, MessageRecord, NewMessage } from '../store.js';
import { StoreConflictError } from '../store.js';
import { lockConversation } from './conversation-select.js';
import { violates } from './errors.js';
import { attachFiles } from './files.js';
import { isUuid } from './ids.js';
import { INSERT_MENTIONS, SYNC_MENTIONS } from './mentions.js';
import { inTransaction, type Queryable } from './pool.js';
import { type MessageRow, messageFromRow } from './rows.js';
import { recordDeletion, recordReply } from './threads.js';

export const MESSAGE_COLUMNS = `conversation_id, id, conv_seq, sender_id, role, content, status,
  client_message_id, model, usage, finish_reason, stale, prompt_id, created_at, edited_at, parts,
  client_tools, mentions, parent_id, also_in_conversation, quoted`;
/** What reads return: the written columns and those a new row takes its default for. */
export const RETURNED_COLUMNS = `${MESSAGE_COLUMNS}, reactions, thread, pinned_at, pinned_by`;

/** The parameters of one message's row in `INSERT … VALUES ($1 … $21)`, at `seq`. */
export function rowValues(message: NewMessage, seq: number): unknown[] {
  return [
    message.conversationId,
    message.id,
    seq,
    message.senderId,
    message.role,
    message.content,
    message.status,
    message.clientMessageId,
    message.model,
    message.usage === null ? null : JSON.stringify(message.usage),
    message.finishReason,
    message.stale,
    message.promptId,
    message.createdAt,
    message.editedAt,
    JSON.stringify(message.parts),
    message.clientTools === null ? null : JSON.stringify(message.clientTools),
    message.mentions ?? [],
    message.parentId ?? null,
    message.alsoInConversation ?? false,
    message.quoted ? JSON.stringify(message.quoted) : null,
  ];
}

/**
 * Inserts one message at the locked conversation's next `seq` unless (sender, client id) is
 * already there, and — in the same statement — bumps the conversation (count, last message,
 * activity) and moves the sender's read marker. The inserted row, or none on a repeat.
 */
async function insertMessage(
  client: Queryable,
  message: NewMessage,
  seq: number,
): Promise<MessageRow | undefined> {
  const inserted = await client.query<MessageRow>(
    `WITH inserted AS (
       INSERT INTO messages (${MESSAGE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16::jsonb,
         $17::jsonb, $18::uuid[], $19, $20, $21::jsonb)
       ON CONFLICT (conversation_id, sender_id, client_message_id)
         WHERE client_message_id IS NOT NULL DO NOTHING
       RETURNING ${RETURNED_COLUMNS}
     ), conversation AS (
       UPDATE conversations c SET message_count = i.conv_seq, last_message_id = i.id,
         last_activity_at = i.created_at
       FROM inserted i WHERE c.id = i.conversation_id
     ), sender AS (
       UPDATE participants p SET read_count = i.conv_seq, last_read_message_id = i.id
       FROM inserted i WHERE p.conversation_id = i.conversation_id AND p.user_id = i.sender_id
     ), mentioned AS (
       ${INSERT_MENTIONS}
     )
     SELECT * FROM inserted`,
    rowValues(message, seq),
  );
  return inserted.rows[0];
}

/** The message stored under (sender, client id) and the reply appended with it, if any. */
async function selectRepeat(client: Queryable, message: NewMessage): Promise<AppendResult> {
  // `IS NULL` rather than `IS NOT DISTINCT FROM`: only the former can use the index.
  const sender = message.senderId === null ? 'sender_id IS NULL' : 'sender_id = $3';
  const stored = await client.query<MessageRow>(
    `SELECT ${RETURNED_COLUMNS} FROM messages
     WHERE conversation_id = $1 AND client_message_id = $2 AND ${sender}`,
    message.senderId === null
      ? [message.conversationId, message.clientMessageId]
      : [message.conversationId, message.clientMessageId, message.senderId],
  );
  const first = messageFromRow(stored.rows[0]!);
  const reply = await client.query<MessageRow>(
    `SELECT ${RETURNED_COLUMNS} FROM messages WHERE conversation_id = $1 AND conv_seq = $2 AND prompt_id = $3`,
    [first.conversationId, first.seq + 1, first.id],
  );
  return { message: first, created: false, reply: reply.rows[0] ? messageFromRow(reply.rows[0]) : null };
}

/**
 * See `Store.appendMessage`. One transaction: lock the conversation (its `message_count` gives
 * the next `seq`), then {@link appendLocked}. Concurrent appends to one conversation usually come
 * through `append-queue.ts`, which shares one transaction between them (`append-batch.ts`).
 *
 * @throws StoreConflictError('conflict') when a message id is taken in the conversation.
 */
export async function appendMessage(
  pool: pg.Pool,
  message: NewMessage,
  reply?: NewMessage,
): Promise<AppendResult | null> {
  if (!isUuid(message.conversationId)) return null;
  try {
    return await inTransaction(pool, async (client) => {
      const locked = await lockConversation(client, message.conversationId);
      if (!locked) return null;
      return appendLocked(client, message, reply, locked.messageCount);
    });
  } catch (error) {
    throw asAppendError(error);
  }
}

/**
 * Inside a transaction holding the conversation's lock, `messageCount` messages in: insert the
 * message unless it is a repeat, attach its files (`attachFiles`; a refusal throws, and the
 * caller rolls the insert back), then the reply (if any) at the seq after it. A repeat returns what
 * was stored and changes nothing; it is answered before any file is looked at, since the insert is
 * what detects it.
 */
export async function appendLocked(
  client: Queryable,
  message: NewMessage,
  reply: NewMessage | undefined,
  messageCount: number,
): Promise<AppendResult> {
  const row = await insertMessage(client, message, messageCount + 1);
  if (!row) return selectRepeat(client, message);
  const fileIds = attachedFileIds(message);
  if (fileIds.length > 0) await attachFiles(client, message, fileIds);
  if (row.parent_id !== null) await recordReply(client, messageFromRow(row));
  const replyRow = reply ? await insertMessage(client, reply, row.conv_seq + 1) : undefined;
  // An assistant's answer to a thread reply is a reply of that thread too.
  if (replyRow && replyRow.parent_id !== null) await recordReply(client, messageFromRow(replyRow));
  return {
    message: messageFromRow(row),
    created: true,
    reply: replyRow ? messageFromRow(replyRow) : null,
  };
}

/** An append's failure as the store reports it: a taken message id is a `StoreConflictError`. */
export function asAppendError(error: unknown): unknown {
  return violates(error, 'messages_pkey') ? new StoreConflictError('conflict') : error;
}

export async function selectMessage(
  db: Queryable,
  conversationId: string,
  messageId: string,
): Promise<MessageRecord | null> {
  if (!isUuid(conversationId) || !isUuid(messageId)) return null;
  const result = await db.query<MessageRow>(
    `SELECT ${RETURNED_COLUMNS} FROM messages WHERE conversation_id = $1 AND id = $2`,
    [conversationId, messageId],
  );
  return result.rows[0] ? messageFromRow(result.rows[0]) : null;
}

/**
 * See `Store.listMessages`: a range scan of `(conversation_id, conv_seq)`. Anchored at
 * `afterSeq` the page is the oldest `limit` above it; otherwise the newest below `beforeSeq`
 * (or the end), read backwards and returned ascending.
 */
export async function listMessages(
  db: Queryable,
  conversationId: string,
  query: MessageQuery,
): Promise<MessageRecord[]> {
  const limit = Math.floor(query.limit);
  if (!(limit > 0) || !isUuid(conversationId)) return [];
  const after = query.afterSeq === undefined ? null : Math.floor(query.afterSeq);
  const before = query.beforeSeq === undefined ? null : Math.ceil(query.beforeSeq);
  const bounds = `conversation_id = $1 AND ($2::integer IS NULL OR conv_seq > $2)
    AND ($3::integer IS NULL OR conv_seq < $3)
    AND ($5::boolean IS NOT TRUE OR parent_id IS NULL OR also_in_conversation)`;
  const params = [conversationId, after, before, limit, query.mainList === true];
  if (after !== null) {
    const result = await db.query<MessageRow>(
      `SELECT ${RETURNED_COLUMNS} FROM messages WHERE ${bounds} ORDER BY conv_seq LIMIT $4`,
      params,
    );
    return result.rows.map(messageFromRow);
  }
  const result = await db.query<MessageRow>(
    `SELECT ${RETURNED_COLUMNS} FROM messages WHERE ${bounds} ORDER BY conv_seq DESC LIMIT $4`,
    params,
  );
  return result.rows.map(messageFromRow).reverse();
}

/**
 * See `Store.updateMessage`. The conversation's `lastMessage` is read through
 * `last_message_id`, so it follows without a second write. `whileStatus` is part of the
 * statement's `WHERE`: the row lock it takes makes the check and the write one step.
 */
export async function updateMessage(
  db: Queryable,
  conversationId: string,
  messageId: string,
  patch: MessagePatch,
  whileStatus?: readonly MessageStatus[],
): Promise<MessageRecord | null> {
  if (!isUuid(conversationId) || !isUuid(messageId)) return null;
  const result = await db.query<MessageRow>(
    `WITH updated AS (UPDATE messages SET
       content = CASE WHEN $3::boolean THEN $4::text ELSE content END,
       status = CASE WHEN $5::boolean THEN $6::text ELSE status END,
       model = CASE WHEN $7::boolean THEN $8::text ELSE model END,
       usage = CASE WHEN $9::boolean THEN $10::jsonb ELSE usage END,
       edited_at = CASE WHEN $11::boolean THEN $12::timestamptz ELSE edited_at END,
       finish_reason = CASE WHEN $13::boolean THEN $14::text ELSE finish_reason END,
       stale = CASE WHEN $15::boolean THEN $16::boolean ELSE stale END,
       parts = CASE WHEN $18::boolean THEN $19::jsonb ELSE parts END,
       reactions = CASE WHEN $20::boolean THEN $21::jsonb ELSE reactions END,
       mentions = CASE WHEN $22::boolean THEN $23::uuid[] ELSE mentions END,
       pinned_at = CASE WHEN $24::boolean THEN $25::timestamptz ELSE pinned_at END,
       pinned_by = CASE WHEN $26::boolean THEN $27::uuid ELSE pinned_by END
     WHERE conversation_id = $1 AND id = $2 AND ($17::text[] IS NULL OR status = ANY($17::text[]))
     RETURNING ${RETURNED_COLUMNS}
     ), ${SYNC_MENTIONS}
     SELECT * FROM updated`,
    [
      conversationId,
      messageId,
      patch.content !== undefined,
      patch.content ?? null,
      patch.status !== undefined,
      patch.status ?? null,
      patch.model !== undefined,
      patch.model ?? null,
      patch.usage !== undefined,
      patch.usage == null ? null : JSON.stringify(patch.usage),
      patch.editedAt !== undefined,
      patch.editedAt ?? null,
      patch.finishReason !== undefined,
      patch.finishReason ?? null,
      patch.stale !== undefined,
      patch.stale ?? null,
      whileStatus ? [...whileStatus] : null,
      patch.parts !== undefined,
      patch.parts === undefined ? null : JSON.stringify(patch.parts),
      patch.reactions !== undefined,
      patch.reactions === undefined ? null : JSON.stringify(patch.reactions),
      patch.mentions !== undefined,
      patch.mentions ?? null,
      patch.pinnedAt !== undefined,
      patch.pinnedAt ?? null,
      patch.pinnedBy !== undefined,
      patch.pinnedBy ?? null,
    ],
  );
  return result.rows[0] ? messageFromRow(result.rows[0]) : null;
}

/**
 * See `Store.modifyMessage`: the row locked (`FOR UPDATE`) for the read, `change`, and the write,
 * one transaction.
 */
export async function modifyMessage(
  pool: pg.Pool,
  conversationId: string,
  messageId: string,
  change: (message: MessageRecord) => MessagePatch | null,
): Promise<MessageRecord | null> {
  if (!isUuid(conversationId) || !isUuid(messageId)) return null;
  return inTransaction(pool, async (client) => {
    const locked = await client.query<MessageRow>(
      `SELECT ${RETURNED_COLUMNS} FROM messages WHERE conversation_id = $1 AND id = $2 FOR UPDATE`,
      [conversationId, messageId],
    );
    const row = locked.rows[0];
    if (!row) return null;
    const current = messageFromRow(row);
    // A copy (parts too): the change may edit what it is given without touching `current`.
    const patch = change(copyMessage(current));
    if (!patch) return current;
    const updated = await updateMessage(client, conversationId, messageId, patch);
    if (updated && current.status !== 'deleted' && updated.status === 'deleted')
      await recordDeletion(client, updated);
    return updated;
  });
}

/**
 * See `Store.updateMessage` for a patch that deletes: through {@link modifyMessage}, whose row lock
 * makes a reply's first deletion (only that one) take one off its parent's count in the same
 * transaction. `whileStatus` is checked under that lock.
 */
export async function updateDeleting(
  pool: pg.Pool,
  conversationId: string,
  messageId: string,
  patch: MessagePatch,
  whileStatus?: readonly MessageStatus[],
): Promise<MessageRecord | null> {
  let applied = false;
  const after = await modifyMessage(pool, conversationId, messageId, (current) => {
    if (whileStatus && !whileStatus.includes(current.status)) return null;
    applied = true;
    return patch;
  });
  return applied ? after : null;
}
