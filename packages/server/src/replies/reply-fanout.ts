/**
 * The real-time side of a reply being generated: what the conversation's participants (their
 * WebSockets, through the broker) see of it.
 *
 * The requester's SSE stream gets one `message.delta` per provider chunk; participants get the
 * deltas coalesced, one `message.delta` (the offset of the first, the texts joined) per part per
 * `intervalMs`. A publish is encoded and kept in every recipient's replay buffer: one per token
 * filled those buffers with hundreds of tiny frames per second of a fast model (and cost more
 * than the rest of a delta's trip), for no difference a person watching a tab can see at 30 ms.
 * A `message.part` (a part starts, or changes state) goes out at once, after the deltas gathered
 * before it, so participants see parts in the order they happened.
 *
 * `message.started` is published by `open`, when the model is asked: parts and deltas come after.
 *
 * `record` (optional) keeps each published part and delta where followers on other processes read
 * the reply so far (the `ReplyDirectory`): a publish waits for its recording, and later publishes
 * wait behind it, so the order stays the publish order.
 */
import type { MessagePart, RealtimeEvent } from '@chatwire/sdk/contracts';
import type { ReplyEntry } from './reply-directory.js';

type Started = Extract<RealtimeEvent, { type: 'message.started' }>;
type Completed = Extract<RealtimeEvent, { type: 'message.completed' }>;
type Delta = Extract<RealtimeEvent, { type: 'message.delta' }>;
type Part = Extract<RealtimeEvent, { type: 'message.part' }>;

export interface ReplyFanoutOptions {
  /** Publishes to the conversation's participants. */
  publish(event: Started | Part | Delta | Completed): Promise<void>;
  /**
   * Records a part or a (coalesced) delta before its publish; must not reject. Optional: without
   * it, or when it returns nothing, publishes go out at once.
   */
  record?(entry: ReplyEntry): Promise<void> | undefined;
  started: Started;
  /** How long deltas are gathered before they are published together, ms; `0`: one publish per delta. */
  intervalMs: number;
}

export interface ReplyFanout {
  /** The model is asked: publishes `message.started`. */
  open(): void;
  /** The part at `index` is now `part` (a copy is taken): published after the deltas before it. */
  part(index: number, part: MessagePart): void;
  /** Text of the part at `part`, starting at `offset` in its text channel. */
  delta(part: number, offset: number, text: string): void;
  /** Publishes the gathered deltas now (generation has ended). */
  flush(): void;
  /**
   * Publishes what is left, waits for every publish, then publishes `event`. Rejects with the
   * first publish that failed: the same failure an awaited publish per delta used to raise.
   */
  complete(event: Completed): Promise<void>;
  /** The reply will not be announced further: nothing more is published. */
  cancel(): void;
}

export function createReplyFanout(options: ReplyFanoutOptions): ReplyFanout {
  const { publish, record, started, intervalMs } = options;
  const { conversationId, messageId } = started;
  let cancelled = false;
  /** Deltas gathered for the part at `pendingPart`, starting at `pendingOffset`. */
  let pending = '';
  let pendingPart = 0;
  let pendingOffset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failure: { error: unknown } | undefined;
  // Publishes are not awaited one by one (that was an await per delta); this settles after the
  // latest, and the broker delivers in publish order.
  let published: Promise<void> = Promise.resolve();

  // Settles once the latest publish that waited (for a recording) has been handed to the broker;
  // until then later publishes wait too, so that they keep their order.
  let gate: Promise<void> | undefined;

  const send = (event: Started | Part | Delta | Completed, recorded?: Promise<void>) => {
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
    if (cancelled || pending === '') return;
    const delta = pending;
    pending = '';
    send(
      { type: 'message.delta', conversationId, messageId, part: pendingPart, offset: pendingOffset, delta },
      record?.({ type: 'delta', part: pendingPart, offset: pendingOffset, text: delta }),
    );
  };

  return {
    open() {
      if (!cancelled) send(started);
    },
    part(index, part) {
      if (cancelled) return;
      flush();
      const copy = { ...part };
      send(
        { type: 'message.part', conversationId, messageId, index, part: copy },
        record?.({ type: 'part', index, part: copy }),
      );
    },
    delta(part, offset, text) {
      if (cancelled) return;
      if (pending !== '' && part !== pendingPart) flush();
      if (pending === '') {
        pendingPart = part;
        pendingOffset = offset;
      }
      pending += text;
      if (intervalMs <= 0) flush();
      else timer ??= setTimeout(flush, intervalMs);
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
      pending = '';
    },
  };
}
