/**
 * Threads (one level deep) and quoted replies in human conversations: what a send's `parentId`,
 * `alsoInConversation` and `quotedMessageId` become, the parent's new summary going out after a
 * reply, a thread's pages, its per-person read marker, and the threads someone takes part in.
 *
 * Rules (README, "Threads and quoted replies"):
 * - a parent is a message of the same conversation, not deleted; a reply to a reply joins the
 *   thread of that reply's parent (threads stay one level deep); anything else is the 404 of a
 *   missing message;
 * - assistant conversations take no `parentId` (400 `validation_failed`: their turns are linear);
 * - a quote is a snapshot of the quoted message's text at send time, cut to `quoteSnapshotChars`:
 *   edits of the quoted message do not change it; once the quoted message is deleted, pages show
 *   the quote `deleted` with `content: ''`.
 */
import type { Message, Page, RealtimeEvent, SendMessageInput, ThreadList } from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';
import type { Broker } from '../broker/broker.js';
import type { Membership, MessageRecord, NewMessage, QuoteRecord, Store } from '../store/store.js';
import { StoreParentError } from '../store/store.js';
import type { ConversationService } from './conversations.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Invalid, NotFound } from './errors.js';
import type { Presenter } from './views.js';

const messageNotFound = () => new NotFound('Message not found');
const ReplyCursor = z.object({ s: z.number() });

/** What a send's thread and quote fields become on the stored message. */
export type ThreadFields = Pick<NewMessage, 'parentId' | 'alsoInConversation' | 'quoted'>;

/**
 * The thread and quote fields of a send, checked: the parent (a reply's parent, for a reply to a
 * reply) and the quote's snapshot. Refuses before anything is stored.
 */
export async function resolveThreadFields(
  store: Store,
  conversation: Membership,
  input: Pick<SendMessageInput, 'parentId' | 'alsoInConversation' | 'quotedMessageId'>,
  quoteChars: number,
): Promise<ThreadFields> {
  const fields: ThreadFields = {};
  if (input.parentId !== undefined) {
    if (conversation.type === 'assistant') {
      throw new Invalid('Assistant conversations have no threads: their turns are one line', [
        { path: ['parentId'], message: 'Not allowed in an assistant conversation' },
      ]);
    }
    const named = await store.getMessage(conversation.id, input.parentId);
    const parent = named?.parentId ? await store.getMessage(conversation.id, named.parentId) : named;
    if (!parent || parent.status === 'deleted') throw messageNotFound();
    fields.parentId = parent.id;
    fields.alsoInConversation = input.alsoInConversation ?? false;
  }
  if (input.quotedMessageId !== undefined) {
    const quotedMessage = await store.getMessage(conversation.id, input.quotedMessageId);
    if (!quotedMessage || quotedMessage.status === 'deleted') throw messageNotFound();
    fields.quoted = snapshot(quotedMessage, quoteChars);
  }
  return fields;
}

function snapshot(message: MessageRecord, chars: number): QuoteRecord {
  // By code points, so a cut never splits an emoji's surrogate pair.
  const points = Array.from(message.content);
  const content = points.length > chars ? `${points.slice(0, chars).join('')}…` : message.content;
  return { messageId: message.id, senderId: message.senderId, content, createdAt: message.createdAt };
}

/** A store refusal of the parent (deleted between the check and the append): the 404. */
export function asParentError(error: unknown): unknown {
  return error instanceof StoreParentError ? messageNotFound() : error;
}

/** Quotes of messages deleted since show as deleted (the snapshot stays stored as it was). */
export async function settleQuotes(
  store: Pick<Store, 'getMessage'>,
  conversationId: string,
  messages: Message[],
): Promise<Message[]> {
  const quotedIds = new Set<string>();
  for (const message of messages) if (message.quoted) quotedIds.add(message.quoted.messageId);
  if (quotedIds.size === 0) return messages;
  const deleted = new Set<string>();
  await Promise.all(
    [...quotedIds].map(async (id) => {
      const quoted = await store.getMessage(conversationId, id);
      if (!quoted || quoted.status === 'deleted') deleted.add(id);
    }),
  );
  if (deleted.size === 0) return messages;
  return messages.map((message) =>
    message.quoted && deleted.has(message.quoted.messageId)
      ? { ...message, quoted: { ...message.quoted, content: '', deleted: true } }
      : message,
  );
}

export interface ThreadServiceDeps {
  store: Store;
  broker: Broker;
  conversations: Pick<ConversationService, 'requireMember'>;
  present: Pick<Presenter, 'message'>;
  /** Most threads one listing returns. */
  threadsListed: number;
}

export function createThreadService(deps: ThreadServiceDeps) {
  const { store, broker, conversations, present } = deps;

  /** The parent of a thread: a message of the conversation that is not itself a reply. */
  async function requireParent(conversationId: string, parentId: string): Promise<MessageRecord> {
    const parent = await store.getMessage(conversationId, parentId);
    if (!parent || parent.parentId !== null) throw messageNotFound();
    return parent;
  }

  return {
    /**
     * After a reply was stored and announced: everyone hears of the parent's new summary (a
     * `message.updated` of the parent), so lists show "3 replies" without reading the thread.
     */
    async announceParent(conversation: Membership, parentId: string): Promise<void> {
      const parent = await store.getMessage(conversation.id, parentId);
      if (!parent) return;
      const event: RealtimeEvent = {
        type: 'message.updated',
        conversationId: conversation.id,
        message: present.message(parent),
      };
      await broker.publish({ recipients: conversation.participantIds, event });
    },

    /** A page of a thread's replies, newest page first; `nextCursor` goes towards older. */
    async replies(
      userId: string,
      conversationId: string,
      parentId: string,
      query: { limit: number; cursor?: string | undefined },
    ): Promise<Page<Message>> {
      await conversations.requireMember(userId, conversationId);
      await requireParent(conversationId, parentId);
      const before = query.cursor ? decodeCursor(query.cursor, ReplyCursor).s : undefined;
      const rows = await store.listReplies(conversationId, parentId, {
        limit: query.limit + 1,
        ...(before !== undefined ? { beforeSeq: before } : {}),
      });
      const more = rows.length > query.limit;
      const items = more ? rows.slice(1) : rows;
      const oldest = items[0];
      return {
        items: await settleQuotes(store, conversationId, items.map(present.message)),
        nextCursor: more && oldest ? encodeCursor({ s: oldest.seq }) : null,
      };
    },

    /** Moves my read marker in the thread; 404 for an unknown parent or a message of another thread. */
    async markRead(
      userId: string,
      conversationId: string,
      parentId: string,
      messageId: string,
    ): Promise<void> {
      await conversations.requireMember(userId, conversationId);
      const result = await store.markThreadRead(conversationId, parentId, userId, messageId);
      if (!result) throw messageNotFound();
    },

    /** The threads I take part in, newest reply first, with my unread counts. */
    async list(userId: string, conversationId: string): Promise<ThreadList> {
      await conversations.requireMember(userId, conversationId);
      const listings = await store.listThreadsOf(conversationId, userId, deps.threadsListed);
      const parents = await settleQuotes(
        store,
        conversationId,
        listings.map((listing) => present.message(listing.parent)),
      );
      return {
        items: listings.map((listing, i) => ({
          parent: parents[i]!,
          unreadCount: listing.unreadCount,
          lastReplyAt: listing.lastReplyAt,
        })),
      };
    },
  };
}

export type ThreadService = ReturnType<typeof createThreadService>;
