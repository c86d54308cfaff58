/**
 * The message operations of the lowdb store: idempotent append, lookup, pages by seq and
 * in-place updates (appends grouped: see `append`). Each runs under its conversation's lock and
 * writes only segments: what they change in the conversation is derivable from the segments (see
 * `reconcile.ts`), so the meta
 * follows as a background checkpoint. An append that attaches files claims them first, in
 * `files.json` (see `files-document.ts` for why that order); one without files touches nothing else.
 */

import type { MessageStatus } from '@chatwire/sdk/contracts';
import { copyMessage, newMessageRecord } from '../copies.js';
import { attachedFileIds } from '../file-attachments.js';
import { type BatchItem, GroupCommit } from '../group-commit.js';
import type { AppendResult, MessagePatch, MessageQuery, MessageRecord, NewMessage } from '../store.js';
import type { ConversationAccess } from './conversation-access.js';
import type { ConversationState } from './conversation-state.js';
import type { FileOperations } from './file-operations.js';
import { idempotencyKey } from './layout.js';
import { readMentioning, withMentionsChanged } from './mentions.js';
import type { FoundMessage } from './message-log.js';
import { applyAppend } from './reconcile.js';
import type { ThreadOperations } from './threads.js';

/** An append waiting for its batch. */
interface PendingAppend {
  message: NewMessage;
  reply: NewMessage | undefined;
}

/** An append of a batch that passed its checks: its records (seqs assigned), parent and claimed files. */
interface AcceptedAppend {
  entry: BatchItem<PendingAppend, AppendResult | null>;
  records: MessageRecord[];
  parent: FoundMessage | null;
  fileIds: string[];
}

/** What an append answers: its message and reply as written (copies: committed records are shared). */
function resultOf(records: readonly MessageRecord[], created: boolean): AppendResult {
  const [first, reply] = records;
  if (!first) throw new RangeError('an append writes at least its message');
  return { message: copyMessage(first), created, reply: reply ? copyMessage(reply) : null };
}

