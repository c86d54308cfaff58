/**
 * A conversation's messages across its segments: append (with rollover to a new segment),
 * lookups by id and by idempotency key, and reads of a seq range. Every method is called under
 * the conversation's lock; none writes the meta itself — the caller decides when (see
 * `lowdb-store.ts`).
 */
import type { MessageRecord } from '../store.js';
import type { ConversationState } from './conversation-state.js';
import { SegmentCatalog } from './segment-catalog.js';
import { LoadedSegment, type SegmentCache } from './segments.js';

/** A message and the segment holding it. */
export interface FoundMessage {
  message: MessageRecord;
  segment: LoadedSegment;
}

export class MessageLog {
  /**
   * @param segments Where segments are loaded from and kept.
   * @param segmentSize How many messages a segment holds before the next append opens a new one.
   */
  constructor(
    readonly segments: SegmentCache,
    readonly segmentSize: number,
  ) {}

  /** The segment appends go to; `null` while the conversation has no message. */
  async openSegment(state: ConversationState): Promise<LoadedSegment | null> {
    if (state.lastSegment === 0) return null;
    return this.segments.get(state.id, state.dir, state.lastSegment);
  }

  /** The conversation's catalog of sealed segments, loaded on first use. */
  async catalog(state: ConversationState): Promise<SegmentCatalog> {
    state.catalog ??= await SegmentCatalog.load(state.dir, state.lastSegment, (number) =>
      this.segments.get(state.id, state.dir, number),
    );
    return state.catalog;
  }

  /** Finds a message by id: the open segment, then the sealed ones whose fingerprints match. */
  async find(state: ConversationState, messageId: string): Promise<FoundMessage | null> {
    const open = await this.openSegment(state);
    const inOpen = open?.findById(messageId);
    if (open && inOpen) return { message: inOpen, segment: open };
    if (state.lastSegment <= 1) return null;
    for (const number of (await this.catalog(state)).segmentsMayHoldId(messageId)) {
      const segment = await this.segments.get(state.id, state.dir, number);
      const message = segment.findById(messageId);
      if (message) return { message, segment };
    }
    return null;
  }

  /** The message stored under the idempotency key `key`, if any. */
  async findByClientKey(state: ConversationState, key: string): Promise<MessageRecord | null> {
    const open = await this.openSegment(state);
    const inOpen = open?.findByClientKey(key);
    if (inOpen) return inOpen;
    if (state.lastSegment <= 1) return null;
    for (const number of (await this.catalog(state)).segmentsMayHoldClientKey(key)) {
      const message = (await this.segments.get(state.id, state.dir, number)).findByClientKey(key);
      if (message) return message;
    }
    return null;
  }

  /** Messages with `low ≤ seq ≤ high`, ascending; reads only the segments holding them. */
  async read(state: ConversationState, low: number, high: number): Promise<MessageRecord[]> {
    const open = await this.openSegment(state);
    if (!open || low > high) return [];
    const numbers = low < open.firstSeq ? (await this.catalog(state)).segmentsForSeqs(low, high) : [];
    const messages: MessageRecord[] = [];
    for (const number of numbers) {
      messages.push(...(await this.segments.get(state.id, state.dir, number)).slice(low, high));
    }
    messages.push(...open.slice(low, high));
    return messages;
  }

  /**
   * Writes `messages` (consecutive, their `seq`s already assigned) to the open segment in one
   * write, or — when they do not all fit — seals it in the catalog and starts the next one with
   * all of them: a batch is never split across two writes, so it is stored whole or not at all
   * (a segment may then hold a few more than `segmentSize`, or fewer).
   *
   * @param checkpoint Writes the meta if it lags; called before a new segment is started.
   * @returns the number of the segment that now holds the messages: the new `lastSegment`.
   */
  async append(
    state: ConversationState,
    messages: readonly MessageRecord[],
    checkpoint: () => Promise<void>,
  ): Promise<number> {
    const first = messages[0];
    if (!first) throw new RangeError('MessageLog.append: nothing to append');
    const open = await this.openSegment(state);
    if (open && (open.messages.length === 0 || open.messages.length + messages.length <= this.segmentSize)) {
      await open.append(messages);
      return open.number;
    }
    // Rollover. The meta first: it must name the open segment (and count all of it) before the
    // next one exists, so that start-up never finds more than one segment past the meta's —
    // the one it reads besides the meta's own (see `loadConversation`). Then the catalog, then
    // the new segment: after a crash in between, start-up finds the catalog ahead (harmless,
    // repaired on load) but never a segment the catalog should know and does not.
    await checkpoint();
    if (open) await (await this.catalog(state)).seal(open);
    const fresh = LoadedSegment.create(state.dir, state.lastSegment + 1, first.seq);
    await fresh.append(messages);
    this.segments.put(state.id, fresh);
    return fresh.number;
  }
}
