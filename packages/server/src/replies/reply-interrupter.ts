/**
 * Ending replies whose producer is gone: a process that died mid-generation (its lease expired,
 * claimed by exactly one survivor) or a crash that left a record `streaming`. Both store the
 * reply as `error` with the partial content, its unfinished tool calls ended `output-error` — and
 * only while it is still `streaming`: a reply that ended or was deleted meanwhile is left as it is.
 */
import { textOf } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import { participantIds, toMessage } from '../services/views.js';
import type { MessageRecord, Store } from '../store/store.js';
import type { ClaimedReply, ReplyDirectory } from './reply-directory.js';
import { withUnfinishedCallsEnded } from './unfinished-calls.js';

/**
 * Stores the reply as `error` — only while it is `streaming` — with its unfinished tool calls
 * ended, in one read-modify-write of the parts as stored. `null` when it is not stored, or has
 * ended (or been deleted) meanwhile: what is stored stands.
 */
export async function storeAsFailed(
  store: Store,
  conversationId: string,
  messageId: string,
): Promise<MessageRecord | null> {
  let ended = false;
  const updated = await store.modifyMessage(conversationId, messageId, (current) => {
    ended = current.status === 'streaming';
    return ended ? { status: 'error', parts: withUnfinishedCallsEnded(current.parts, 'failed') } : null;
  });
  return ended ? updated : null;
}

/** Ends replies whose producer is gone: stored as `error` (the contract has no reason field). */
export function replyInterrupter(deps: { store: Store; broker: Broker; replies: ReplyDirectory }) {
  const { store, broker, replies } = deps;
  return {
    /** A reply left `streaming` by a process that stopped mid-generation: it ends as `error`. */
    async markInterrupted(reply: MessageRecord): Promise<MessageRecord> {
      const updated = await storeAsFailed(store, reply.conversationId, reply.id);
      return updated ?? { ...reply, status: 'error' };
    },
    /**
     * Stores a reply this process claimed as `error` with its partial content (unless it has
     * ended meanwhile), tells the conversation's participants (`message.completed`, so followers
     * anywhere end), then forgets it. `null` if the reply is not stored at all (its producer died
     * before writing its placeholder).
     */
    async endClaimed(claimed: ClaimedReply): Promise<MessageRecord | null> {
      const { conversationId, messageId } = claimed;
      const current = conversationId ? await store.getMessage(conversationId, messageId) : null;
      if (current?.status !== 'streaming') {
        await replies.release(messageId);
        return current;
      }
      // The record holds the parts of the reply's last stored run only: the directory's are newer.
      const newest = claimed.parts.length >= current.parts.length ? claimed.parts : current.parts;
      // Its calls left without an outcome are ended: no UI shows them going on forever.
      const parts = withUnfinishedCallsEnded(newest, 'failed');
      const updated = await store.updateMessage(
        conversationId,
        messageId,
        { status: 'error', parts, content: textOf(parts) },
        ['streaming'],
      );
      if (!updated) {
        // Ended (or deleted) between the read and the write: what is stored stands.
        await replies.release(messageId);
        return store.getMessage(conversationId, messageId);
      }
      const final = updated;
      const conversation = await store.getConversation(conversationId);
      if (conversation)
        await broker.publish({
          recipients: participantIds(conversation),
          event: { type: 'message.completed', conversationId, message: toMessage(final) },
        });
      // Released only once stored: until then, others see the reply as being ended, not unknown.
      await replies.release(messageId);
      return final;
    },
  };
}
