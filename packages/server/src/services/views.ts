/**
 * Stored records → the contract's resources, as one viewer sees them.
 */
import type { Conversation, Message, PublicUser, User } from '@chatwire/sdk/contracts';
import type { ConversationRecord, MessageRecord, UserRecord } from '../store/store.js';

export function toUser(record: UserRecord): User {
  return { id: record.id, email: record.email, displayName: record.displayName, createdAt: record.createdAt };
}

export function toPublicUser(record: UserRecord, online: boolean): PublicUser {
  return { id: record.id, displayName: record.displayName, online };
}

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
    createdAt: record.createdAt,
    editedAt: record.editedAt,
  };
}

/** The conversation as `viewerId` sees it: their unread count. */
export function toConversation(record: ConversationRecord, viewerId: string): Conversation {
  const viewer = record.participants.find((participant) => participant.userId === viewerId);
  return {
    id: record.id,
    type: record.type,
    title: record.title,
    participants: record.participants.map(({ userId, role, joinedAt }) => ({ userId, role, joinedAt })),
    model: record.model,
    systemPrompt: record.systemPrompt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastMessage: record.lastMessage ? toMessage(record.lastMessage) : null,
    unreadCount: viewer ? Math.max(0, record.messageCount - viewer.readCount) : 0,
  };
}

export const participantIds = (record: ConversationRecord): string[] =>
  record.participants.map((participant) => participant.userId);