export class MessageOperations {
  /**
   * @param stored Told of each message as written, under its conversation's lock (the search index).
   * @param appendBatchMax Most appends one segment write takes (group commit).
   */
  constructor(
    readonly access: ConversationAccess,
    readonly files: FileOperations,
    readonly threads: ThreadOperations,
    readonly stored: (message: MessageRecord) => void = () => undefined,
    readonly appendBatchMax = 64,
  ) {
    this.#appends = new GroupCommit(
      // A batch fits in one segment (a segment never holds more than its size but for one pair).
      Math.max(1, Math.min(appendBatchMax, access.log.segmentSize)),
      (conversationId, run) => this.access.run(conversationId, run),
      (state, batch) => this.#appendBatch(state, batch),
      // The conversation does not exist (any more): nothing is appended, as for a lone append.
      (batch) => {
        for (const entry of batch) entry.resolve(null);
      },
    );
  }

  readonly #appends: GroupCommit<ConversationState, PendingAppend, AppendResult | null>;

  /**
   * See `Store.appendMessage`. Idempotency is per conversation, on (senderId, clientMessageId).
   * Appends to one conversation that arrive while its previous write is in flight share the next
   * one (group commit, `#appendBatch`), in the order they were called: seqs follow that order.
   * A message and its reply always go into the same segment write: both or neither.
   */
  append(message: NewMessage, reply?: NewMessage): Promise<AppendResult | null> {
    return this.#appends.submit(message.conversationId, { message, reply });
  }

  /**
   * One write for a batch of appends, under the conversation's lock. Each is checked on its own
   * (its retry, its parent, its files' claims): one refused fails alone. The accepted ones get
   * consecutive seqs in batch order and go into one segment write (`MessageLog.append`); each is
   * answered once that write is on disk, and all fail with it if it fails (files given back).
   */
  async #appendBatch(state: ConversationState, batch: BatchItem<PendingAppend, AppendResult | null>[]) {
    const accepted: AcceptedAppend[] = [];
    const byClientKey = new Map<string, AcceptedAppend>();
    const retries: { entry: BatchItem<PendingAppend, AppendResult | null>; of: AcceptedAppend }[] = [];
    let nextSeq = state.record.messageCount + 1;
    for (const entry of batch) {
      const key = idempotencyKey(entry.item.message);
      const inBatch = key === null ? undefined : byClientKey.get(key);
      if (inBatch) {
        retries.push({ entry, of: inBatch });
        continue;
      }
      try {
        const checked = await this.#check(state, entry, key, nextSeq);
        if (!checked) continue;
        accepted.push(checked);
        if (key !== null) byClientKey.set(key, checked);
        nextSeq += checked.records.length;
      } catch (error) {
        entry.reject(error);
      }
    }
    if (accepted.length === 0) return;

    const records = accepted.flatMap((append) => append.records);
    let lastSegment: number;
    try {
      lastSegment = await this.access.log.append(state, records, () => this.access.checkpointNow(state));
    } catch (error) {
      for (const {
        fileIds,
        records: [first],
      } of accepted)
        if (fileIds.length > 0 && first) this.files.release(fileIds, first.id);
      for (const { entry } of [...accepted, ...retries]) entry.reject(error);
      throw error;
    }
    for (const {
      fileIds,
      records: [first],
    } of accepted)
      if (fileIds.length > 0 && first) this.files.confirm(fileIds, first.id);
    for (const written of records) this.stored(written);
    // Durable once the segment is written: the meta is a checkpoint that a replay of these
    // messages reproduces exactly (same function), so it is written later, in the background.
    this.access.advance(state, {
      ...state.current,
      lastSegment,
      conversation: records.reduce(applyAppend, state.record),
    });
    for (const append of accepted) {
      try {
        const [first, reply] = append.records;
        // An assistant's answer to a thread reply is a reply of that thread too.
        if (append.parent && first) await this.threads.recordReply(state, append.parent, first);
        if (append.parent && reply) await this.threads.recordReply(state, append.parent, reply);
        append.entry.resolve(resultOf(append.records, true));
      } catch (error) {
        append.entry.reject(error);
      }
    }
    // The same clientMessageId twice in one batch: the second is a retry of the first.
    for (const { entry, of } of retries) entry.resolve(resultOf(of.records, false));
  }

  /**
   * One append of a batch, checked before anything is written: its retry (answered at once, from
   * what is stored), its parent, its files (claimed). `null` once answered; throws when refused.
   */
  async #check(
    state: ConversationState,
    entry: BatchItem<PendingAppend, AppendResult | null>,
    key: string | null,
    seq: number,
  ): Promise<AcceptedAppend | null> {
    const { message, reply } = entry.item;
    const existing = key === null ? null : await this.access.log.findByClientKey(state, key);
    if (existing) {
      const [next] = await this.access.log.read(state, existing.seq + 1, existing.seq + 1);
      const stored = next?.promptId === existing.id ? copyMessage(next) : null;
      entry.resolve({ message: copyMessage(existing), created: false, reply: stored });
      return null;
    }
    const first = newMessageRecord(message, seq);
    const records = reply ? [first, newMessageRecord(reply, first.seq + 1)] : [first];
    // Checked before anything is written: a refused reply appends nothing.
    const parent = first.parentId === null ? null : await this.threads.requireParent(state, first.parentId);
    const fileIds = attachedFileIds(message);
    if (fileIds.length > 0) await this.files.claim(message, fileIds);
    return { entry, records, parent, fileIds };
  }

  /** See `Store.listMentioning`. */
  async listMentioning(
    conversationId: string,
    userId: string,
    query: MessageQuery,
  ): Promise<MessageRecord[]> {
    const messages = await this.access.run(conversationId, (state) =>
      readMentioning(this.access.log, state, userId, query),
    );
    return messages ? messages.map(copyMessage) : [];
  }

  async get(conversationId: string, messageId: string): Promise<MessageRecord | null> {
    const found = await this.access.run(conversationId, (state) => this.access.log.find(state, messageId));
    return found ? copyMessage(found.message) : null;
  }

  /**
   * A page by seq, ascending (see `MessageQuery`). With both bounds, the oldest `limit` between
   * them. Reads only the one or two segments the page spans.
   */
  async list(conversationId: string, query: MessageQuery): Promise<MessageRecord[]> {
    const messages = await this.access.run(conversationId, async (state) => {
      if (query.mainList) return this.#mainList(state, query);
      const range = pageRange(state.record.messageCount, query);
      return range ? this.access.log.read(state, range.low, range.high) : [];
    });
    return messages ? messages.map(copyMessage) : [];
  }

  /**
   * A page of the main list: pages by seq as `list`, widened until `limit` messages that are not
   * thread-only replies are found (or the conversation's end). Threads are rare next to the main
   * list, so this reads about one page.
   */
  async #mainList(state: ConversationState, query: MessageQuery): Promise<MessageRecord[]> {
    const limit = Math.floor(query.limit);
    const found: MessageRecord[] = [];
    const inMain = (message: MessageRecord) => message.parentId === null || message.alsoInConversation;
    let cursor = { ...query, mainList: false };
    while (found.length < limit) {
      const range = pageRange(state.record.messageCount, cursor);
      if (!range) break;
      const page = (await this.access.log.read(state, range.low, range.high)).filter(inMain);
      if (query.afterSeq !== undefined) {
        found.push(...page.slice(0, limit - found.length));
        cursor = { ...cursor, afterSeq: range.high };
      } else {
        found.unshift(...page.slice(Math.max(0, page.length - (limit - found.length))));
        cursor = { ...cursor, beforeSeq: range.low };
      }
    }
    return found;
  }

  /** See `Store.updateMessage`; keeps the conversation's `lastMessage` in step. */
  async update(
    conversationId: string,
    messageId: string,
    patch: MessagePatch,
    whileStatus?: readonly MessageStatus[],
  ): Promise<MessageRecord | null> {
    let applied = false;
    const after = await this.modify(conversationId, messageId, (message) => {
      if (whileStatus && !whileStatus.includes(message.status)) return null;
      applied = true;
      return patch;
    });
    return applied ? after : null;
  }

  /**
   * See `Store.modifyMessage`: read, change and write under the conversation's lock, so no other
   * write comes between.
   */
  async modify(
    conversationId: string,
    messageId: string,
    change: (message: MessageRecord) => MessagePatch | null,
  ): Promise<MessageRecord | null> {
    const updated = await this.access.run(conversationId, async (state) => {
      const found = await this.access.log.find(state, messageId);
      if (!found) return null;
      const patch = change(copyMessage(found.message));
      if (!patch) return found.message;
      return this.writeLocked(state, found, patch);
    });
    return updated ? copyMessage(updated) : null;
  }

  /**
   * Writes `patch` to the message `found` of conversation `state` with everything that follows a
   * change — the search index, a deleted reply's thread, whom it mentions, the last message. Call
   * under the conversation's lock (inside `access.run`); resolves with the message after.
   */
  async writeLocked(
    state: ConversationState,
    found: FoundMessage,
    patch: MessagePatch,
  ): Promise<MessageRecord> {
    const next = applyPatch(found.message, patch);
    await found.segment.replace(next);
    this.stored(next);
    if (found.message.status !== 'deleted' && next.status === 'deleted')
      await this.threads.recordDeletion(state, next);
    // Whom it mentions lives in the meta too (no replay derives an edit): written at once.
    const participants = withMentionsChanged(
      state.record.participants,
      next,
      found.message.mentions,
      next.mentions,
    );
    if (participants) {
      const lastMessage = state.record.lastMessage?.id === next.id ? next : state.record.lastMessage;
      await this.access.commitMeta(state, {
        ...state.current,
        conversation: { ...state.record, participants, lastMessage },
      });
    } else if (state.record.lastMessage?.id === next.id) {
      // The last message lives in the newest segment, where a replay reads `lastMessage`
      // from: no meta write needed (streamed replies update it many times a second).
      this.access.advance(state, {
        ...state.current,
        conversation: { ...state.record, lastMessage: next },
      });
    }
    return next;
  }
}

