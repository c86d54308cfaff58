/**
 * The replies this process produces, in the Redis reply directory (redis-reply-directory.ts):
 * registered with a lease, their log of parts and deltas appended in order (each append only what
 * Redis lacks: `reply-log.ts`),
 * their leases renewed on one interval, and a stop requested anywhere passed to their producer.
 */
import type { RedisScript } from '../redis/redis-client.js';
import {
  appendScript,
  registerScript,
  releaseScript,
  renewScript,
  replyKey,
  textKey,
} from './redis-reply-scripts.js';
import type { ReplyDirectory, ReplyRegistration } from './reply-directory.js';
import { logLine } from './reply-log.js';

/** A reply registered here: its log so far, and how much of it Redis has. */
interface LocalReply {
  registration: ReplyRegistration;
  /** The log's lines (`reply-log.ts`), as recorded here. */
  log: string;
  /** Length Redis has confirmed; `-1` once the hash is gone or claimed (nothing more is written). */
  stored: number;
  /** Appends run one at a time, in order. */
  writing: Promise<void>;
}

/** The replies registered here, by message id. */
export type LocalReplies = Map<string, LocalReply>;

/** Tells a reply produced here that a stop was requested; a reply produced elsewhere is not ours. */
export function stopLocal(local: LocalReplies, messageId: string): void {
  local.get(messageId)?.registration.onStop();
}

export interface ProducerDeps {
  /** Runs a script on the directory's commands connection. */
  run(script: RedisScript, keys: string[], args: (string | number)[]): Promise<unknown>;
  prefix: string;
  /** The leases key. */
  leases: string;
  /** This process, as the hashes name their producer. */
  owner: string;
  leaseMs: number;
  renewIntervalMs: number;
  /** The expiry of a reply's keys, renewed with its lease. */
  keyTtlMs: number;
  onError: (error: Error) => void;
}

export type ReplyProducer = Pick<ReplyDirectory, 'register' | 'record' | 'release'> & {
  /** Stops renewing (the directory is closing). */
  close(): void;
};

/**
 * Starts renewing the leases of the replies in `local` (those `register` adds).
 *
 * @example
 * ```ts
 * const produced = startProducing(local, { run, prefix, leases, owner, leaseMs, renewIntervalMs, keyTtlMs, onError });
 * await produced.register(registration);
 * void produced.record(messageId, { type: 'part', index: 0, part: { type: 'text', text: '' } });
 * ```
 */
export function startProducing(local: LocalReplies, deps: ProducerDeps): ReplyProducer {
  const { run, prefix, leases, leaseMs, keyTtlMs, onError } = deps;

  /** Writes what Redis does not have yet of one reply; a failure is retried by the next append. */
  async function write(reply: LocalReply): Promise<void> {
    const { messageId } = reply.registration;
    // Twice at most: a mismatch (an earlier append that did land) says where to go on from.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (reply.stored < 0 || reply.stored >= reply.log.length) return;
      const from = reply.stored;
      const text = reply.log.slice(from);
      try {
        const [length, stop] = (await run(
          appendScript,
          [replyKey(prefix, messageId), textKey(prefix, messageId)],
          [from, text, from + text.length],
        )) as [number, number];
        if (stop === 1) reply.registration.onStop();
        reply.stored = Number(length);
      } catch (error) {
        onError(error as Error);
        return;
      }
    }
  }

  async function renew(): Promise<void> {
    if (local.size === 0) return;
    try {
      const stopped = (await run(renewScript, [leases], [prefix, leaseMs, keyTtlMs, ...local.keys()])) as
        | string[]
        | null;
      for (const messageId of stopped ?? []) stopLocal(local, String(messageId));
    } catch (error) {
      onError(error as Error);
    }
  }
  let renewing = false;
  const renewTimer = setInterval(() => {
    if (renewing) return;
    renewing = true;
    void renew().finally(() => {
      renewing = false;
    });
  }, deps.renewIntervalMs);
  renewTimer.unref();

  return {
    async register(registration) {
      const { messageId, conversationId } = registration;
      await run(
        registerScript,
        [replyKey(prefix, messageId), textKey(prefix, messageId), leases],
        [messageId, conversationId, deps.owner, leaseMs, keyTtlMs],
      );
      local.set(messageId, { registration, log: '', stored: 0, writing: Promise.resolve() });
    },
    record(messageId, entry) {
      const reply = local.get(messageId);
      if (!reply) return Promise.resolve();
      reply.log += logLine(entry);
      reply.writing = reply.writing.then(() => write(reply));
      return reply.writing;
    },
    async release(messageId) {
      local.delete(messageId);
      try {
        await run(
          releaseScript,
          [replyKey(prefix, messageId), textKey(prefix, messageId), leases],
          [messageId],
        );
      } catch (error) {
        // The lease then expires and a sweep finds the reply already stored: nothing is lost.
        onError(error as Error);
      }
    },
    close() {
      clearInterval(renewTimer);
      local.clear();
    },
  };
}
