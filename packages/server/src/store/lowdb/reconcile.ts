/**
 * Replaying segments onto a meta checkpoint. An append writes only its segment; the meta on
 * disk is a checkpoint that may lag (see `lowdb-store.ts`). Everything an append changes in the
 * conversation is a function of the message alone — {@link applyAppend} — so the current state
 * is the checkpoint with every message past it applied in order. The segments are the truth:
 * applied on start-up and after a failed write.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConversationRecord, MessageRecord, ParticipantRecord } from '../store.js';
import type { ConversationMetaFile } from './layout.js';
import { withAppendedMention } from './mentions.js';

/** A segment as found on disk. */
export interface DiskSegment {
  number: number;
  firstSeq: number;
  messages: readonly MessageRecord[];
}

/**
 * The conversation after appending `message` (whose `seq` is `messageCount + 1`): count, last
 * message and activity follow it, the participants it mentions list its seq, and the sender — who has read what they wrote — has their
 * marker moved to it (never backwards). The one definition both the append and the replay use,
 * so a replayed conversation is exactly the one the appends produced.
 */
export function applyAppend(conversation: ConversationRecord, message: MessageRecord): ConversationRecord {
  // Copied only where a participant changes (the sender's read marker, whom it mentions): a big
  // group's list is not rebuilt for every message.
  let participants = conversation.participants;
  participants.forEach((participant, i) => {
    const after = withAppendedMention(markSent(participant, message), message);
    if (after === participant) return;
    if (participants === conversation.participants) participants = participants.slice();
    participants[i] = after;
  });
  return {
    ...conversation,
    participants,
    messageCount: message.seq,
    lastMessage: message,
    lastActivityAt: message.createdAt,
  };
}

function markSent(participant: ParticipantRecord, message: MessageRecord): ParticipantRecord {
  if (participant.userId !== message.senderId || message.seq <= participant.readCount) return participant;
  return { ...participant, readCount: message.seq, lastReadMessageId: message.id };
}

/**
 * The conversation the segments on disk imply, given the checkpoint `meta` and `newest`: the
 * newest non-empty segments, ascending — the one the meta names as open and, when it exists, the
 * one after it (the store never starts a segment before the meta names its predecessor, so
 * there is never a second one). Returns `meta` itself when it is already current.
 *
 * Idempotent: messages at or below the checkpoint's `messageCount` are never applied again, so
 * replaying twice (a crash during start-up) counts nothing twice.
 */
export function reconcileMeta(
  meta: ConversationMetaFile,
  newest: readonly DiskSegment[],
): ConversationMetaFile {
  // The store writes a segment with its first message, so an empty one is not its own doing:
  // nothing to learn from it.
  const segments = newest.filter((segment) => segment.messages.length > 0);
  const open = segments.at(-1);
  if (!open) return meta;
  let conversation = meta.conversation;
  for (const segment of segments) {
    for (const message of segment.messages) {
      if (message.seq > conversation.messageCount) conversation = applyAppend(conversation, message);
    }
  }
  const lastMessage = open.messages.at(-1)!;
  if (lastMessage.seq < conversation.messageCount) {
    // Only when a segment was restored from an older backup than the meta: the segments win.
    conversation = {
      ...conversation,
      messageCount: lastMessage.seq,
      participants: conversation.participants.map((participant) =>
        participant.readCount > lastMessage.seq
          ? { ...participant, readCount: lastMessage.seq }
          : participant,
      ),
    };
  }
  // The last message as stored, not as the checkpoint remembers it: `updateMessage` rewrites
  // only the segment, so an edit or a streamed completion of the last message lives there.
  if (!isDeepStrictEqual(conversation.lastMessage, lastMessage))
    conversation = { ...conversation, lastMessage };
  if (open.number === meta.lastSegment && conversation === meta.conversation) return meta;
  return { ...meta, lastSegment: open.number, conversation };
}
