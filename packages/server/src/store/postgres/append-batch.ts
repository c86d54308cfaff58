/**
 * Group commit: several appends to one conversation in one transaction, so that they share the
 * conversation's lock, one round of statements and — what costs most — one COMMIT (one WAL flush).
 * `append-queue.ts` decides who shares a batch; this module runs one.
 *
 * Each member ends exactly as `appendMessage` would have ended it, had the members run one after
 * another in their order: seqs in member order, a repeat (of a stored message or of an earlier
 * member) answered `created: false` with what was stored, a refusal (a file claim, an unknown
 * parent, a taken id) thrown for that member alone. Nothing is answered before the COMMIT: the
 * outcomes are only returned once it succeeded, and if the transaction fails as a whole (the
 * connection dropped, the COMMIT failed) every member fails with it.
 *
 * Two ways to run a batch:
 * - plain members only (no files, no thread parent, no reply appended with them: the common chat
 *   message), one multi-row `INSERT … RETURNING` whose CTEs do the one conversation UPDATE, the
 *   senders' read markers and the mentions index — four round trips for the whole batch;
 * - otherwise, or when that statement fails (a member's error fails the whole statement), each
 *   member in turn under a SAVEPOINT with `appendLocked`, the single append's own steps: a member
 *   that throws is rolled back to its savepoint and fails alone.
 */

import type pg from 'pg';
import type { PoolClient } from 'pg';
import { attachedFileIds } from '../file-attachments.js';
import type { AppendResult, NewMessage } from '../store.js';
import { lockConversation } from './conversation-select.js';
import { isUnavailable } from './errors.js';
import { INSERT_MENTIONS } from './mentions.js';
import { appendLocked, asAppendError, MESSAGE_COLUMNS, RETURNED_COLUMNS, rowValues } from './messages.js';
import { inTransaction } from './pool.js';
import { type MessageRow, messageFromRow } from './rows.js';

/** One append of a batch: what `appendMessage` was given. */
export interface BatchedAppend {
  message: NewMessage;
  reply?: NewMessage;
}

/** How one member ended: what `appendMessage` would have resolved with, or thrown. */
export type AppendOutcome = { ok: true; value: AppendResult | null } | { ok: false; error: unknown };

/** The casts of a message row's 21 parameters, in `MESSAGE_COLUMNS` order (the rest take the column's type). */
const PARAMETER_CASTS = [
  ...['', '', '', '', '', '', '', '', '', '::jsonb'],
  ...['', '', '', '', '', '::jsonb', '::jsonb', '::uuid[]', '', '', '::jsonb'],
];

/**
 * Runs `members` (all of one conversation, in arrival order) in one transaction; resolves with
 * one outcome per member once it committed. Rejects, failing every member, when the transaction
 * as a whole fails.
 */
export async function appendBatch(
  pool: pg.Pool,
  members: readonly BatchedAppend[],
): Promise<AppendOutcome[]> {
  if (members.every(isPlain)) {
    try {
      return await inTransaction(pool, (client) => appendPlain(client, members));
    } catch (error) {
      // A lost database fails the batch; anything else may be one member's fault: find out whose.
      if (isUnavailable(error)) throw error;
    }
  }
  return inTransaction(pool, (client) => appendEach(client, members));
}

/** A member the multi-row statement can take: nothing to check or write beyond its own row. */
function isPlain(member: BatchedAppend): boolean {
  return (
    member.reply === undefined &&
    (member.message.parentId ?? null) === null &&
    attachedFileIds(member.message).length === 0
  );
}

/** Thrown inside the plain path when the statement skipped a row: a repeat stored by another process. */
class RepeatFromElsewhere extends Error {}

/** `(sender, client id)` of a message, or null when it has no client id (it never repeats). */
function repeatKey(message: NewMessage): string | null {
  return message.clientMessageId === null
    ? null
    : JSON.stringify([message.senderId, message.clientMessageId]);
}

/**
 * The plain path. Members repeating an earlier member (same sender and client id) are answered
 * with that member's row; a member repeating a message stored before the batch makes the
 * statement insert fewer rows than it was given, which this answers by throwing (the batch then
 * runs member by member, where `appendLocked` answers the repeat).
 */
