/**
 * Pinned messages: a pin is two columns of the message (`pinned_at`, `pinned_by`). A change is one
 * transaction holding the conversation's row lock, so the count checked against `maxPins` cannot
 * move before the write; counting and listing use the partial index `messages_pinned`.
 */
import type pg from 'pg';
import type { MessageRecord, PinChange, PinResult } from '../store.js';
import { lockConversation } from './conversation-select.js';
import { isUuid } from './ids.js';
import { RETURNED_COLUMNS, updateMessage } from './messages.js';
import { inTransaction, type Queryable } from './pool.js';
import { type MessageRow, messageFromRow } from './rows.js';

/** See `Store.setPin`. */
export function setPin(
  pool: pg.Pool,
  conversationId: string,
  messageId: string,
  pin: PinChange,
  maxPins: number,
): Promise<PinResult | null> {
  if (!isUuid(conversationId) || !isUuid(messageId)) return Promise.resolve(null);
  return inTransaction(pool, async (client) => {
    if (!(await lockConversation(client, conversationId))) return null;
    const found = await client.query<MessageRow>(
      `SELECT ${RETURNED_COLUMNS} FROM messages WHERE conversation_id = $1 AND id = $2 FOR UPDATE`,
      [conversationId, messageId],
    );
    const row = found.rows[0];
    if (!row || row.status === 'deleted') return null;
    const current = messageFromRow(row);
    if ((current.pinnedAt !== null) === (pin !== null)) return { outcome: 'unchanged', message: current };
    if (pin !== null) {
      const counted = await client.query<{ count: number }>(
        'SELECT count(*)::integer AS count FROM messages WHERE conversation_id = $1 AND pinned_at IS NOT NULL',
        [conversationId],
      );
      if (counted.rows[0]!.count >= maxPins) return { outcome: 'full', message: current };
    }
    const patch = pin ? { pinnedAt: pin.at, pinnedBy: pin.by } : { pinnedAt: null, pinnedBy: null };
    const after = await updateMessage(client, conversationId, messageId, patch);
    return after ? { outcome: 'changed', message: after } : null;
  });
}

/** See `Store.listPinnedMessages`. */
export async function listPinnedMessages(db: Queryable, conversationId: string): Promise<MessageRecord[]> {
  if (!isUuid(conversationId)) return [];
  const result = await db.query<MessageRow>(
    `SELECT ${RETURNED_COLUMNS} FROM messages WHERE conversation_id = $1 AND pinned_at IS NOT NULL
     ORDER BY pinned_at DESC, id DESC`,
    [conversationId],
  );
  return result.rows.map(messageFromRow);
}
