/**
 * Threads on the lowdb store. A parent's summary (`thread`) lives on the parent's record in its
 * segment, so every read of a message carries it; what only threads need — which seqs are a
 * thread's replies, who takes part and how far each has read — lives in the conversation's
 * `threads.json`, loaded on first use. Every operation runs under the conversation's lock (the
 * caller's `ConversationAccess.run`).
 *
 * Write order of a reply: its segment (the truth), then the parent's segment, then
 * `threads.json`. A crash in between leaves a reply its parent does not count yet: known, and
 * documented in the README (the PostgreSQL store does all three in one transaction). Seqs the
 * document names past the conversation's count (a crash before the reply's own write landed
 * cannot produce them, a restored backup can) are ignored when it is read.
 */
import { join } from 'node:path';
import { copyMessage } from '../copies.js';
import type { MessageQuery, MessageRecord, ThreadListingRecord } from '../store.js';
import { StoreParentError } from '../store.js';
import type { ConversationAccess } from './conversation-access.js';
import type { ConversationState } from './conversation-state.js';
import { JsonDocument } from './documents.js';
import { FORMAT_VERSION } from './layout.js';
import type { FoundMessage } from './message-log.js';
import { isVersionedThreads, THREADS_FILE, type ThreadsFile } from './threads-file.js';

export class ThreadOperations {
  /** Per loaded conversation state: a reload makes a new state, and so reads the file again. */
  readonly #documents = new WeakMap<ConversationState, JsonDocument<ThreadsFile>>();

  constructor(readonly access: ConversationAccess) {}