/** `message` with `patch` applied: a new record (committed ones are never mutated). */
function applyPatch(message: MessageRecord, patch: MessagePatch): MessageRecord {
  const next = copyMessage(message);
  if (patch.parts !== undefined) next.parts = patch.parts.map((part) => ({ ...part }));
  if (patch.content !== undefined) next.content = patch.content;
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.model !== undefined) next.model = patch.model;
  if (patch.usage !== undefined) next.usage = patch.usage ? { ...patch.usage } : null;
  if (patch.finishReason !== undefined) next.finishReason = patch.finishReason;
  if (patch.stale !== undefined) next.stale = patch.stale;
  if (patch.reactions !== undefined)
    next.reactions = patch.reactions.map(({ emoji, userIds }) => ({ emoji, userIds: [...userIds] }));
  if (patch.editedAt !== undefined) next.editedAt = patch.editedAt;
  if (patch.mentions !== undefined) next.mentions = [...patch.mentions];
  if (patch.pinnedAt !== undefined) next.pinnedAt = patch.pinnedAt;
  if (patch.pinnedBy !== undefined) next.pinnedBy = patch.pinnedBy;
  return next;
}

/** The seq range `low..high` a query selects among `count` messages; `null` when empty. */
export function pageRange(count: number, query: MessageQuery): { low: number; high: number } | null {
  const limit = Math.floor(query.limit);
  if (!(limit > 0)) return null;
  let low = 1;
  let high = count;
  if (query.afterSeq !== undefined) low = Math.max(low, Math.floor(query.afterSeq) + 1);
  if (query.beforeSeq !== undefined) high = Math.min(high, Math.ceil(query.beforeSeq) - 1);
  if (low > high) return null;
  // Anchored at `afterSeq` the page is the oldest `limit`; otherwise the newest.
  if (query.afterSeq !== undefined) high = Math.min(high, low + limit - 1);
  else low = Math.max(low, high - limit + 1);
  return { low, high };
}
