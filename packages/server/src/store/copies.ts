/**
 * Copies of stored records, so callers can never mutate what a store holds. Hand-written rather
 * than `structuredClone`: records are flat JSON of known shape, and on hot paths (a page of
 * conversations, every append) structuredClone measured as a quarter of a request's CPU time.
 */
import type { ConversationRecord, MessageRecord, ParticipantRecord, UserRecord } from './store.js';

export function copyMessage(message: MessageRecord): MessageRecord {
  return { ...message, usage: message.usage ? { ...message.usage } : null };
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
