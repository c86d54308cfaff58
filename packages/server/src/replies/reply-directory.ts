/**
 * Where the assistant replies being generated right now are known, whichever process generates
 * them: the seam that lets a re-attach (`GET …/stream?part=&offset=`) or a stop land on a process that
 * is not the producer, and that ends a reply whose producer died.
 *
 * The producer `register`s a reply before its `streaming` record is written (so a record that says
 * `streaming` always has an entry, or had one), `record`s its parts and deltas as they are
 * published to participants, and `release`s it once the reply is stored as ended. While
 * registered it holds a lease that the directory renews; a lease that expires (the producer died) is `claim`ed by
 * exactly one process, by a follower or by `sweep`, which then stores the reply as `error`.
 *
 * One process needs none of this: {@link createLocalReplyDirectory} is the default and keeps the
 * single-process behaviour (a reply is either generated here or was left by a crash). The Redis
 * implementation is `redis-reply-directory.ts`.
 */

import type { MessagePart } from '@chatwire/sdk/contracts';

/**
 * What the producer records of a reply as it publishes it: a part at an index (new, or a new
 * state of it, its text channel included), or text appended to a part's text channel at `offset`.
 */
export type ReplyEntry =
  | { type: 'part'; index: number; part: MessagePart }
  | { type: 'delta'; part: number; offset: number; text: string };

/** What a follower elsewhere can read of a reply being generated. */
export interface ReplySnapshot {
  /** The parts so far, each with its text channel as recorded. */
  parts: MessagePart[];
  /** Its producer's lease is current: more is coming, and a `message.completed` will end it. */
  live: boolean;
}

/** A reply whose producer is gone, taken over by this process to be stored as ended. */
export interface ClaimedReply {
  messageId: string;
  conversationId: string;
  /** The parts so far, as recorded before the producer went away. */
  parts: MessagePart[];
}

/**
 * The outcome of {@link ReplyDirectory.claim}: `won` (this process ends the reply), `live` (its
 * producer still holds the lease), `taken` (another process has claimed it and is ending it), or
 * `none` (nothing is known of it: not registered, or already released).
 */
export type ClaimResult =
  | ({ outcome: 'won' } & ClaimedReply)
  | { outcome: 'live' }
  | { outcome: 'taken' }
  | { outcome: 'none' };

/** A reply the producer registers: `onStop` aborts its generation, as a local stop would. */
export interface ReplyRegistration {
  messageId: string;
  conversationId: string;
  onStop: () => void;
}

/**
 * Replies being generated, across every process that shares the directory. Every operation is
 * one call (one round trip for a shared implementation).
 *
 * @example
 * ```ts
 * await replies.register({ messageId, conversationId, onStop: () => controller.abort() });
 * await replies.record(messageId, { type: 'part', index: 0, part: { type: 'text', text: '' } });
 * await replies.record(messageId, { type: 'delta', part: 0, offset: 0, text: 'Hello' });
 * await replies.snapshot(messageId); // { parts: [{ type: 'text', text: 'Hello' }], live: true }
 * await replies.release(messageId);
 * ```
 */
export interface ReplyDirectory {
  /** `local`, `redis`, …: for logs and tests. */
  readonly kind: string;
  /**
   * How often the services call {@link sweep}, ms; `undefined` when nothing can expire (one
   * process: a reply registered here ends with this process).
   */
  readonly sweepIntervalMs?: number;
  /** Registers a reply generated in this process, and takes its lease. */
  register(reply: ReplyRegistration): Promise<void>;
  /**
   * Records a part or a delta of the reply (deltas of a part are contiguous: each starts where the
   * last ended). A failed record is caught up with the next one; it never rejects.
   */
  record(messageId: string, entry: ReplyEntry): Promise<void>;
  /** The reply is stored as ended (by its producer or by whoever claimed it): forgets it. */
  release(messageId: string): Promise<void>;
  /** What is known of a reply; `null` if nothing (not registered, or released). */
  snapshot(messageId: string): Promise<ReplySnapshot | null>;
  /**
   * Asks the producer of a reply to stop it, wherever it runs. Resolves `true` if the reply is
   * live (the producer will get the request), `false` if there is no such reply.
   */
  requestStop(messageId: string): Promise<boolean>;
  /** Takes over one reply whose lease expired, if no other process did (see {@link ClaimResult}). */
  claim(messageId: string): Promise<ClaimResult>;
  /** Takes over every reply whose lease expired; each is claimed by exactly one process. */
  sweep(): Promise<ClaimedReply[]>;
  /** Stops renewing and listening (leases left are then swept by another process). */
  close(): Promise<void>;
}

/**
 * The directory of a single process. Every reply it could know is generated here and is found in
 * the process's own `ActiveReplies` first (followers, stops and regenerates look there before
 * asking the directory), so it keeps nothing: a `streaming` record that is not active here was
 * left by a crash (`claim` → `none`: the follower stores it as `error`), and nothing ever expires.
 *
 * @example
 * ```ts
 * const app = await buildApp({ replies: createLocalReplyDirectory() }); // the default
 * ```
 */
export function createLocalReplyDirectory(): ReplyDirectory {
  return {
    kind: 'local',
    register: async () => undefined,
    record: async () => undefined,
    release: async () => undefined,
    snapshot: async () => null,
    requestStop: async () => false,
    claim: async () => ({ outcome: 'none' }),
    sweep: async () => [],
    close: async () => undefined,
  };
}
