/**
 * What the store keeps in memory for one conversation: its meta document (always loaded) and,
 * once a lookup needs it, its segment catalog.
 */
import type { ConversationRecord } from '../store.js';
import type { JsonDocument } from './documents.js';
import type { ConversationMetaFile } from './layout.js';
import type { SegmentCatalog } from './segment-catalog.js';

export class ConversationState {
  /** Loaded on first use: conversations nobody reads never pay for it. */
  catalog: SegmentCatalog | null = null;
  /**
   * Set when a write failed part-way (say the segment was written, the meta not): memory may
   * disagree with disk, so the conversation is re-read and reconciled before its next use.
   */
  stale = false;

  constructor(
    readonly dir: string,
    public meta: JsonDocument<ConversationMetaFile>,
  ) {}

  get id(): string {
    return this.meta.data.conversation.id;
  }

  /** The committed record. Shared: copy before handing out. */
  get record(): ConversationRecord {
    return this.meta.data.conversation;
  }

  /** Number of the open segment; 0 while there is no message. */
  get lastSegment(): number {
    return this.meta.data.lastSegment;
  }
}
