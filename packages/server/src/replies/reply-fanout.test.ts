import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReplyFanout } from './reply-fanout.js';

const started = { type: 'message.started', conversationId: 'c', messageId: 'm', model: 'fast' } as const;
const completed = {
  type: 'message.completed',
  conversationId: 'c',
  message: { id: 'm' },
} as unknown as Parameters<ReturnType<typeof createReplyFanout>['complete']>[0];

function recorder(intervalMs: number) {
  const published: { type: string; offset?: number; delta?: string }[] = [];
  const fanout = createReplyFanout({
    publish: async (event) => {
      published.push(event);
    },
    started,
    intervalMs,
  });
  return { fanout, published };
}

describe('reply fan-out to participants', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds deltas until the reply is stored, then publishes started first', () => {
    const { fanout, published } = recorder(30);
    fanout.delta(0, 'Hel');
    fanout.delta(3, 'lo');
    vi.advanceTimersByTime(100);
    expect(published).toEqual([]);
    fanout.open();
    vi.advanceTimersByTime(30);
    expect(published).toEqual([
      started,
      { type: 'message.delta', conversationId: 'c', messageId: 'm', offset: 0, delta: 'Hello' },
    ]);
  });

  it('coalesces the deltas of an interval into one, with the offset of the first', () => {
    const { fanout, published } = recorder(30);
    fanout.open();
    fanout.delta(0, 'a');
    fanout.delta(1, 'b');
    vi.advanceTimersByTime(30);
    fanout.delta(2, 'c');
    vi.advanceTimersByTime(30);
    expect(published.slice(1).map(({ offset, delta }) => ({ offset, delta }))).toEqual([
      { offset: 0, delta: 'ab' },
      { offset: 2, delta: 'c' },
    ]);
  });

  it('flushes what is left before message.completed', async () => {
    const { fanout, published } = recorder(30);
    fanout.open();
    fanout.delta(0, 'tail');
    await fanout.complete(completed);
    expect(published.map((event) => event.type)).toEqual([
      'message.started',
      'message.delta',
      'message.completed',
    ]);
    vi.advanceTimersByTime(100);
    expect(published).toHaveLength(3);
  });

  it('0 publishes every delta at once; a cancelled reply publishes nothing', () => {
    const each = recorder(0);
    each.fanout.open();
    each.fanout.delta(0, 'a');
    each.fanout.delta(1, 'b');
    expect(each.published.map((event) => event.delta)).toEqual([undefined, 'a', 'b']);
    const gone = recorder(30);
    gone.fanout.delta(0, 'a');
    gone.fanout.cancel();
    gone.fanout.open();
    vi.advanceTimersByTime(100);
    expect(gone.published).toEqual([]);
  });

  it('a failed publish is raised by complete', async () => {
    const failure = new Error('broker down');
    const fanout = createReplyFanout({
      publish: async (event) => {
        if (event.type === 'message.delta') throw failure;
      },
      started,
      intervalMs: 0,
    });
    fanout.open();
    fanout.delta(0, 'a');
    await expect(fanout.complete(completed)).rejects.toBe(failure);
  });
});

describe('recording deltas before they are published', () => {
  it('publishes a delta only once it is recorded, and what follows it after it', async () => {
    const published: string[] = [];
    const recorded: string[] = [];
    const pending: (() => void)[] = [];
    const fanout = createReplyFanout({
      publish: async (event) => {
        published.push(event.type === 'message.delta' ? `delta ${event.delta}` : event.type);
      },
      // Each recording waits until the test lets it finish.
      record: (_offset, text) =>
        new Promise<void>((resolve) => {
          pending.push(() => {
            recorded.push(text);
            resolve();
          });
        }),
      started,
      intervalMs: 0,
    });
    fanout.open();
    fanout.delta(0, 'a');
    fanout.delta(1, 'b');
    const completing = fanout.complete(completed);
    await Promise.resolve();
    expect(published).toEqual(['message.started']);
    // The second recording finishes first: its publish still waits for the first delta's.
    pending[1]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual(['message.started']);
    pending[0]?.();
    await completing;
    expect(recorded).toEqual(['b', 'a']);
    expect(published).toEqual(['message.started', 'delta a', 'delta b', 'message.completed']);
  });
});
