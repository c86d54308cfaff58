import { describe, expect, it } from 'vitest';
import { type ProviderChunk, ProviderError, singly, unbatched } from './provider.js';
import {
  DEFAULT_TIMEOUTS,
  streamBatchesWithTimeouts,
  type TimedStreamSpec,
  type Timers,
} from './timeouts.js';

/** A spec whose `read` yields single chunks, as these tests script them. */
type ChunkSpec = Omit<TimedStreamSpec<string>, 'read'> & {
  read(upstream: string, signal: AbortSignal): AsyncIterable<ProviderChunk>;
};

/** The timed stream a chunk at a time. */
function streamWithTimeouts(spec: ChunkSpec): AsyncGenerator<ProviderChunk> {
  return unbatched(
    streamBatchesWithTimeouts({ ...spec, read: (upstream, signal) => singly(spec.read(upstream, signal)) }),
    spec.signal,
  );
}

/** Timers fired by hand: proves the limits are injectable and lets us check which are armed. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      pending.set(next, { callback, ms });
      return next++;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    armed: () => [...pending.values()].map((timer) => timer.ms),
    fire: () => {
      const entries = [...pending.entries()];
      pending.clear();
      for (const [, timer] of entries) timer.callback();
    },
  };
}

/** A source whose chunks we release one by one. */
function manualSource() {
  const waiting: ((result: IteratorResult<ProviderChunk>) => void)[] = [];
  const iterable: AsyncIterable<ProviderChunk> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise((resolve) => waiting.push(resolve)),
      return: async () => ({ done: true, value: undefined }),
    }),
  };
  return {
    iterable,
    push: (chunk: ProviderChunk) => waiting.shift()?.({ done: false, value: chunk }),
    end: () => waiting.shift()?.({ done: true, value: undefined }),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

function spec(overrides: Partial<ChunkSpec>): ChunkSpec {
  return {
    providerName: 'Fake',
    signal: new AbortController().signal,
    connect: async () => 'connected',
    read: () => (async function* () {})(),
    describeFailure: (phase, error) => `${phase} failed: ${String(error)}`,
    ...overrides,
  };
}

describe('streamBatchesWithTimeouts', () => {
  it('documents its defaults', () => {
    expect(DEFAULT_TIMEOUTS).toEqual({ connectMs: 10_000, firstTokenMs: 60_000, idleMs: 30_000 });
  });

  it('arms connect, then first-token, then idle, and disarms at the finish', async () => {
    const clock = manualTimers();
    const source = manualSource();
    let connected: (value: string) => void = () => {};
    const iterator = streamWithTimeouts(
      spec({
        timers: clock.timers,
        timeouts: { connectMs: 1, firstTokenMs: 2, idleMs: 3 },
        connect: () => new Promise((resolve) => (connected = resolve)),
        read: () => source.iterable,
      }),
    )[Symbol.asyncIterator]();
    const first = iterator.next();
    await tick();
    expect(clock.armed()).toEqual([1]);
    connected('ok');
    await tick();
    expect(clock.armed()).toEqual([2]);
    source.push({ type: 'delta', text: 'a' });
    expect(await first).toEqual({ done: false, value: { type: 'delta', text: 'a' } });
    expect(clock.armed()).toEqual([]); // the consumer's own pace is not upstream silence
    const second = iterator.next();
    await tick();
    expect(clock.armed()).toEqual([3]);
    source.push({ type: 'finish', reason: 'stop', usage: null });
    expect((await second).value).toMatchObject({ type: 'finish' });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(clock.armed()).toEqual([]);
  });

  it('a fired timer aborts the upstream signal and throws provider_timeout', async () => {
    const clock = manualTimers();
    let upstream: AbortSignal | undefined;
    const iterator = streamWithTimeouts(
      spec({
        timers: clock.timers,
        timeouts: { idleMs: 5 },
        read: (_, signal) => {
          upstream = signal;
          return (async function* () {
            yield { type: 'delta', text: 'a' } as const;
            await new Promise(() => {}); // a read that never ends and ignores the signal
          })();
        },
      }),
    )[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    await tick();
    clock.fire();
    await expect(pending).rejects.toMatchObject({
      code: 'provider_timeout',
      message: expect.stringMatching(/idle timeout/),
    });
    expect(upstream?.aborted).toBe(true);
  });

  it('0 or Infinity turns a limit off', async () => {
    const clock = manualTimers();
    const source = manualSource();
    const iterator = streamWithTimeouts(
      spec({
        timers: clock.timers,
        timeouts: { connectMs: 0, firstTokenMs: Number.POSITIVE_INFINITY },
        read: () => source.iterable,
      }),
    )[Symbol.asyncIterator]();
    const first = iterator.next();
    await tick();
    expect(clock.armed()).toEqual([]);
    source.push({ type: 'finish', reason: 'stop', usage: null });
    await first;
  });

  it('a caller abort ends quietly, in any phase, and aborts upstream', async () => {
    for (const phase of ['connect', 'stream'] as const) {
      const controller = new AbortController();
      let upstream: AbortSignal | undefined;
      const iterator = streamWithTimeouts(
        spec({
          signal: controller.signal,
          connect: (signal) => {
            upstream = signal;
            return phase === 'connect' ? new Promise(() => {}) : Promise.resolve('ok');
          },
          read: () => manualSource().iterable,
        }),
      )[Symbol.asyncIterator]();
      const pending = iterator.next();
      await tick();
      controller.abort();
      expect(await pending).toEqual({ done: true, value: undefined });
      expect(upstream?.aborted).toBe(true);
    }
  });

  it('other failures become provider_error; ProviderErrors pass through', async () => {
    const run = (s: Partial<ChunkSpec>) =>
      (async () => {
        for await (const _ of streamWithTimeouts(spec(s)));
      })();
    await expect(run({ connect: () => Promise.reject(new Error('ECONNRESET')) })).rejects.toMatchObject({
      code: 'provider_error',
      message: 'connect failed: Error: ECONNRESET',
    });
    const own = new ProviderError('provider_error', 'mine', { status: 418 });
    await expect(run({ connect: () => Promise.reject(own) })).rejects.toBe(own);
    // A source that ends without a finish breaks the contract: that is an error too.
    await expect(run({})).rejects.toThrow('Fake ended the stream before finishing the reply.');
  });
});
