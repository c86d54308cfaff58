/**
 * Who shares an append transaction (group commit, within one process): per conversation, an
 * append that finds no transaction of that conversation in flight starts one on its own, as a
 * plain `appendMessage`; appends arriving while one is in flight wait, and when it ends the next
 * transaction takes all of them (up to `batchMax`, in arrival order — their seq order) as one
 * batch (`append-batch.ts`). A lone append therefore waits for nobody, and under load each COMMIT
 * carries as many appends as arrived during the previous one.
 *
 * Several processes stay correct as before: every transaction still takes the conversation's row
 * lock. One conversation holds at most one pooled connection here (its batches run one at a time),
 * where concurrent appends used to hold one each while waiting for the lock.
 */
import type pg from 'pg';
import type { AppendResult, NewMessage } from '../store.js';
import { type AppendOutcome, appendBatch, type BatchedAppend } from './append-batch.js';
import { isUuid } from './ids.js';
import { appendMessage } from './messages.js';

/** The store's appends, through the queue. */
export interface AppendQueue {
  /** As `appendMessage`; resolves only once the transaction holding the append committed. */
  append(pool: pg.Pool, message: NewMessage, reply?: NewMessage): Promise<AppendResult | null>;
}

interface WaitingAppend extends BatchedAppend {
  settle(outcome: AppendOutcome): void;
}

/** `batchMax` 1 turns group commit off: every append is its own transaction, as before. */
export function createAppendQueue(batchMax: number): AppendQueue {
  /** Per conversation with a transaction in flight: the appends waiting for the next one. */
  const waiting = new Map<string, WaitingAppend[]>();

  const run = async (pool: pg.Pool, batch: readonly WaitingAppend[]): Promise<void> => {
    let outcomes: AppendOutcome[];
    try {
      outcomes = batch.length === 1 ? [await single(pool, batch[0]!)] : await appendBatch(pool, batch);
    } catch (error) {
      outcomes = batch.map(() => ({ ok: false, error }));
    }
    for (const [index, member] of batch.entries()) member.settle(outcomes[index]!);
  };

  /** Runs `first`, then batch after batch of what waits, until nothing does. */
  const drain = async (pool: pg.Pool, conversationId: string, first: WaitingAppend): Promise<void> => {
    let batch: WaitingAppend[] = [first];
    for (;;) {
      await run(pool, batch);
      const queue = waiting.get(conversationId)!;
      if (queue.length === 0) {
        waiting.delete(conversationId);
        return;
      }
      batch = queue.splice(0, batchMax);
    }
  };

  return {
    append(pool, message, reply) {
      if (batchMax <= 1 || !isUuid(message.conversationId)) return appendMessage(pool, message, reply);
      return new Promise((resolve, reject) => {
        const entry: WaitingAppend = {
          message,
          ...(reply ? { reply } : {}),
          settle: (outcome) => (outcome.ok ? resolve(outcome.value) : reject(outcome.error)),
        };
        const queue = waiting.get(message.conversationId);
        if (queue) {
          queue.push(entry);
          return;
        }
        waiting.set(message.conversationId, []);
        void drain(pool, message.conversationId, entry);
      });
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
