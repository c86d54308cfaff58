/**
 * Mentions on lowdb, kept with the participant: `ParticipantRecord.mentionSeqs` holds the seq of
 * every message that mentions them, ascending, in the conversation's meta. So a conversation's
 * unread mention count is a count over one short array (mentions are rare next to messages) and
 * `?mentions=me` reads just the messages it lists — neither scans the conversation's segments.
 *
 * An append adds its seq through `applyAppend` (a function of the message, so a replay after a
 * crash adds it again); an edit or delete that changes whom a message mentions rewrites the
 * lists it touches with a meta write of its own (see {@link withMentionsChanged}).
 */
import type { MessageQuery, MessageRecord, ParticipantRecord } from '../store.js';
import type { ConversationState } from './conversation-state.js';
import type { MessageLog } from './message-log.js';
import { pageRange } from './messages.js';

/** `participant` after `message` was appended: its seq added if it mentions them (not its sender). */
export function withAppendedMention(
  participant: ParticipantRecord,
  message: MessageRecord,
): ParticipantRecord {
  if (participant.userId === message.senderId || !message.mentions?.includes(participant.userId)) {
    return participant;
  }
  const seqs = participant.mentionSeqs ?? [];
  // A replay applies each message once (seq above the checkpoint), but stay idempotent regardless.
  if (seqs.at(-1) !== undefined && (seqs.at(-1) as number) >= message.seq) return participant;
  return { ...participant, mentionSeqs: [...seqs, message.seq] };
}

/**
 * The participants once `message` mentions `after` instead of `before`; `null` when nobody's
 * list changes (no meta write needed).
 */
export function withMentionsChanged(
  participants: readonly ParticipantRecord[],
  message: Pick<MessageRecord, 'seq' | 'senderId'>,
  before: readonly string[],
  after: readonly string[],
): ParticipantRecord[] | null {
  const { seq } = message;
  let changed = false;
  const next = participants.map((participant) => {
    if (participant.userId === message.senderId) return participant;
    const was = before.includes(participant.userId);
    const is = after.includes(participant.userId);
    if (was === is) return participant;
    changed = true;
    const seqs = (participant.mentionSeqs ?? []).filter((s) => s !== seq);
    if (is) {
      seqs.push(seq);
      seqs.sort((a, b) => a - b);
    }
    return { ...participant, mentionSeqs: seqs };
  });
  return changed ? next : null;
}

/** See `Store.listMentioning`: the page of `userId`'s mention seqs, each message read by its seq. */
export async function readMentioning(
  log: MessageLog,
  state: ConversationState,
  userId: string,
  query: MessageQuery,
): Promise<MessageRecord[]> {
  const participant = state.record.participants.find((p) => p.userId === userId);
  const seqs = participant?.mentionSeqs ?? [];
  if (seqs.length === 0) return [];
  // The same page rule as a plain page, over positions in the list of seqs.
  const positionQuery: MessageQuery = { limit: query.limit };
  if (query.afterSeq !== undefined) positionQuery.afterSeq = countAtOrBelow(seqs, query.afterSeq);
  if (query.beforeSeq !== undefined) positionQuery.beforeSeq = countBelow(seqs, query.beforeSeq) + 1;
  const range = pageRange(seqs.length, positionQuery);
  if (!range) return [];
  const found: MessageRecord[] = [];
  for (const seq of seqs.slice(range.low - 1, range.high)) {
    const [message] = await log.read(state, seq, seq);
    if (message) found.push(message);
  }
  return found;
}

function countBelow(seqs: readonly number[], seq: number): number {
  let count = 0;
  for (const s of seqs) if (s < seq) count++;
  return count;
}

function countAtOrBelow(seqs: readonly number[], seq: number): number {
  let count = 0;
  for (const s of seqs) if (s <= seq) count++;
  return count;
}
