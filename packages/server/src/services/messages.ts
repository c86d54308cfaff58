/**
 * Messages of a conversation: pages, sends (idempotent on `clientMessageId`), edits, deletes.
 * Assistant replies are the chat service's; this one stores what people send.
 */
import type { ListMessagesQuery, Message, Page, RealtimeEvent } from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';
import type { Broker } from '../broker/broker.js';
import { HttpError, messageNotFound } from '../http/http-error.js';
import { newId } from '../ids.js';
import type { Membership, MessageQuery, MessageRecord, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { ConversationService } from './conversations.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toMessage } from './views.js';

const PageCursor = z.object({ d: z.enum(['before', 'after']), s: z.number() });

export interface MessageServiceDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  conversations: ConversationService;
  messageBytes: number;
}

type ListQuery = z.output<typeof ListMessagesQuery>;

export function createMessageService(deps: MessageServiceDeps) {
  const { store, broker, clock, conversations } = deps;

  const publish = (membership: Membership, event: RealtimeEvent) =>
    broker.publish({ recipients: membership.participantIds, event });

  function checkSize(content: string): void {
    if (Buffer.byteLength(content, 'utf8') > deps.messageBytes) {
      throw new HttpError('validation_failed', `Message content is over ${deps.messageBytes} bytes`, {
        details: [{ path: ['body', 'content'], message: `At most ${deps.messageBytes} bytes (UTF-8)` }],
      });
    }
  }

  async function requireMessage(conversationId: string, messageId: string): Promise<MessageRecord> {
    const message = await store.getMessage(conversationId, messageId);
    if (!message) throw messageNotFound();
    return message;
  }

  async function anchor(
    conversationId: string,
    query: ListQuery,
  ): Promise<{ direction: 'before' | 'after'; seq?: number }> {
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor, PageCursor);
      return { direction: cursor.d, seq: cursor.s };
    }
    if (query.before)
      return { direction: 'before', seq: (await requireMessage(conversationId, query.before)).seq };
    if (query.after)
      return { direction: 'after', seq: (await requireMessage(conversationId, query.after)).seq };
    return { direction: 'before' };
  }

  return {
    requireMessage,
    checkSize,

    async list(userId: string, conversationId: string, query: ListQuery): Promise<Page<Message>> {
      await conversations.requireMember(userId, conversationId);
      const { direction, seq } = await anchor(conversationId, query);
      const storeQuery: MessageQuery = { limit: query.limit + 1 };
      if (seq !== undefined) storeQuery[direction === 'before' ? 'beforeSeq' : 'afterSeq'] = seq;
      const rows = await store.listMessages(conversationId, storeQuery);
      const more = rows.length > query.limit;
      // One extra row tells whether another page exists; it is the far end in the paging direction.
      const items = more ? (direction === 'before' ? rows.slice(1) : rows.slice(0, query.limit)) : rows;
      const edge = direction === 'before' ? items[0] : items.at(-1);
      return {
        items: items.map(toMessage),
        nextCursor: more && edge ? encodeCursor({ d: direction, s: edge.seq }) : null,
      };
    },

    /** Stores what a person sent; `created: false` when the `clientMessageId` was seen before. */
    async append(
      userId: string,
      conversation: Membership,
      input: { content: string; clientMessageId?: string | undefined },
    ): Promise<{ message: MessageRecord; created: boolean }> {
      checkSize(input.content);
      const result = await store.appendMessage({
        id: newId(),
        conversationId: conversation.id,
        senderId: userId,
        role: 'user',
        content: input.content,
        status: 'complete',
        clientMessageId: input.clientMessageId ?? null,
        model: null,
        usage: null,
        finishReason: null,
        stale: false,
        promptId: null,
        createdAt: clock.now().toISOString(),
        editedAt: null,
      });
      if (!result) throw new HttpError('not_found', 'Conversation not found');
      await publish(conversation, {
        type: 'message.created',
        conversationId: conversation.id,
        message: toMessage(result.message),
      });
      return result;
    },

    async edit(userId: string, conversationId: string, messageId: string, content: string): Promise<Message> {
      const conversation = await conversations.requireMember(userId, conversationId);
      const message = await requireMessage(conversationId, messageId);
      if (message.senderId !== userId) throw new HttpError('forbidden', 'Only the author can edit a message');
      if (message.status === 'deleted')
        throw new HttpError('bad_request', 'A deleted message cannot be edited');
      checkSize(content);
      const updated = await store.updateMessage(conversationId, messageId, {
        content,
        editedAt: clock.now().toISOString(),
      });
      if (!updated) throw messageNotFound();
      await publish(conversation, { type: 'message.updated', conversationId, message: toMessage(updated) });
      return toMessage(updated);
    },

    async remove(userId: string, conversationId: string, messageId: string): Promise<Message> {
      const conversation = await conversations.requireMember(userId, conversationId);
      const message = await requireMessage(conversationId, messageId);
      const isOwner = conversation.role === 'owner';
      if (message.senderId !== userId && !isOwner) {
        throw new HttpError('forbidden', "Only the author or the conversation's owner can delete a message");
      }
      if (message.status === 'deleted') return toMessage(message);
      const updated = await store.updateMessage(conversationId, messageId, {
        content: '',
        status: 'deleted',
      });
      if (!updated) throw messageNotFound();
      await publish(conversation, { type: 'message.deleted', conversationId, message: toMessage(updated) });
      return toMessage(updated);
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;
