/**
 * Resumes waiting for the event stream's head to reach a position (`EventLogs.whenHeadReaches`):
 * a client from a process that had read further waits here until this process has read as far.
 * The state is the event log's: these functions take it explicitly, so that the publish path
 * keeps comparing the head with one number (`wakeAt`) and calls in here only when it is reached.
 */

export interface HeadWaiter {
  seq: number;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
}

export type HeadWaiters = Set<HeadWaiter>;

function settle(waiters: HeadWaiters, waiter: HeadWaiter, reached: boolean): void {
  clearTimeout(waiter.timer);
  waiters.delete(waiter);
  waiter.resolve(reached);
}

/** Resolves `true` once `wakeReached` passes a head at or above `seq`, `false` after `timeoutMs`. */
export function waitForHead(waiters: HeadWaiters, seq: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const waiter: HeadWaiter = {
      seq,
      resolve,
      timer: setTimeout(() => settle(waiters, waiter, false), timeoutMs),
    };
    waiters.add(waiter);
  });
}

/** Resolves the waiters `head` reaches; returns the lowest seq still waited for (∞ when none). */
export function wakeReached(waiters: HeadWaiters, head: number): number {
  let wakeAt = Number.POSITIVE_INFINITY;
  for (const waiter of waiters) {
    if (waiter.seq <= head) settle(waiters, waiter, true);
    else wakeAt = Math.min(wakeAt, waiter.seq);
  }
  return wakeAt;
}

/** Resolves every waiter `false` (the log is closing). */
export function abandonAll(waiters: HeadWaiters): void {
  for (const waiter of waiters) settle(waiters, waiter, false);
}
