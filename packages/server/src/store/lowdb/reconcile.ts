/**
 * Crash repair for one conversation. An append writes the segment before the meta, so after a
 * crash between the two the segment holds a message the meta does not count. The segment is
 * the truth: the meta's count, last message and activity are derived from it again, and the
 * sender's read marker moved as the append would have. Applied on start-up and after a failed
 * write.
 */
import { isDeepStrictEqual } from 'node:util';
import type { MessageRecord, ParticipantRecord } from '../store.js';
import type { ConversationMetaFile } from './layout.js';

/** The open segment as found on disk. */
export interface LastSegment {
  number: number;
  firstSeq: number;
  messages: readonly MessageRecord[];
}

/**
 * The meta agreeing with `last` (the newest segment on disk, `null` when there is none):
 * `meta` itself when it already does, otherwise a corrected copy.
 */
export function reconcileMeta(meta: ConversationMetaFile, last: LastSegment | null): ConversationMetaFile {
  // The store writes a segment with its first message, so an empty one is not its own doing:
  // nothing to learn from it.
  if (last && last.messages.length === 0) return meta;
  const conversation = meta.conversation;
  const lastMessage = last?.messages.at(-1) ?? null;
  const lastSegment = last?.number ?? meta.lastSegment;
  const messageCount = lastMessage?.seq ?? 0;
  if (
    lastSegment === meta.lastSegment &&
    messageCount === conversation.messageCount &&
    isDeepStrictEqual(lastMessage, conversation.lastMessage)
  ) {
    return meta;
  }
  const unseen = (last?.messages ?? []).filter((message) => message.seq > conversation.messageCount);
  const participants = conversation.participants.map((participant) =>
    repairMarker(participant, unseen, messageCount),
  );
  return {
    ...meta,
    lastSegment,
    conversation: {
      ...conversation,
      participants,
      messageCount,
      lastMessage: lastMessage ? structuredClone(lastMessage) : null,
      lastActivityAt: lastMessage && unseen.length > 0 ? lastMessage.createdAt : conversation.lastActivityAt,
    },
  };
}

/** Moves a sender's marker to their newest unseen message; never past the last message. */
function repairMarker(
  participant: ParticipantRecord,
  unseen: readonly MessageRecord[],
  messageCount: number,
): ParticipantRecord {
  const own = unseen.filter((message) => message.senderId === participant.userId).at(-1);
  if (own && own.seq > participant.readCount) {
    return { ...participant, readCount: own.seq, lastReadMessageId: own.id };
  }
  if (participant.readCount > messageCount) {
    // Only when a segment was restored from an older backup than the meta.
    return { ...participant, readCount: messageCount };
  }
  return participant;
}
