/**
 * The shape of a conversation's `threads.json` (see `threads.ts`).
 */
import { isVersioned } from './documents.js';

export const THREADS_FILE = 'threads.json';

/** One thread: its parent's seq, its replies' seqs (deleted ones left out), and who read how far. */
export interface StoredThread {
  parentSeq: number;
  replySeqs: number[];
  /** By user id: the seq of their thread read marker. Its keys are who takes part. */
  reads: Record<string, number>;
}

export interface ThreadsFile {
  version: number;
  /** By parent id. */
  threads: Record<string, StoredThread>;
}

export function isVersionedThreads(data: unknown): data is ThreadsFile {
  return isVersioned(data) && typeof data.threads === 'object' && data.threads !== null;
}
