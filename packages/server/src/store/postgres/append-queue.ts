/**
 * Who shares an append transaction (group commit, within one process; the queueing is
 * `store/group-commit.ts`, as on lowdb): per conversation, a transaction starts as soon as none of
 * that conversation is in flight, with every append submitted by then (a lone one is a plain
 * `appendMessage`, several are one batch, `append-batch.ts`); appends arriving while it runs wait
 * and go, up to `batchMax` in arrival order — their seq order — into the next one. A lone append
 * therefore waits for nobody, and under load each COMMIT carries as many appends as arrived during
 * the previous one.
 *
 * Several processes stay correct as before: every transaction still takes the conversation's row
 * lock. One conversation holds at most one pooled connection here (its batches run one at a time),
 * where concurrent appends used to hold one each while waiting for the lock.
 */
import type pg from 'pg';
import { GroupCommit } from '../group-commit.js';
import { KeyedLock } from '../keyed-lock.js';
import type { AppendResult, NewMessage } from '../store.js';
import { type AppendOutcome, appendBatch, type BatchedAppend } from './append-batch.js';
import { isUuid } from './ids.js';
import { appendMessage } from './messages.js';

/** The store's appends, through the queue. */
export interface AppendQueue {
  /** As `appendMessage`; resolves only once the transaction holding the append committed. */
  append(pool: pg.Pool, message: NewMessage, reply?: NewMessage): Promise<AppendResult | null>;
}

/** An append waiting for its batch, with the pool the batch runs on (the store's one). */
interface WaitingAppend extends BatchedAppend {
  pool: pg.Pool;
}

/** `batchMax` 1 turns group commit off: every append is its own transaction, as before. */
export function createAppendQueue(batchMax: number): AppendQueue {
  // One batch of a conversation at a time; the group commit takes what waits when one starts.
  const lock = new KeyedLock();
  const commit = new GroupCommit<null, WaitingAppend, AppendResult | null>(
    batchMax,
    (conversationId, run) => lock.run(conversationId, () => run(null)),
    async (_context, batch) => {
      const members = batch.map((entry) => entry.item);
      const pool = members[0]?.pool;
      if (!pool) return;
      let outcomes: AppendOutcome[];
      try {
        outcomes =
          members.length === 1 ? [await single(pool, members[0]!)] : await appendBatch(pool, members);
      } catch (error) {
        outcomes = members.map(() => ({ ok: false, error }));
      }
      for (const [index, entry] of batch.entries()) {
        const outcome = outcomes[index]!;
        if (outcome.ok) entry.resolve(outcome.value);
        else entry.reject(outcome.error);
      }
    },
    // The lock always runs its task: never skipped.
    () => undefined,
  );

  return {
    append(pool, message, reply) {
      if (batchMax <= 1 || !isUuid(message.conversationId)) return appendMessage(pool, message, reply);
      return commit.submit(message.conversationId, { pool, message, ...(reply ? { reply } : {}) });
    },
  };
}

/** A batch of one: the plain single append, its error as it throws it. */
async function single(pool: pg.Pool, member: BatchedAppend): Promise<AppendOutcome> {
  try {
    return { ok: true, value: await appendMessage(pool, member.message, member.reply) };
  } catch (error) {
    return { ok: false, error };
  }
}
