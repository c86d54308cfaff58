/**
 * Timeouts shared by the HTTP providers. A stream can fail to start, start but never say
 * anything, or stall halfway (anthropic-sdk-typescript #867): each phase gets its own limit,
 * and a limit that fires aborts the upstream request so no socket is left hanging.
 */
import { type ProviderChunk, ProviderError } from './provider.js';

/** Per-phase limits in ms. `0` or `Infinity` turns a limit off. */
export interface ProviderTimeouts {
  /** Until the response headers arrive (DNS, TCP, TLS, queueing upstream). Default 10 s. */
  connectMs?: number;
  /**
   * From the headers to the first chunk — text, reasoning or a tool call (model loading, long
   * prompts). A thinking model's reasoning counts: it is alive. Default 60 s.
   */
  firstTokenMs?: number;
  /**
   * Between one read of chunks and the next, and until the finish. Default 30 s. Ollama sends a
   * tool call whole once its arguments are generated: a model slow at writing long arguments
   * needs room here.
   */
  idleMs?: number;
}

/** The defaults of {@link ProviderTimeouts}. */
export const DEFAULT_TIMEOUTS: Readonly<Required<ProviderTimeouts>> = Object.freeze({
  connectMs: 10_000,
  firstTokenMs: 60_000,
  idleMs: 30_000,
});

/** The timer functions used, injectable so tests can use fake clocks. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

type Phase = 'connect' | 'firstToken' | 'idle';

/** What {@link streamBatchesWithTimeouts} needs to run one upstream request. */
export interface TimedStreamSpec<Upstream> {
  /** Shown in error messages: `OpenAI`, `Groq`, `Ollama`, … */
  providerName: string;
  /** The caller's signal: aborting it ends the stream quietly. */
  signal: AbortSignal;
  timeouts?: ProviderTimeouts | undefined;
  timers?: Timers | undefined;
  /**
   * Sends the request and resolves once the response headers are in. Should throw a
   * {@link ProviderError} for an error answer (its body is read within the connect limit).
   */
  connect(signal: AbortSignal): Promise<Upstream>;
  /**
   * Turns the response into batches of chunks, one per network read (never empty; `finish` ends
   * the last one); should throw a {@link ProviderError} for upstream errors.
   */
  read(upstream: Upstream, signal: AbortSignal): AsyncIterable<readonly ProviderChunk[]>;
  /** A message for a network failure (anything that is not a ProviderError). */
  describeFailure(phase: 'connect' | 'stream', error: unknown): string;
}

/**
 * Runs `connect` then `read` under the three timeouts, with one combined signal handed to
 * both (so `fetch` is aborted by a timeout or by the caller). Guarantees the stream contract:
 * deltas, then exactly one `finish`; a timeout throws `provider_timeout`; any other failure
 * throws `provider_error`; a caller abort ends iteration without error and without more chunks.
 *
 * The limits are armed and checked per batch, so a read of hundreds of deltas costs one timer,
 * not hundreds. The idle limit is still the longest silence between two reads (and a read is what
 * upstream silence is made of).
 *
 * @example
 * yield* streamBatchesWithTimeouts({ providerName: 'OpenAI', signal, timeouts, connect, read, describeFailure });
 */
export async function* streamBatchesWithTimeouts<Upstream>(
  spec: TimedStreamSpec<Upstream>,
): AsyncGenerator<readonly ProviderChunk[]> {
  const { signal, providerName } = spec;
  if (signal.aborted) return;
  const limits = { ...DEFAULT_TIMEOUTS, ...definedOnly(spec.timeouts) };
  const timers = spec.timers ?? systemTimers;
  const controller = new AbortController();
  let timedOut: ProviderError | null = null;
  let timer: unknown;

  const disarm = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };
  const arm = (phase: Phase) => {
    disarm();
    const ms = limits[`${phase}Ms`];
    if (!(ms > 0 && Number.isFinite(ms))) return;
    timer = timers.setTimeout(() => {
      timedOut = new ProviderError('provider_timeout', timeoutMessage(providerName, phase, ms));
      controller.abort(timedOut);
    }, ms);
  };
  const onCallerAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onCallerAbort, { once: true });

  // Every await is interruptible: a read that ignores the signal still cannot outlive a timeout.
  // One slot for the await in progress, rather than `Promise.race` against a promise that lives
  // as long as the stream: each race leaves a reaction on it until it settles, one per read.
  let interrupt: ((reason: unknown) => void) | undefined;
  controller.signal.addEventListener('abort', () => interrupt?.(controller.signal.reason), { once: true });
  const interruptible = <T>(promise: Promise<T>): Promise<T> => {
    if (controller.signal.aborted) {
      promise.catch(() => {});
      return Promise.reject(controller.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      interrupt = reject;
      promise.then(resolve, reject);
    });
  };

  /** The error to throw for `error`, or `null` when the caller aborted (end quietly). */
  const failureFor = (phase: 'connect' | 'stream', error: unknown): ProviderError | null => {
    if (timedOut) return timedOut;
    if (signal.aborted) return null;
    if (ProviderError.isInstance(error)) return error;
    return new ProviderError('provider_error', spec.describeFailure(phase, error), { cause: error });
  };

  let iterator: AsyncIterator<readonly ProviderChunk[]> | undefined;
  try {
    arm('connect');
    let upstream: Upstream;
    try {
      upstream = await interruptible(spec.connect(controller.signal));
    } catch (error) {
      const failure = failureFor('connect', error);
      if (failure === null) return;
      throw failure;
    }

    arm('firstToken');
    iterator = spec.read(upstream, controller.signal)[Symbol.asyncIterator]();
    for (;;) {
      let result: IteratorResult<readonly ProviderChunk[]>;
      try {
        result = await interruptible(iterator.next());
      } catch (error) {
        const failure = failureFor('stream', error);
        if (failure === null) return;
        throw failure;
      }
      if (result.done) {
        throw new ProviderError(
          'provider_error',
          `${providerName} ended the stream before finishing the reply.`,
        );
      }
      const batch = result.value;
      // The consumer's own pace must not count as upstream silence: no timer while we yield.
      disarm();
      yield batch;
      if (signal.aborted || batch.at(-1)?.type === 'finish') return;
      arm('idle');
    }
  } finally {
    disarm();
    signal.removeEventListener('abort', onCallerAbort);
    // Releases the upstream socket when we stop early; a no-op once the body was read.
    controller.abort();
    // Lets the reader run its own cleanup; if it is mid-read, that read now fails fast, so
    // this settles soon: not awaited, so stopping never waits on the network.
    iterator?.return?.().catch(() => {});
  }
}

function definedOnly(timeouts: ProviderTimeouts | undefined): ProviderTimeouts {
  return Object.fromEntries(Object.entries(timeouts ?? {}).filter(([, value]) => value !== undefined));
}

function timeoutMessage(name: string, phase: Phase, ms: number): string {
  const span = ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
  switch (phase) {
    case 'connect':
      return `${name} did not answer within ${span} (connect timeout). Check the base URL and that the service is up.`;
    case 'firstToken':
      return `${name} answered but sent no text within ${span} (first-token timeout); the model may be overloaded or still loading.`;
    case 'idle':
      return `${name} stopped sending for ${span} in the middle of the reply (idle timeout).`;
  }
}
