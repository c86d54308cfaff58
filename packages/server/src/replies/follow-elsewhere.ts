/**
 * Following a reply stored as `streaming` that another process generates (or that no process does
 * any more): subscribe to the broker first, then read the directory's snapshot (the producer
 * appends there before it publishes each delta, so the snapshot and the deltas that follow leave
 * no hole), then the live deltas de-duplicated by offset, up to its `message.completed`. A reply
 * nobody generates any more is claimed (one process wins) and stored as `error` with its partial
 * content.
 */
import type { ChatStreamEvent, Message } from '@chatwire/sdk/contracts';
import { toMessage } from '../services/views.js';
import type { MessageRecord } from '../store/store.js';
import type { FollowReplyDeps } from './follow-reply.js';
import { replyInterrupter } from './reply-interrupter.js';

/**
 * How often the end of a reply followed here is looked for again (the store, then the directory's
 * lease: never the content), in case its `message.completed` was missed (a publish lost to a Redis
 * outage), ms.
 */
const recheckMs = 2000;

export function followReplyElsewhere(deps: Omit<FollowReplyDeps, 'activeReplies'>) {
  const { store, broker, replies } = deps;
  const interrupter = replyInterrupter(deps);

  /** Follows a reply stored as `streaming` that is not generated here (see the module comment). */
  return function followElsewhere(
    record: MessageRecord,
    offset: number,
    onEvent: (event: ChatStreamEvent) => void | Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const { conversationId, id: messageId } = record;
    let sentUpTo = offset;
    let done = false;
    /** The directory did not know the reply once (see `resolveEnd`). */
    let unknownOnce = false;
    let settle!: (error?: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Everything runs one step at a time, in arrival order: a step awaits the follower's writes.
    let queue: Promise<void> = Promise.resolve();
    let unsubscribe = (): void => undefined;
    let recheck: ReturnType<typeof setInterval> | undefined;
    const leave = (error?: unknown) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(recheck);
      signal.removeEventListener('abort', onAbort);
      settle(error);
    };
    const onAbort = () => leave();
    const step = (task: () => Promise<void>) => {
      queue = queue
        .then(() => (done ? undefined : task()))
        .catch((error: unknown) => leave(error ?? new Error('following the reply failed')));
    };

    /** Sends what `content` (starting at `from`) has beyond what was sent; never past a hole. */
    const sendFrom = async (content: string, from: number) => {
      if (done || from > sentUpTo || from + content.length <= sentUpTo) return;
      const delta = content.slice(sentUpTo - from);
      const event = { type: 'message.delta' as const, conversationId, messageId, offset: sentUpTo, delta };
      sentUpTo = from + content.length;
      await onEvent(event);
    };
    const end = async (message: Message) => {
      await sendFrom(message.content, 0);
      if (done) return;
      // Stop listening before the last write: nothing may come after `message.completed`.
      unsubscribe();
      clearInterval(recheck);
      await onEvent({ type: 'message.completed', conversationId, message });
      leave();
    };
    /** How the reply ended (stored), or end it if its producer is gone; a live one: nothing yet. */
    const resolveEnd = async () => {
      const stored = await store.getMessage(conversationId, messageId);
      if (!stored) return end(toMessage({ ...record, status: 'error' }));
      if (stored.status !== 'streaming') return end(toMessage(stored));
      const claim = await replies.claim(messageId);
      if (claim.outcome === 'won') {
        const final = await interrupter.endClaimed({ ...claim, conversationId });
        return end(toMessage(final ?? { ...stored, status: 'error' }));
      }
      if (claim.outcome === 'none') {
        // A shared directory may not know a reply yet: a regenerate stores `streaming` (its
        // compare-and-set decides who regenerates) before it registers. Ended only when still
        // unknown at the next look.
        if (replies.sweepIntervalMs !== undefined && !unknownOnce) {
          unknownOnce = true;
          return;
        }
        return end(toMessage(await interrupter.markInterrupted(stored)));
      }
      // `live` (renewed meanwhile) or `taken` (another process is ending it): its
      // `message.completed` is coming; the recheck looks again if it does not.
    };
    const check = async () => {
      const snapshot = await replies.snapshot(messageId);
      if (snapshot) await sendFrom(snapshot.content, 0);
      if (!snapshot?.live) return resolveEnd();
      // Ended before the subscription began (its `message.completed` went by unseen): stored so.
      const stored = await store.getMessage(conversationId, messageId);
      if (stored && stored.status !== 'streaming') return end(toMessage(stored));
    };

    if (signal.aborted) return Promise.resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    unsubscribe = broker.subscribe(({ event }) => {
      if (event.type === 'message.delta' && event.messageId === messageId) {
        const { offset: from, delta } = event;
        step(async () => {
          // A hole (an append or publish that failed): the snapshot has what the producer kept.
          if (from > sentUpTo) await check();
          await sendFrom(delta, from);
        });
      } else if (event.type === 'message.completed' && event.message.id === messageId) {
        const { message } = event;
        step(() => end(message));
      }
    });
    // Subscribed first, snapshot second: whatever the snapshot lacks is published after it.
    step(check);
    recheck = setInterval(() => step(resolveEnd), recheckMs);
    recheck.unref();
    return finished;
  };
}
