/**
 * Serialised, self-repairing access to one conversation: every operation that reads segments or
 * changes a conversation runs through {@link ConversationAccess.run}, under the conversation's
 * lock, and commits its meta through {@link ConversationAccess.commitMeta}.
 */
import { StoreUnavailableError } from '../store.js';
import { loadConversation } from './conversation-files.js';
import type { ConversationIndex } from './conversation-index.js';
import type { ConversationState } from './conversation-state.js';
import type { KeyedLock } from './keyed-lock.js';
import type { ConversationMetaFile } from './layout.js';
import type { MessageLog } from './message-log.js';

/** The lock key of a conversation. */
export function conversationLockKey(id: string): string {
  return `conversation:${id}`;
}

export class ConversationAccess {
  constructor(
    readonly dataDir: string,
    readonly index: ConversationIndex,
    readonly log: MessageLog,
    readonly lock: KeyedLock,
  ) {}

  /**
   * Runs `task` on conversation `id` once earlier operations on it are done; `null` when the
   * conversation does not exist (checked under the lock, so a concurrent delete is seen).
   *
   * When the task fails with `StoreUnavailableError` a write may have landed half-way (segment
   * written, meta not): the conversation is re-read from disk and reconciled, so memory is
   * never ahead of disk, and the error is passed on.
   */
  run<T>(id: string, task: (state: ConversationState) => Promise<T>): Promise<T | null> {
    return this.lock.run(conversationLockKey(id), async () => {
      let state = this.index.get(id);
      if (!state) return null;
      if (state.stale) state = await this.#reload(state);
      try {
        return await task(state);
      } catch (error) {
        if (error instanceof StoreUnavailableError) {
          state.stale = true;
          // Best effort now; if the disk is still failing, the next operation tries again.
          await this.#reload(state).catch(() => undefined);
        }
        throw error;
      }
    });
  }

  /** Writes the conversation's meta, then re-indexes it (participants may have changed). */
  async commitMeta(state: ConversationState, next: ConversationMetaFile): Promise<void> {
    const before = state.record;
    await state.meta.commit(next);
    this.index.update(state, before);
  }

  async #reload(stale: ConversationState): Promise<ConversationState> {
    this.log.segments.forget(stale.id);
    stale.catalog = null;
    const fresh = await loadConversation(stale.dir, this.log.segments);
    this.index.update(fresh, stale.record);
    return fresh;
  }
}
