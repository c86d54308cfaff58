/**
 * Serialised, self-repairing access to one conversation: every operation that reads segments or
 * changes a conversation runs through {@link ConversationAccess.run}, under the conversation's
 * lock. A change becomes current either with a meta write ({@link ConversationAccess.commitMeta})
 * or, when the segments already imply it, without one ({@link ConversationAccess.advance}); the
 * background checkpoint ({@link ConversationAccess.checkpoint}) takes the same lock, so it never
 * interleaves with an operation and never writes an older state over a newer one.
 */

import type { KeyedLock } from '../keyed-lock.js';
import { StoreUnavailableError } from '../store.js';
import { CheckpointScheduler } from './checkpoints.js';
import { loadConversation } from './conversation-files.js';
import type { ConversationIndex } from './conversation-index.js';
import type { ConversationState } from './conversation-state.js';
import type { ConversationMetaFile } from './layout.js';
import type { MessageLog } from './message-log.js';

/** The lock key of a conversation. */
export function conversationLockKey(id: string): string {
  return `conversation:${id}`;
}

export class ConversationAccess {
  readonly checkpoints: CheckpointScheduler;

  /** @param checkpointDelayMs How long a meta may lag its segments before it is written. */
  constructor(
    readonly dataDir: string,
    readonly index: ConversationIndex,
    readonly log: MessageLog,
    readonly lock: KeyedLock,
    checkpointDelayMs: number,
  ) {
    this.checkpoints = new CheckpointScheduler(checkpointDelayMs, (id) => this.checkpoint(id));
  }

  /**
   * Runs `task` on conversation `id` once earlier operations on it are done; `null` when the
   * conversation does not exist (checked under the lock, so a concurrent delete is seen).
   *
   * When the task fails with `StoreUnavailableError` a write may have landed half-way (say the
   * catalog written, the new segment not): the conversation is re-read from disk and
   * reconciled, so memory is never ahead of disk, and the error is passed on.
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

  /**
   * Writes `next` as the conversation's meta and makes it current, then re-indexes it
   * (participants may have changed). `next` is built from `state.current`, so the write also
   * checkpoints every append before it.
   */
  async commitMeta(state: ConversationState, next: ConversationMetaFile): Promise<void> {
    const before = state.record;
    await state.meta.commit(next);
    state.current = next;
    this.index.update(state, before);
  }

  /**
   * Makes `next` current without writing the meta: for changes the segments already hold
   * durably and a replay derives again (see `reconcile.ts`). The meta catches up in the
   * background.
   */
  advance(state: ConversationState, next: ConversationMetaFile): void {
    const before = state.record;
    state.current = next;
    this.index.update(state, before);
    this.checkpoints.schedule(state.id);
  }

  /**
   * Writes the meta of `state` now if it lags: before a new segment is started, the meta must
   * name the open one (see `MessageLog.append`).
   */
  async checkpointNow(state: ConversationState): Promise<void> {
    if (state.dirty) await state.meta.commit(state.current);
  }

  /**
   * The background checkpoint of conversation `id`: under its lock, the then-current state is
   * written — never a snapshot taken earlier, so a newer meta is never overwritten by an older
   * one. Skipped when the conversation is gone or stale (its reload schedules it again).
   */
  checkpoint(id: string): Promise<void> {
    return this.lock.run(conversationLockKey(id), async () => {
      const state = this.index.get(id);
      if (!state || state.stale) return;
      await this.checkpointNow(state);
    });
  }

  async #reload(stale: ConversationState): Promise<ConversationState> {
    this.log.segments.forget(stale.id);
    stale.catalog = null;
    const fresh = await loadConversation(stale.dir, this.log.segments);
    this.index.update(fresh, stale.record);
    if (fresh.dirty) this.checkpoints.schedule(fresh.id);
    return fresh;
  }
}
