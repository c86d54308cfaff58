/**
 * What the store keeps in memory for one conversation: its current state, the meta document
 * last checkpointed to disk and, once a lookup needs it, its segment catalog.
 *
 * The current state may be ahead of the meta on disk — appends only write their segment — but
 * never ahead of disk as a whole: whatever it holds beyond the checkpoint can be derived from
 * the segments again (see `reconcile.ts`).
 */
import type { ConversationRecord } from '../store.js';
import type { JsonDocument } from './documents.js';
import type { ConversationMetaFile } from './layout.js';
import type { SegmentCatalog } from './segment-catalog.js';

export class ConversationState {
  /** Loaded on first use: conversations nobody reads never pay for it. */
  catalog: SegmentCatalog | null = null;
  /**
   * Set when a write failed part-way: memory may disagree with disk, so the conversation is
   * re-read and reconciled before its next use (and not checkpointed meanwhile).
   */
  stale = false;
  /**
   * The conversation as of the last acknowledged operation. Replaced (never mutated) once the
   * write that makes it durable — segment or meta — has landed.
   */
  current: ConversationMetaFile;

  /**
   * @param meta The meta file and what it holds on disk: the checkpoint.
   * @param current The state the segments imply, when ahead of `meta` (after a reconcile).
   */
  constructor(
    readonly dir: string,
    readonly meta: JsonDocument<ConversationMetaFile>,
    current: ConversationMetaFile = meta.data,
  ) {
    this.current = current;
  }

  get id(): string {
    return this.current.conversation.id;
  }

  /** The current record. Shared: copy before handing out. */
  get record(): ConversationRecord {
    return this.current.conversation;
  }

  /** Number of the open segment; 0 while there is no message. */
  get lastSegment(): number {
    return this.current.lastSegment;
  }

  /**
   * Whether the meta on disk lags the current state. Identity is enough: every meta write
   * commits `current` itself, and every change replaces `current` with a new object.
   */
  get dirty(): boolean {
    return this.current !== this.meta.data;
  }
}
