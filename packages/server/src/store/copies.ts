/**
 * Copies of stored records, so callers can never mutate what a store holds. Hand-written rather
 * than `structuredClone`: records are flat JSON of known shape, and on hot paths (a page of
 * conversations, every append) structuredClone measured as a quarter of a request's CPU time.
 */
import type {
  ConversationRecord,
  FileRecord,
  MessageRecord,
  NewMessage,
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
    // Messages stored before mentions have none.
    mentions: message.mentions ? [...message.mentions] : [],
    thread: message.thread ? { ...message.thread, participantIds: [...message.thread.participantIds] } : null,
    quoted: message.quoted ? { ...message.quoted } : null,
    // A conversation's meta checkpointed before pins holds a last message without them.
    pinnedAt: message.pinnedAt ?? null,
    pinnedBy: message.pinnedBy ?? null,
  };
}

/** A message about to be appended at `seq`: no reactions, no thread, the thread fields' defaults. */
export function newMessageRecord(message: NewMessage, seq: number): MessageRecord {
  return copyMessage({
    ...message,
    seq,
    reactions: [],
    pinnedAt: null,
    pinnedBy: null,
    mentions: message.mentions ?? [],
    parentId: message.parentId ?? null,
    alsoInConversation: message.alsoInConversation ?? false,
    thread: null,
    quoted: message.quoted ?? null,
  });
}

export function copyParticipant(participant: ParticipantRecord): ParticipantRecord {
  const copy = { ...participant };
  if (participant.mentionSeqs) copy.mentionSeqs = [...participant.mentionSeqs];
  return copy;
}

export function copyConversation(conversation: ConversationRecord): ConversationRecord {
  return {
    ...conversation,
    participants: conversation.participants.map(copyParticipant),
    assistant: conversation.assistant ? { ...conversation.assistant } : null,
    lastMessage: conversation.lastMessage ? copyMessage(conversation.lastMessage) : null,
  };
}

export function copyUser(user: UserRecord): UserRecord {
  return { ...user };
}

export function copyFile(file: FileRecord): FileRecord {
  return { ...file };
}
