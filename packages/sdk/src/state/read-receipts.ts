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
 * marker on a message not loaded (older than the page) counts as having read none of them.
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
  for (const { userId, lastReadMessageId } of conversation?.participants ?? []) {
    const at = lastReadMessageId ? position.get(lastReadMessageId) : undefined;
    if (userId === me || at === undefined || !lastReadMessageId) continue;
    upTo[lastReadMessageId] = [...(upTo[lastReadMessageId] ?? []), userId];
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