async function appendPlain(client: PoolClient, members: readonly BatchedAppend[]): Promise<AppendOutcome[]> {
  const conversationId = members[0]!.message.conversationId;
  const locked = await lockConversation(client, conversationId);
  if (!locked) return members.map(() => ({ ok: true, value: null }));
  const firstOf = new Map<string, number>();
  /** Per member: the index (in `fresh`) of the row it inserts or repeats. */
  const rowIndex: number[] = [];
  const fresh: NewMessage[] = [];
  for (const { message } of members) {
    const key = repeatKey(message);
    const earlier = key === null ? undefined : firstOf.get(key);
    if (earlier !== undefined) {
      rowIndex.push(earlier);
      continue;
    }
    if (key !== null) firstOf.set(key, fresh.length);
    rowIndex.push(fresh.length);
    fresh.push(message);
  }
  const rows = await insertRows(client, fresh, locked.messageCount);
  if (rows.length !== fresh.length) throw new RepeatFromElsewhere();
  const records = rows.map(messageFromRow);
  const seen = new Set<number>();
  return rowIndex.map((index) => {
    const message = records[index]!;
    const created = !seen.has(index);
    seen.add(index);
    if (created) return { ok: true, value: { message, created, reply: null } };
    // As `selectRepeat` answers: the reply is the message right after it that names it as its prompt.
    const next = records[index + 1];
    return { ok: true, value: { message, created, reply: next?.promptId === message.id ? next : null } };
  });
}

/**
 * Inserts `messages` at seqs `messageCount + 1…` in one statement, unless stored already, and — in
 * the same statement — moves the conversation (count, last message, activity) to the last one,
 * each sender's read marker to their last one, and indexes the mentions. The inserted rows, by seq.
 */
async function insertRows(
  client: PoolClient,
  messages: readonly NewMessage[],
  messageCount: number,
): Promise<MessageRow[]> {
  const values: unknown[] = [];
  const tuples = messages.map((message, index) => {
    const first = values.length;
    values.push(...rowValues(message, messageCount + 1 + index));
    return `(${PARAMETER_CASTS.map((cast, column) => `$${first + column + 1}${cast}`).join(', ')})`;
  });
  const inserted = await client.query<MessageRow>(
    `WITH inserted AS (
       INSERT INTO messages (${MESSAGE_COLUMNS})
       VALUES ${tuples.join(',\n         ')}
       ON CONFLICT (conversation_id, sender_id, client_message_id)
         WHERE client_message_id IS NOT NULL DO NOTHING
       RETURNING ${RETURNED_COLUMNS}
     ), latest AS (
       SELECT conversation_id, id, conv_seq, created_at FROM inserted ORDER BY conv_seq DESC LIMIT 1
     ), conversation AS (
       UPDATE conversations c SET message_count = l.conv_seq, last_message_id = l.id,
         last_activity_at = l.created_at
       FROM latest l WHERE c.id = l.conversation_id
     ), senders AS (
       SELECT DISTINCT ON (sender_id) conversation_id, sender_id, id, conv_seq
       FROM inserted WHERE sender_id IS NOT NULL ORDER BY sender_id, conv_seq DESC
     ), sender AS (
       UPDATE participants p SET read_count = s.conv_seq, last_read_message_id = s.id
       FROM senders s WHERE p.conversation_id = s.conversation_id AND p.user_id = s.sender_id
     ), mentioned AS (
       ${INSERT_MENTIONS}
     )
     SELECT * FROM inserted ORDER BY conv_seq`,
    values,
  );
  return inserted.rows;
}

/**
 * The savepoint path: each member as a single append would run, after the members before it, in
 * its own savepoint so that its failure undoes only its own writes.
 */
async function appendEach(client: PoolClient, members: readonly BatchedAppend[]): Promise<AppendOutcome[]> {
  const locked = await lockConversation(client, members[0]!.message.conversationId);
  if (!locked) return members.map(() => ({ ok: true, value: null }));
  let messageCount = locked.messageCount;
  const outcomes: AppendOutcome[] = [];
  for (const { message, reply } of members) {
    await client.query('SAVEPOINT batch_member');
    try {
      const result = await appendLocked(client, message, reply, messageCount);
      await client.query('RELEASE SAVEPOINT batch_member');
      if (result.created) messageCount = (result.reply ?? result.message).seq;
      outcomes.push({ ok: true, value: result });
    } catch (error) {
      // If this fails too the connection is the problem: the whole batch fails.
      await client.query('ROLLBACK TO SAVEPOINT batch_member');
      await client.query('RELEASE SAVEPOINT batch_member');
      if (isUnavailable(error)) throw error;
      outcomes.push({ ok: false, error: asAppendError(error) });
    }
  }
  return outcomes;
}
