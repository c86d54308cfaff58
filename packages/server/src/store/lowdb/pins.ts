/**
 * Pinned messages in the lowdb store: a pin is two fields of the message (`pinnedAt`,
 * `pinnedBy`) written under the conversation's lock, so the count that `maxPins` is checked
 * against cannot change between the check and the write.
 *
 * Counting and listing read every segment of the conversation: fine at the sizes a file-backed
 * store is meant for (PostgreSQL answers both from a partial index).
 */
import { copyMessage } from '../copies.js';
import type { MessageRecord, PinChange, PinResult } from '../store.js';
import type { ConversationAccess } from './conversation-access.js';
import type { ConversationState } from './conversation-state.js';
import type { MessageOperations } from './messages.js';

export class PinOperations {
  constructor(
    readonly access: ConversationAccess,
    readonly messages: Pick<MessageOperations, 'writeLocked'>,
  ) {}

  /** See `Store.setPin`. */
  async set(
    conversationId: string,
    messageId: string,
    pin: PinChange,
    maxPins: number,
  ): Promise<PinResult | null> {
    const result = await this.access.run(conversationId, async (state): Promise<PinResult | null> => {
      const found = await this.access.log.find(state, messageId);
      if (!found || found.message.status === 'deleted') return null;
      const pinned = found.message.pinnedAt !== null;
      if (pinned === (pin !== null)) return { outcome: 'unchanged', message: found.message };
      if (pin !== null && (await this.#pinned(state)).length >= maxPins) {
        return { outcome: 'full', message: found.message };
      }
      const patch = pin ? { pinnedAt: pin.at, pinnedBy: pin.by } : { pinnedAt: null, pinnedBy: null };
      return { outcome: 'changed', message: await this.messages.writeLocked(state, found, patch) };
    });
    return result ? { outcome: result.outcome, message: copyMessage(result.message) } : null;
  }

  /** See `Store.listPinnedMessages`. */
  async list(conversationId: string): Promise<MessageRecord[]> {
    const pinned = await this.access.run(conversationId, (state) => this.#pinned(state));
    return (pinned ?? []).map(copyMessage);
  }

  /** The pinned messages of `state`, newest pin first. Call under its lock. */
  async #pinned(state: ConversationState): Promise<MessageRecord[]> {
    const count = state.record.messageCount;
    const messages = count === 0 ? [] : await this.access.log.read(state, 1, count);
    return messages.filter((message) => message.pinnedAt !== null).sort(newestPinFirst);
  }
}

function newestPinFirst(a: MessageRecord, b: MessageRecord): number {
  const [x, y] = [a.pinnedAt ?? '', b.pinnedAt ?? ''];
  if (x !== y) return x < y ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
