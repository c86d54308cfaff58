/**
 * Copies of stored records, so callers can never mutate what a store holds. Hand-written rather
 * than `structuredClone`: records are flat JSON of known shape, and on hot paths (a page of
 * conversations, every append) structuredClone measured as a quarter of a request's CPU time.
 */
import type {
  ConversationRecord,
  FileRecord,
  MessageRecord,
  ParticipantRecord,
  UserRecord,
} from './store.js';

/**
 * Parts are copied a level deep: a part object is the caller's to change, while a tool's `input`
 * and `output` — JSON of any size — are shared, and nothing in the server mutates them.
 */
export function copyMessage(message: MessageRecord): MessageRecord {
  return {
    ...message,
    parts: message.parts.map((part) => ({ ...part })),
    usage: message.usage ? { ...message.usage } : null,
    clientTools: message.clientTools ? message.clientTools.map((tool) => ({ ...tool })) : null,
    reactions: message.reactions.map(({ emoji, userIds }) => ({ emoji, userIds: [...userIds] })),
    // A conversation's meta checkpointed before pins holds a last message without them.
    pinnedAt: message.pinnedAt ?? null,
    pinnedBy: message.pinnedBy ?? null,
  };
}

export function copyParticipant(participant: ParticipantRecord): ParticipantRecord {
  return { ...participant };
}

export function copyConversation(conversation: ConversationRecord): ConversationRecord {
  return {
    ...conversation,
    participants: conversation.participants.map(copyParticipant),
    lastMessage: conversation.lastMessage ? copyMessage(conversation.lastMessage) : null,
  };
}

export function copyUser(user: UserRecord): UserRecord {
  return { ...user };
}

export function copyFile(file: FileRecord): FileRecord {
  return { ...file };
}
