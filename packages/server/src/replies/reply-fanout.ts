/**
 * The real-time side of a reply being generated: what the conversation's participants (their
 * WebSockets, through the broker) see of it.
 *
 * The requester's SSE stream gets one `message.delta` per provider chunk; participants get the
 * deltas coalesced, one `message.delta` (the offset of the first, the texts joined) per
 * `intervalMs`. A publish is encoded and kept in every recipient's replay buffer: one per token
 * filled those buffers with hundreds of tiny frames per second of a fast model (and cost more
 * than the rest of a delta's trip), for no difference a person watching a tab can see at 30 ms.
 *
 * `message.started` is published once the reply is stored (`open`), not when generation starts:
 * a participant who sees it can fetch the message, and a reply that could not be stored was
 * never announced. Deltas that come before wait for it.
 *
 * `record` (optional) keeps each published delta where followers on other processes read the
 * reply so far (the `ReplyDirectory`): a delta's publish waits for its recording, and later
 * publishes wait behind it, so the order stays the publish order.
 */
import type { RealtimeEvent } from '@chatwire/sdk/contracts';

type Started = Extract<RealtimeEvent, { type: 'message.started' }>;
type Completed = Extract<RealtimeEvent, { type: 'message.completed' }>;
type Delta = Extract<RealtimeEvent, { type: 'message.delta' }>;

export interface ReplyFanoutOptions {
  /** Publishes to the conversation's participants. */
  publish(event: Started | Delta | Completed): Promise<void>;
  /**
   * Records a delta (as published: coalesced) before its publish; must not reject. Optional:
   * without it, or when it returns nothing, publishes go out at once.
   */
  record?(offset: number, text: string): Promise<void> | undefined;
  started: Started;
  /** How long deltas are gathered before they are published together, ms; `0`: one publish per delta. */
  intervalMs: number;
}

export interface ReplyFanout {
  /** The reply is stored: publishes `message.started`, then the deltas gathered so far (on schedule). */
  open(): void;
  /** A delta of the reply, `offset` being where it starts. */
  delta(offset: number, text: string): void;
  /** Publishes the gathered deltas now, if `open` (generation has ended). */
  flush(): void;
  /**
   * Publishes what is left, waits for every publish, then publishes `event`. Rejects with the
   * first publish that failed: the same failure an awaited publish per delta used to raise.
   */
  complete(event: Completed): Promise<void>;
  /** The reply will not be stored: nothing more is published. */
  cancel(): void;
}

export function createReplyFanout(options: ReplyFanoutOptions): ReplyFanout {
  const { publish, record, started, intervalMs } = options;
  let opened = false;
  let cancelled = false;
  let text = '';
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failure: { error: unknown } | undefined;
  // Publishes are not awaited one by one (that was an await per delta); this settles after the
  // latest, and the broker delivers in publish order.
  let published: Promise<void> = Promise.resolve();

  // Settles once the latest publish that waited (for a recording) has been handed to the broker;
  // until then later publishes wait too, so that they keep their order.
  let gate: Promise<void> | undefined;

  const send = (event: Started | Delta | Completed, recorded?: Promise<void>) => {
    const waitFor = recorded && gate ? Promise.all([gate, recorded]) : (recorded ?? gate);
    let settled: Promise<void>;
    if (!waitFor) settled = publish(event);
    else {
      let issued!: () => void;
      const handedOver = new Promise<void>((resolve) => {
        issued = resolve;
      });
      gate = handedOver;
      settled = waitFor.then(() => {
        const publishing = publish(event);
        if (gate === handedOver) gate = undefined;
        issued();
        return publishing;
      });
    }
    const tracked = settled.catch((error: unknown) => {
      failure ??= { error };
    });
    published = published.then(() => tracked);
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!opened || cancelled || text === '') return;
    const delta = text;
    text = '';
    send(
      {
        type: 'message.delta',
        conversationId: started.conversationId,
        messageId: started.messageId,
        offset,
        delta,
      },
      record?.(offset, delta),
    );
  };

  const schedule = () => {
    if (intervalMs <= 0) flush();
    else timer ??= setTimeout(flush, intervalMs);
  };

  return {
    open() {
      if (opened || cancelled) return;
      opened = true;
      send(started);
      if (text !== '') schedule();
    },
    delta(at, piece) {
      if (cancelled) return;
      if (text === '') offset = at;
      text += piece;
      if (opened) schedule();
    },
    flush,
    async complete(event) {
      flush();
      send(event);
      await published;
      if (failure) throw failure.error;
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      timer = undefined;
      text = '';
    },
  };
}
