import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReplyEntry } from './reply-directory.js';
import { createReplyFanout } from './reply-fanout.js';

const started = { type: 'message.started', conversationId: 'c', messageId: 'm', model: 'fast' } as const;
const completed = {
  type: 'message.completed',
  conversationId: 'c',
  message: { id: 'm' },
} as unknown as Parameters<ReturnType<typeof createReplyFanout>['complete']>[0];
const text = { type: 'text', text: '' } as const;

function recorder(intervalMs: number) {
  const published: { type: string; part?: unknown; index?: number; offset?: number; delta?: string }[] = [];
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

  it('publishes started, a part at once, its deltas coalesced per interval with the offset of the first', () => {
    const { fanout, published } = recorder(30);
    fanout.open();
    fanout.part(0, text);
    fanout.delta(0, 0, 'a');
    fanout.delta(0, 1, 'b');
    vi.advanceTimersByTime(30);
    fanout.delta(0, 2, 'c');
    vi.advanceTimersByTime(30);
    expect(published).toEqual([
      started,
      { type: 'message.part', conversationId: 'c', messageId: 'm', index: 0, part: text },
      { type: 'message.delta', conversationId: 'c', messageId: 'm', part: 0, offset: 0, delta: 'ab' },
      { type: 'message.delta', conversationId: 'c', messageId: 'm', part: 0, offset: 2, delta: 'c' },
    ]);
  });

  it('a new part, or a delta of another part, first publishes the deltas gathered before it', () => {
    const { fanout, published } = recorder(30);
    fanout.open();
    fanout.part(0, { type: 'reasoning', text: '' });
    fanout.delta(0, 0, 'hmm');
    fanout.part(1, text);
    fanout.delta(1, 0, 'Hi');
    fanout.delta(0, 3, '!');
    vi.advanceTimersByTime(30);
    expect(published.slice(1).map(({ type, index, part, delta }) => [type, index ?? part, delta])).toEqual([
      ['message.part', 0, undefined],
      ['message.delta', 0, 'hmm'],
      ['message.part', 1, undefined],
      ['message.delta', 1, 'Hi'],
      ['message.delta', 0, '!'],
    ]);
  });

  it('flushes what is left before message.completed', async () => {
    const { fanout, published } = recorder(30);
    fanout.open();
    fanout.part(0, text);
    fanout.delta(0, 0, 'tail');
    await fanout.complete(completed);
    expect(published.map((event) => event.type)).toEqual([
      'message.started',
      'message.part',
      'message.delta',
      'message.completed',
    ]);
    vi.advanceTimersByTime(100);
    expect(published).toHaveLength(4);
  });

  it('0 publishes every delta at once; a cancelled reply publishes nothing more', () => {
    const each = recorder(0);
    each.fanout.open();
    each.fanout.delta(0, 0, 'a');
    each.fanout.delta(0, 1, 'b');
    expect(each.published.map((event) => event.delta)).toEqual([undefined, 'a', 'b']);
    const gone = recorder(30);
    gone.fanout.open();
    gone.fanout.delta(0, 0, 'a');
    gone.fanout.cancel();
    gone.fanout.part(1, text);
    vi.advanceTimersByTime(100);
    expect(gone.published).toEqual([started]);
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
    fanout.delta(0, 0, 'a');
    await expect(fanout.complete(completed)).rejects.toBe(failure);
  });
});

describe('recording parts and deltas before they are published', () => {
  it('publishes an entry only once it is recorded, and what follows it after it', async () => {
    const published: string[] = [];
    const recorded: string[] = [];
    const pending: (() => void)[] = [];
    const name = (entry: ReplyEntry) => (entry.type === 'delta' ? entry.text : `part ${entry.index}`);
    const fanout = createReplyFanout({
      publish: async (event) => {
        published.push(event.type === 'message.delta' ? `delta ${event.delta}` : event.type);
      },
      // Each recording waits until the test lets it finish.
      record: (entry) =>
        new Promise<void>((resolve) => {
          pending.push(() => {
            recorded.push(name(entry));
            resolve();
          });
        }),
      started,
      intervalMs: 0,
    });
    fanout.open();
    fanout.part(0, text);
    fanout.delta(0, 0, 'a');
    fanout.delta(0, 1, 'b');
    const completing = fanout.complete(completed);
    await Promise.resolve();
    expect(published).toEqual(['message.started']);
    // The last recording finishes first: its publish still waits for those before it.
    pending[2]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual(['message.started']);
    pending[0]?.();
    pending[1]?.();
    await completing;
    expect(recorded).toEqual(['b', 'part 0', 'a']);
    expect(published).toEqual(['message.started', 'message.part', 'delta a', 'delta b', 'message.completed']);
  });
});
