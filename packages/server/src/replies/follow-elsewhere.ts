/**
 * Following a reply stored as `streaming` that another process generates (or that no process does
 * any more): subscribe to the broker first, then read the directory's snapshot (the producer
 * records there each part and delta before it publishes it, so the snapshot and what follows it
 * leave no hole), then the live parts and deltas, what the follower lacks of them
 * (`follow-cursor.ts`), up to its `message.completed`. A reply nobody generates any more is
 * claimed (one process wins) and stored as `error` with its parts so far.
 */
import type { ChatStreamEvent, Message } from '@chatwire/sdk/contracts';
import { toMessage } from '../services/views.js';
import type { MessageRecord } from '../store/store.js';
import { createFollowCursor } from './follow-cursor.js';
import type { FollowReplyDeps } from './follow-reply.js';
import { replyInterrupter } from './reply-interrupter.js';
import type { ReplyPosition } from './turn.js';

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
    from: ReplyPosition,
    onEvent: (event: ChatStreamEvent) => void | Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const { conversationId, id: messageId } = record;
    let done = false;
    const cursor = createFollowCursor({ conversationId, messageId }, from, (event) =>
      done ? undefined : onEvent(event),
    );
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

    const end = async (message: Message) => {
      await cursor.snapshot(message.parts);
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
      if (snapshot) await cursor.snapshot(snapshot.parts);
      if (!snapshot?.live) return resolveEnd();
      // Ended before the subscription began (its `message.completed` went by unseen): stored so.
      const stored = await store.getMessage(conversationId, messageId);
      if (stored && stored.status !== 'streaming') return end(toMessage(stored));
    };

    if (signal.aborted) return Promise.resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    unsubscribe = broker.subscribe(({ event }) => {
      if (
        (event.type === 'message.delta' || event.type === 'message.part') &&
        event.messageId === messageId
      ) {
        step(async () => {
          if (done) return;
          // A hole (a record or publish that failed): the snapshot has what the producer kept.
          let sent = cursor.live(event);
          if (sent === 'gap') {
            await check();
            sent = done ? undefined : cursor.live(event);
          }
          if (sent !== 'gap') await sent;
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
