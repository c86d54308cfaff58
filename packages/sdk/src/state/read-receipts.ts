/**
 * Read receipts from the participants' read markers (`Participant.lastReadMessageId`, moved by
 * `read` events and by each person's own messages): who has seen which loaded message.
 */
import type { Conversation, Message } from '../contracts/resources.js';

/** Who has read what in one conversation, people other than the viewer. */
export interface ReadReceipts {
  /** For each loaded message id, the people whose read marker is exactly there. */
  readonly upTo: Readonly<Record<string, readonly string[]>>;
  /** The people who have read `messageId` (their marker is at it or at a later loaded message). */
  seenBy(messageId: string): readonly string[];
}

/**
 * The read receipts of `conversation` over its loaded `messages` (ascending), for viewer `me`. A
 * marker on a message not loaded counts by its id (UUIDv7, ordered by time): one newer than the
 * last loaded message (a reply only in a thread) has read them all, as if at the last one; one
 * older than the page has read none of them.
 *
 * @example
 * ```ts
 * const receipts = readReceipts(conversation, messages, me);
 * receipts.seenBy(lastOwnMessage.id); // ['…bob']
 * ```
 */
export function readReceipts(
  conversation: Pick<Conversation, 'participants'> | undefined,
  messages: readonly Pick<Message, 'id'>[],
  me: string | undefined,
): ReadReceipts {
  const position = new Map(messages.map((message, index) => [message.id, index]));
  const upTo: Record<string, string[]> = {};
  const readers: Array<{ userId: string; at: number }> = [];
  const last = messages.at(-1)?.id;
  for (const { userId, lastReadMessageId } of conversation?.participants ?? []) {
    if (userId === me || !lastReadMessageId || last === undefined) continue;
    let at = position.get(lastReadMessageId);
    let marker = lastReadMessageId;
    if (at === undefined && lastReadMessageId > last) {
      at = messages.length - 1;
      marker = last;
    }
    if (at === undefined) continue;
    upTo[marker] = [...(upTo[marker] ?? []), userId];
    readers.push({ userId, at });
  }
  return {
    upTo,
    seenBy(messageId) {
      const at = position.get(messageId);
      return at === undefined ? [] : readers.filter((reader) => reader.at >= at).map((r) => r.userId);
    },
  };
}
