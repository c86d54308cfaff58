/**
 * The message operations of the lowdb store: idempotent append, lookup, pages by seq and
 * in-place updates. Each runs under its conversation's lock and writes the segment before the
 * meta (see `reconcile.ts` for why that order).
 */
import type { MessagePatch, MessageQuery, MessageRecord, NewMessage } from '../store.js';
import type { ConversationAccess } from './conversation-access.js';
import { idempotencyKey } from './layout.js';

export class MessageOperations {
  constructor(readonly access: ConversationAccess) {}

  /** See `Store.appendMessage`. Idempotency is per conversation, on (senderId, clientMessageId). */
  async append(message: NewMessage): Promise<{ message: MessageRecord; created: boolean } | null> {
    return this.access.run(message.conversationId, async (state) => {
      const key = idempotencyKey(message);
      const existing = key === null ? null : await this.access.log.findByClientKey(state, key);
      if (existing) return { message: structuredClone(existing), created: false };

      const record = state.record;
      const stored: MessageRecord = { ...structuredClone(message), seq: record.messageCount + 1 };
      const lastSegment = await this.access.log.append(state, stored);
      // The sender has read what they wrote: their marker moves with the append.
      const participants = record.participants.map((participant) =>
        participant.userId === stored.senderId
          ? { ...participant, readCount: stored.seq, lastReadMessageId: stored.id }
          : participant,
      );
      await this.access.commitMeta(state, {
        ...state.meta.data,
        lastSegment,
        conversation: {
          ...record,
          participants,
          messageCount: stored.seq,
          lastMessage: stored,
          lastActivityAt: stored.createdAt,
        },
      });
      return { message: structuredClone(stored), created: true };
    });
  }

  async get(conversationId: string, messageId: string): Promise<MessageRecord | null> {
    const found = await this.access.run(conversationId, (state) => this.access.log.find(state, messageId));
    return found ? structuredClone(found.message) : null;
  }

  /**
   * A page by seq, ascending (see `MessageQuery`). With both bounds, the oldest `limit` between
   * them. Reads only the one or two segments the page spans.
   */
  async list(conversationId: string, query: MessageQuery): Promise<MessageRecord[]> {
    const messages = await this.access.run(conversationId, async (state) => {
      const range = pageRange(state.record.messageCount, query);
      return range ? this.access.log.read(state, range.low, range.high) : [];
    });
    return messages ? structuredClone(messages) : [];
  }

  /** See `Store.updateMessage`; keeps the conversation's `lastMessage` in step. */
  async update(
    conversationId: string,
    messageId: string,
    patch: MessagePatch,
  ): Promise<MessageRecord | null> {
    const updated = await this.access.run(conversationId, async (state) => {
      const found = await this.access.log.find(state, messageId);
      if (!found) return null;
      const next: MessageRecord = { ...found.message };
      if (patch.content !== undefined) next.content = patch.content;
      if (patch.status !== undefined) next.status = patch.status;
      if (patch.model !== undefined) next.model = patch.model;
      if (patch.usage !== undefined) next.usage = structuredClone(patch.usage);
      if (patch.editedAt !== undefined) next.editedAt = patch.editedAt;
      await found.segment.replace(next);
      if (state.record.lastMessage?.id === messageId) {
        await this.access.commitMeta(state, {
          ...state.meta.data,
          conversation: { ...state.record, lastMessage: next },
        });
      }
      return next;
    });
    return updated ? structuredClone(updated) : null;
  }
}

/** The seq range `low..high` a query selects among `count` messages; `null` when empty. */
export function pageRange(count: number, query: MessageQuery): { low: number; high: number } | null {
  const limit = Math.floor(query.limit);
  if (!(limit > 0)) return null;
  let low = 1;
  let high = count;
  if (query.afterSeq !== undefined) low = Math.max(low, Math.floor(query.afterSeq) + 1);
  if (query.beforeSeq !== undefined) high = Math.min(high, Math.ceil(query.beforeSeq) - 1);
  if (low > high) return null;
  // Anchored at `afterSeq` the page is the oldest `limit`; otherwise the newest.
  if (query.afterSeq !== undefined) high = Math.min(high, low + limit - 1);
  else low = Math.max(low, high - limit + 1);
  return { low, high };
}