  async #document(state: ConversationState): Promise<JsonDocument<ThreadsFile>> {
    let document = this.#documents.get(state);
    if (!document) {
      document = await JsonDocument.readOrCreate(join(state.dir, THREADS_FILE), isVersionedThreads, {
        version: FORMAT_VERSION,
        threads: {},
      });
      this.#documents.set(state, document);
    }
    return document;
  }

  /** The parent a reply goes to, checked under the lock; throws `StoreParentError` otherwise. */
  async requireParent(state: ConversationState, parentId: string): Promise<FoundMessage> {
    const found = await this.access.log.find(state, parentId);
    if (!found || found.message.parentId !== null || found.message.status === 'deleted') {
      throw new StoreParentError(parentId);
    }
    return found;
  }

  /** After `reply`'s own segment write: the parent's summary, then the thread's document. */
  async recordReply(state: ConversationState, parent: FoundMessage, reply: MessageRecord): Promise<void> {
    const before = parent.segment.findById(parent.message.id) ?? parent.message;
    const repliers = before.thread?.participantIds ?? [];
    const updated: MessageRecord = {
      ...before,
      thread: {
        replyCount: (before.thread?.replyCount ?? 0) + 1,
        lastReplyAt: reply.createdAt,
        participantIds:
          reply.senderId === null || repliers.includes(reply.senderId)
            ? repliers
            : [...repliers, reply.senderId],
      },
    };
    await parent.segment.replace(updated);
    const document = await this.#document(state);
    const thread = document.data.threads[before.id] ?? { parentSeq: before.seq, replySeqs: [], reads: {} };
    const reads = { ...thread.reads };
    if (before.senderId !== null && reads[before.senderId] === undefined) reads[before.senderId] = before.seq;
    if (reply.senderId !== null) reads[reply.senderId] = Math.max(reads[reply.senderId] ?? 0, reply.seq);
    await document.commit({
      ...document.data,
      threads: {
        ...document.data.threads,
        [before.id]: { ...thread, replySeqs: [...thread.replySeqs, reply.seq], reads },
      },
    });
  }

  /** A reply was just marked deleted (its segment written): its parent stops counting it. */
  async recordDeletion(state: ConversationState, reply: MessageRecord): Promise<void> {
    if (reply.parentId === null) return;
    const parent = await this.access.log.find(state, reply.parentId);
    if (parent?.message.thread) {
      const next: MessageRecord = {
        ...parent.message,
        thread: { ...parent.message.thread, replyCount: Math.max(0, parent.message.thread.replyCount - 1) },
      };
      await parent.segment.replace(next);
      if (state.record.lastMessage?.id === next.id) {
        this.access.advance(state, {
          ...state.current,
          conversation: { ...state.record, lastMessage: next },
        });
      }
    }
    const document = await this.#document(state);
    const thread = document.data.threads[reply.parentId];
    if (!thread) return;
    await document.commit({
      ...document.data,
      threads: {
        ...document.data.threads,
        [reply.parentId]: { ...thread, replySeqs: thread.replySeqs.filter((seq) => seq !== reply.seq) },
      },
    });
  }

  /** See `Store.listReplies`: the thread's reply seqs, bounded as `query` asks, read one by one. */
  async listReplies(
    state: ConversationState,
    parentId: string,
    query: MessageQuery,
  ): Promise<MessageRecord[]> {
    const thread = (await this.#document(state)).data.threads[parentId];
    if (!thread) return [];
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) return [];
    let seqs = this.#live(state, thread.replySeqs).filter(
      (seq) =>
        (query.afterSeq === undefined || seq > query.afterSeq) &&
        (query.beforeSeq === undefined || seq < query.beforeSeq),
    );
    seqs = query.afterSeq !== undefined ? seqs.slice(0, limit) : seqs.slice(-limit);
    const replies: MessageRecord[] = [];
    for (const seq of seqs) {
      const [reply] = await this.access.log.read(state, seq, seq);
      if (reply && reply.parentId === parentId) replies.push(copyMessage(reply));
    }
    return replies;
  }

  /** See `Store.markThreadRead`. */
  async markRead(
    state: ConversationState,
    parentId: string,
    userId: string,
    messageId: string,
  ): Promise<{ moved: boolean } | null> {
    const parent = await this.access.log.find(state, parentId);
    if (!parent || parent.message.parentId !== null) return null;
    const target = messageId === parentId ? parent : await this.access.log.find(state, messageId);
    if (!target || (target !== parent && target.message.parentId !== parentId)) return null;
    const document = await this.#document(state);
    const thread = document.data.threads[parentId] ?? {
      parentSeq: parent.message.seq,
      replySeqs: [],
      reads: {},
    };
    const current = thread.reads[userId];
    if (current !== undefined && current >= target.message.seq) return { moved: false };
    await document.commit({
      ...document.data,
      threads: {
        ...document.data.threads,
        [parentId]: { ...thread, reads: { ...thread.reads, [userId]: target.message.seq } },
      },
    });
    return { moved: true };
  }

  /** See `Store.listThreadsOf`. */
  async listThreadsOf(
    state: ConversationState,
    userId: string,
    limit: number,
  ): Promise<ThreadListingRecord[]> {
    const document = await this.#document(state);
    const listings: ThreadListingRecord[] = [];
    for (const [parentId, thread] of Object.entries(document.data.threads)) {
      const mark = thread.reads[userId];
      if (mark === undefined) continue;
      const found = await this.access.log.find(state, parentId);
      if (!found?.message.thread) continue;
      const unreadCount = this.#live(state, thread.replySeqs).filter((seq) => seq > mark).length;
      listings.push({
        parent: copyMessage(found.message),
        unreadCount,
        lastReplyAt: found.message.thread.lastReplyAt,
      });
    }
    listings.sort((a, b) => (a.lastReplyAt < b.lastReplyAt ? 1 : a.lastReplyAt > b.lastReplyAt ? -1 : 0));
    return listings.slice(0, Math.max(0, Math.floor(limit)));
  }

  /** Seqs the conversation holds (see the module's note on restored backups). */
  #live(state: ConversationState, seqs: readonly number[]): number[] {
    return seqs.filter((seq) => seq <= state.record.messageCount);
  }
}
