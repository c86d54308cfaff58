/**
 * The Redis broker's publish path when Redis is away. Services publish *after* their write
 * committed: a publish that then fails must not fail the request (the write is stored; the client
 * would retry, hit its `clientMessageId` and get the stored message, and the event would never
 * go out). So a failed publish is kept here, in publish order, and sent when Redis answers again;
 * while anything waits, later publishes queue behind it, so receivers still see publish order.
 *
 * Bounded: at `maxSize` waiting items the queue is `full`, which the broker reports as
 * unavailable, so the HTTP and WebSocket layers refuse new writes before their transaction. The
 * only publishes that still arrive then are those already past that check (writes in flight,
 * typing and presence, assistant deltas): they are dropped, and a *loss marker* takes their place
 * in the order; sending it (`markLoss`) makes every reader see a gap and resync its sockets, so a
 * drop costs a refetch, never a silently missing event.
 */

export interface PublishQueueOptions<T> {
  /** Sends one item (rejects while Redis is down). */
  send(item: T): Promise<void>;
  /** Marks, in the stream, that items were dropped here (readers then resync). */
  markLoss(): Promise<void>;
  /** Waiting items at most; `full` from then on. Default 10,000. */
  maxSize?: number;
  /** The wait before retry `attempt` (0-based) of the oldest item. Default 50 ms · 2ⁿ, at most 1 s. */
  retryDelayMs?: (attempt: number) => number;
  /** Told the first failure of each outage and every drop. Default: ignored. */
  onError?: (error: Error) => void;
}

export interface PublishQueue<T> {
  /**
   * Sends `item`, or queues it behind what is waiting. Resolves once Redis has it *or* it is
   * queued: either way the caller may acknowledge its write. Rejects only after `close()`.
   */
  publish(item: T): Promise<void>;
  /** Items waiting (not counting sends in flight). */
  readonly size: number;
  /** At the bound: the broker is reported unavailable until the queue drains below it. */
  readonly full: boolean;
  /** Retries the oldest waiting item now rather than after its backoff (Redis is back). */
  retryNow(): void;
  /** Stops retrying; returns how many items were still waiting (they are not sent). */
  close(): number;
}

/** A waiting publish, or the place where publishes were dropped. `order` is the publish order. */
type Entry<T> = { order: number; item: T } | { order: number; loss: true };

const defaultRetryDelay = (attempt: number): number => Math.min(50 * 2 ** attempt, 1000);

/**
 * Creates the queue. Sends go straight out while nothing waits (no added latency, pipelined on
 * the client's connection); the first failure starts the backlog and a single sender that
 * drains it oldest first, one item at a time, with backoff.
 *
 * @example
 * ```ts
 * const queue = createPublishQueue({
 *   send: (payload: string) => client.sendCommand(['EVAL', script, '2', key, counter, payload]).then(() => {}),
 *   markLoss: () => client.incr(counter).then(() => {}),
 * });
 * await queue.publish(payload); // sent, or kept until Redis is back
 * ```
 */
export function createPublishQueue<T>(options: PublishQueueOptions<T>): PublishQueue<T> {
  const maxSize = options.maxSize ?? 10_000;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const report = options.onError ?? (() => undefined);
  /** Oldest first, by `order`. */
  const backlog: Entry<T>[] = [];
  let items = 0;
  let nextOrder = 0;
  let draining = false;
  let closed = false;
  let wake: (() => void) | null = null;
  /** This outage's first failure was reported: one report per outage, not one per retry. */
  let reported = false;

  const reportOnce = (error: unknown): void => {
    if (reported) return;
    reported = true;
    report(error instanceof Error ? error : new Error(String(error)));
  };

  /** Inserts by publish order: a send in flight that fails may be older than what queued since. */
  function insert(entry: Entry<T>): boolean {
    let index = backlog.length;
    while (index > 0 && (backlog[index - 1] as Entry<T>).order > entry.order) index -= 1;
    if ('loss' in entry) {
      // One marker stands for a whole run of drops.
      if (index > 0 && 'loss' in (backlog[index - 1] as Entry<T>)) return false;
    } else {
      items += 1;
    }
    backlog.splice(index, 0, entry);
    return true;
  }

  function enqueue(order: number, item: T): void {
    if (items >= maxSize) {
      if (insert({ order, loss: true }))
        report(
          new Error(`Redis broker: publish queue full (${maxSize}): events dropped; readers will resync`),
        );
    } else {
      insert({ order, item });
    }
    void drain();
  }

  async function pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  }

  /** The one sender of the backlog: oldest first, each retried until it goes. */
  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    let attempt = 0;
    try {
      while (!closed && backlog.length > 0) {
        const head = backlog[0] as Entry<T>;
        try {
          if ('loss' in head) await options.markLoss();
          else await options.send(head.item);
        } catch (error) {
          reportOnce(error);
          await pause(retryDelay(attempt));
          attempt += 1;
          continue;
        }
        attempt = 0;
        // By reference: an older failed send may have been inserted in front meanwhile.
        const index = backlog.indexOf(head);
        if (index >= 0) backlog.splice(index, 1);
        if (!('loss' in head)) items -= 1;
      }
      if (backlog.length === 0) reported = false;
    } finally {
      draining = false;
    }
  }

  return {
    async publish(item) {
      if (closed) throw new Error('Redis broker: closed');
      const order = nextOrder;
      nextOrder += 1;
      if (backlog.length > 0) {
        enqueue(order, item);
        return;
      }
      try {
        await options.send(item);
      } catch (error) {
        if (closed) throw error;
        reportOnce(error);
        enqueue(order, item);
      }
    },
    get size() {
      return items;
    },
    get full() {
      return items >= maxSize;
    },
    retryNow() {
      wake?.();
    },
    close() {
      closed = true;
      wake?.();
      const left = items;
      backlog.length = 0;
      items = 0;
      return left;
    },
  };
}
