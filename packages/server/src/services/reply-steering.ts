/**
 * Who may stop or regenerate an assistant reply: in a conversation between people, the person
 * whose message it answers, the owner or an admin (`canSteerReply` in `conversation-rules.ts`); in an
 * assistant conversation its one person. Anyone else: `Forbidden` (403).
 */
import type { Membership, MessageRecord, Store } from '../store/store.js';
import { canSteerReply } from './conversation-rules.js';
import { Forbidden } from './errors.js';

/** Who asked for `reply`: the sender of the message it answers; `null` when that is unknown. */
async function askerOf(store: Store, reply: MessageRecord): Promise<string | null> {
  if (!reply.promptId) return null;
  return (await store.getMessage(reply.conversationId, reply.promptId))?.senderId ?? null;
}

export async function requireMaySteer(
  store: Store,
  userId: string,
  conversation: Membership,
  reply: MessageRecord,
  action: 'stop' | 'regenerate',
): Promise<void> {
  // One person: nothing to read, and the hot path of every assistant chat stays as it was.
  if (conversation.type === 'assistant') return;
  const asker = await askerOf(store, reply);
  if (!canSteerReply(userId, conversation.role, conversation.type, asker)) {
    throw new Forbidden(
      `Only the person who asked, or the conversation's owner or an admin, can ${action} this reply`,
    );
  }
}
