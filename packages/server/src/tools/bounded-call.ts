/**
 * Running a tool author's function — a tool's `execute`, its `needsApproval` rule — under a bound:
 * it is given a signal that aborts on a stop of the reply or past a timeout, and whichever comes
 * first wins, so a function that ignores its signal cannot hold the reply.
 */

/** How a bounded call ended. */
export type Bounded<T> =
  | { reason: 'done'; value: T }
  | { reason: 'failed'; error: unknown }
  | { reason: 'timeout' }
  | { reason: 'stopped' };

type Interruption = { reason: 'timeout' } | { reason: 'stopped' };

export interface BoundOptions {
  /** The reply's signal: its abort is a stop. */
  signal: AbortSignal;
  timeoutMs: number;
  /** What the function's signal is aborted with past the timeout (its `reason`). */
  timeoutReason: () => unknown;
}

/**
 * Calls `work` with a signal that aborts on `options.signal` or past `options.timeoutMs`, and
 * settles with the first of: its result, what it threw, the stop, the timeout. Never throws; leaves
 * no timer or listener behind.
 *
 * @example
 * ```ts
 * const settled = await bounded((signal) => fetch(url, { signal }), { signal, timeoutMs: 5000, timeoutReason: () => 'late' });
 * if (settled.reason === 'done') use(settled.value);
 * ```
 */
export async function bounded<T>(
  work: (signal: AbortSignal) => T | Promise<T>,
  options: BoundOptions,
): Promise<Bounded<T>> {
  if (options.signal.aborted) return { reason: 'stopped' };
  const controller = new AbortController();
  let onInterrupt!: (interruption: Interruption) => void;
  const interrupted = new Promise<Interruption>((resolve) => {
    onInterrupt = resolve;
  });
  const interrupt = (interruption: Interruption, reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    onInterrupt(interruption);
  };
  const onStop = () => interrupt({ reason: 'stopped' }, options.signal.reason);
  options.signal.addEventListener('abort', onStop, { once: true });
  const timer = setTimeout(
    () => interrupt({ reason: 'timeout' }, options.timeoutReason()),
    options.timeoutMs,
  );
  try {
    const outcome = await Promise.race([
      Promise.resolve()
        .then(() => work(controller.signal))
        .then(
          (value) => ({ reason: 'done' as const, value }),
          (error: unknown) => ({ reason: 'failed' as const, error }),
        ),
      interrupted,
    ]);
    // A function that rejects (an AbortError) because it was interrupted reports the interruption.
    return controller.signal.aborted && outcome.reason === 'failed' ? await interrupted : outcome;
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onStop);
  }
}
