/**
 * Stored records → the contract's resources, as one viewer sees them.
 *
 * A message's `file` parts are stored with the unsigned content path (`attachments.ts`); the
 * {@link Presenter} gives each a fresh signed URL as the message leaves the server — REST answers,
 * history pages, a conversation's last message, events (WebSocket and SSE alike). It is injected
 * into the use cases that hand out people's messages (built once, in `app-services.ts`), not a global: the
 * URL's key and lifetime are the app's. `toMessage` alone is for what never carries files (an
 * assistant's reply).
 */
import type {
  Conversation,
  Message,
  MessagePart,
  Participant,
  PublicUser,
  User,
} from '@chatwire/sdk/contracts';
import type { ConversationRecord, MessageRecord, ParticipantRecord, UserRecord } from '../store/store.js';
import type { FileUrls } from './file-urls.js';

export function toUser(record: UserRecord): User {
  return {
    id: record.id,
    email: record.email,
    displayName: record.displayName,
    avatarUrl: record.avatarUrl,
    statusText: record.statusText,
    createdAt: record.createdAt,
  };
}

export function toPublicUser(record: UserRecord, online: boolean): PublicUser {
  return {
    id: record.id,
    displayName: record.displayName,
    avatarUrl: record.avatarUrl,
    statusText: record.statusText,
    // A tombstone is never online, whatever a lingering presence entry says.
    online: online && record.deletedAt === null,
    deleted: record.deletedAt !== null,
  };
}

/** How many of a thread's repliers a message shows (`thread.participantIds`: "the first few"). */
export const THREAD_PARTICIPANTS_SHOWN = 5;

/** The message as stored: a `file` part's `url` is the unsigned path (see {@link Presenter}). */
export function toMessage(record: MessageRecord): Message {
  return {
    id: record.id,
    conversationId: record.conversationId,
    senderId: record.senderId,
    role: record.role,
    parts: record.parts,
    content: record.content,
    status: record.status,
    clientMessageId: record.clientMessageId,
    model: record.model,
    usage: record.usage,
    finishReason: record.finishReason,
    stale: record.stale,
    // The count is who's number: stored once (see `ReactionRecord`), so they never disagree.
    reactions: record.reactions.map(({ emoji, userIds }) => ({ emoji, count: userIds.length, userIds })),
    createdAt: record.createdAt,
    editedAt: record.editedAt,
    mentions: record.mentions ?? [],
    parentId: record.parentId,
    thread: record.thread
      ? {
          replyCount: record.thread.replyCount,
          lastReplyAt: record.thread.lastReplyAt,
          participantIds: record.thread.participantIds.slice(0, THREAD_PARTICIPANTS_SHOWN),
        }
      : null,
    alsoInConversation: record.alsoInConversation,
    // `deleted` is settled where pages are read (`thread-views.ts`): the snapshot never changes.
    quoted: record.quoted ? { ...record.quoted, deleted: false } : null,
    pinnedAt: record.pinnedAt,
    pinnedBy: record.pinnedBy,
  };
}

/** The conversation as `viewerId` sees it: their unread count; its last message as `message` presents it. */
export function toConversation(
  record: ConversationRecord,
  viewerId: string,
  message: (record: MessageRecord) => Message = toMessage,
): Conversation {
  const viewer = record.participants.find((participant) => participant.userId === viewerId);
  return {
    id: record.id,
    type: record.type,
    title: record.title,
    participants: record.participants.map(toParticipant),
    model: record.model,
    systemPrompt: record.systemPrompt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastMessage: record.lastMessage ? message(record.lastMessage) : null,
    unreadCount: viewer ? Math.max(0, record.messageCount - viewer.readCount) : 0,
    assistant: record.assistant ? { ...record.assistant } : null,
    unreadMentionCount: viewer ? unreadMentions(viewer) : 0,
  };
}

/** How many of the messages that mention `participant` are after their read marker. */
export function unreadMentions(participant: ParticipantRecord): number {
  let count = 0;
  for (const seq of participant.mentionSeqs ?? []) if (seq > participant.readCount) count++;
  return count;
}

/** People's messages and conversations as they leave the server: file parts with fresh signed URLs. */
export interface Presenter {
  message(record: MessageRecord): Message;
  conversation(record: ConversationRecord, viewerId: string): Conversation;
}

function hasFiles(parts: readonly MessagePart[]): boolean {
  for (const part of parts) if (part.type === 'file') return true;
  return false;
}

/**
 * @example
 * ```ts
 * const present = createPresenter({ fileUrls });
 * const view = present.message(record); // each file part's url: '/v1/files/…/content?expires=…&signature=…'
 * ```
 */
export function createPresenter(deps: { fileUrls: Pick<FileUrls, 'url'> }): Presenter {
  const { fileUrls } = deps;
  const message = (record: MessageRecord): Message => {
    const view = toMessage(record);
    // Most messages carry no file: they go out as they are, with no copy made.
    if (!hasFiles(record.parts)) return view;
    view.parts = record.parts.map((part) =>
      part.type === 'file' ? { ...part, url: fileUrls.url(part.fileId) } : part,
    );
    return view;
  };
  return {
    message,
    conversation: (record, viewerId) => toConversation(record, viewerId, message),
  };
}

export const participantIds = (record: ConversationRecord): string[] =>
  record.participants.map((participant) => participant.userId);

/** A participant as every client sees it (in conversations and in participant events). */
export function toParticipant({ userId, role, joinedAt, lastReadMessageId }: ParticipantRecord): Participant {
  return { userId, role, joinedAt, lastReadMessageId };
}
