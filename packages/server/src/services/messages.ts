/**
 * Messages of a conversation: pages, edits, deletes. (Sends are `send-message.ts`; what happens
 * to assistant replies is `replies.ts`.)
 *
 * Rules (docs/DESIGN.md, "Turns"):
 * - only its author edits a message; its author or the conversation's owner deletes it;
 * - editing a prompt in an assistant conversation marks the reply that answers it `stale` (it
 *   answers the old text; regenerating it answers the new one);
 * - deleting a reply while it is generated stops the generation, and it stays deleted;
 * - an edit changes the text only: the files stay (an edit may take all the text from a message
 *   with files, never from one without);
 * - deleting a message deletes its files first, then marks it deleted (`file-removal.ts`).
 */
import type { ListMessagesQuery, Message, Page, RealtimeEvent } from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';
import type { Broker } from '../broker/broker.js';
import type { AssistantReplies } from '../replies/assistant-replies.js';
import type { Membership, MessageQuery, MessageRecord, Store } from '../store/store.js';
import { isFilePart, personMessageParts } from './attachments.js';
import type { Clock } from './clock.js';
import type { ConversationService } from './conversations.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Forbidden, Invalid, NotFound, Refused } from './errors.js';
import type { FileRemoval } from './file-removal.js';
import { requireContentWithin } from './message-content.js';
import { mentionedIn } from './message-mentions.js';
import { can } from './permissions.js';
import { settleQuotes, type ThreadService } from './threads.js';
import type { Presenter } from './views.js';

const PageCursor = z.object({ d: z.enum(['before', 'after']), s: z.number() });

export interface MessageServiceDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  conversations: Pick<ConversationService, 'requireMember'>;
  assistants: Pick<AssistantReplies, 'interrupt'>;
  messageBytes: number;
  /** How messages go out (their files' signed URLs). */
  present: Pick<Presenter, 'message'>;
  /** Removes a deleted message's files. */
  files: Pick<FileRemoval, 'ofMessage'>;
  /** Tells everyone of a thread parent's new summary once one of its replies is deleted. */
  threads: Pick<ThreadService, 'announceParent'>;
}

type ListQuery = z.output<typeof ListMessagesQuery>;

const messageNotFound = () => new NotFound('Message not found');

export function createMessageService(deps: MessageServiceDeps) {
  const { store, broker, clock, conversations, present } = deps;

  const publish = (membership: Membership, event: RealtimeEvent) =>
    broker.publish({ recipients: membership.participantIds, event });

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

  /** The reply that answers `prompt` (stored right after it), if it has one. */
  async function replyTo(prompt: MessageRecord): Promise<MessageRecord | null> {
    const [next] = await store.listMessages(prompt.conversationId, { limit: 1, afterSeq: prompt.seq });
    return next?.role === 'assistant' && next.promptId === prompt.id ? next : null;
  }

  /** An edited prompt's reply answers the old text: it says so, and everyone hears of it. */
  async function markReplyStale(conversation: Membership, prompt: MessageRecord): Promise<void> {
    const reply = await replyTo(prompt);
    if (!reply || reply.stale || reply.status === 'deleted') return;
    const updated = await store.updateMessage(conversation.id, reply.id, { stale: true });
    if (updated) {
      await publish(conversation, {
        type: 'message.updated',
        conversationId: conversation.id,
        message: present.message(updated),
      });
    }
  }

  return {
    async list(userId: string, conversationId: string, query: ListQuery): Promise<Page<Message>> {
      await conversations.requireMember(userId, conversationId);
      const { direction, seq } = await anchor(conversationId, query);
      // The main list: thread replies live in their thread (unless also sent to the conversation).
      const storeQuery: MessageQuery = { limit: query.limit + 1, mainList: true };
      if (seq !== undefined) storeQuery[direction === 'before' ? 'beforeSeq' : 'afterSeq'] = seq;
      // `?mentions=me`: the same pages over the messages that mention the caller only.
      const rows =
        query.mentions === 'me'
          ? await store.listMentioning(conversationId, userId, storeQuery)
          : await store.listMessages(conversationId, storeQuery);
      const more = rows.length > query.limit;
      // One extra row tells whether another page exists; it is the far end in the paging direction.
      const items = more ? (direction === 'before' ? rows.slice(1) : rows.slice(0, query.limit)) : rows;
      const edge = direction === 'before' ? items[0] : items.at(-1);
      return {
        items: await settleQuotes(store, conversationId, items.map(present.message)),
        nextCursor: more && edge ? encodeCursor({ d: direction, s: edge.seq }) : null,
      };
    },

    async edit(userId: string, conversationId: string, messageId: string, content: string): Promise<Message> {
      const conversation = await conversations.requireMember(userId, conversationId);
      const message = await requireMessage(conversationId, messageId);
      if (message.senderId !== userId) throw new Forbidden('Only the author can edit a message');
      requireContentWithin(content, deps.messageBytes);
      // A message's files never change once sent (a delete takes them with the status): the ones
      // read here are the ones the write keeps.
      const edited = personMessageParts(content, message.parts.filter(isFilePart));
      if (edited.parts.length === 0) {
        throw new Invalid('Message content must not be empty (unless the message attaches files)', [
          { path: ['content'], message: 'Must not be empty' },
        ]);
      }
      // Re-parsed against who takes part now: a mention added by the edit notifies, one taken out
      // no longer counts.
      const mentions =
        message.role === 'user' ? await mentionedIn(store, conversation, userId, edited.content) : [];
      // Only while not deleted: an edit racing a delete must not bring the message back.
      const updated = await store.updateMessage(
        conversationId,
        messageId,
        { ...edited, editedAt: clock.now().toISOString(), mentions },
        ['complete'],
      );
      if (!updated) {
        if (await store.getMessage(conversationId, messageId))
          throw new Refused('A deleted message cannot be edited');
        throw messageNotFound();
      }
      const view = present.message(updated);
      await publish(conversation, { type: 'message.updated', conversationId, message: view });
      if (conversation.type === 'assistant' && updated.role === 'user')
        await markReplyStale(conversation, updated);
      return view;
    },

    async remove(userId: string, conversationId: string, messageId: string): Promise<Message> {
      const conversation = await conversations.requireMember(userId, conversationId);
      const message = await requireMessage(conversationId, messageId);
      if (message.senderId !== userId && !can(conversation.role, 'deleteOthersMessages', conversation.type)) {
        throw new Forbidden("Only the author or the conversation's owner can delete a message");
      }
      if (message.status === 'deleted') return present.message(message);
      // Its files first: a crash in between leaves the message, which a retry deletes again.
      if (message.parts.some(isFilePart)) await deps.files.ofMessage(conversationId, messageId);
      // Its parts go with its content: they hold the same text (and a reply's tool calls); its
      // reactions go too (nobody can react to it any more, nor take one back), and its pin.
      const updated = await store.updateMessage(conversationId, messageId, {
        parts: [],
        content: '',
        status: 'deleted',
        reactions: [],
        mentions: [],
        pinnedAt: null,
        pinnedBy: null,
      });
      if (!updated) throw messageNotFound();
      const view = present.message(updated);
      await publish(conversation, { type: 'message.deleted', conversationId, message: view });
      // The store took the reply out of its parent's count; everyone hears the new summary.
      if (updated.parentId) await deps.threads.announceParent(conversation, updated.parentId);
      // A reply being generated stops: its final write finds it deleted and leaves it so.
      if (message.status === 'streaming') await deps.assistants.interrupt(conversationId, messageId);
      return view;
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;
