import { describe, expect, it } from 'vitest';
import type { MessagePart, ToolPart } from '../contracts/parts.js';
import { applyPartEvent, type PartEvent, positionOf } from './reply-parts.js';

const ids = { conversationId: 'c', messageId: 'm' };
const part = (index: number, value: MessagePart): PartEvent => ({
  type: 'message.part',
  ...ids,
  index,
  part: value,
});
const delta = (index: number, offset: number, text: string): PartEvent => ({
  type: 'message.delta',
  ...ids,
  part: index,
  offset,
  delta: text,
});
const tool = (state: ToolPart['state'], extra: Partial<ToolPart> = {}): ToolPart => ({
  type: 'tool',
  toolCallId: 'call-1',
  toolName: 'clock',
  state,
  ...extra,
});

/** Applies events in turn, failing on a gap. */
function reduce(events: PartEvent[], from: readonly MessagePart[] = []) {
  return events.reduce<readonly MessagePart[]>((parts, event) => {
    const next = applyPartEvent(parts, event);
    if (next === 'gap') throw new Error('gap');
    return next;
  }, from);
}

describe('applyPartEvent', () => {
  it('puts parts at their index and grows each one’s text channel by its deltas', () => {
    const parts = reduce([
      part(0, { type: 'step-start' }),
      part(1, { type: 'reasoning', text: '' }),
      delta(1, 0, 'Hmm'),
      part(2, tool('input-streaming', { inputText: '' })),
      delta(2, 0, '{"a":'),
      delta(2, 5, '1}'),
      part(2, tool('input-available', { input: { a: 1 } })),
      part(3, { type: 'text', text: '' }),
      delta(3, 0, 'Done'),
    ]);
    expect(parts).toEqual([
      { type: 'step-start' },
      { type: 'reasoning', text: 'Hmm' },
      tool('input-available', { input: { a: 1 } }),
      { type: 'text', text: 'Done' },
    ]);
  });

  it('skips what it has (the same array back) and keeps only the new end of an overlapping delta', () => {
    const parts = reduce([part(0, { type: 'text', text: '' }), delta(0, 0, 'Hello')]);
    expect(applyPartEvent(parts, delta(0, 2, 'llo'))).toBe(parts);
    expect(applyPartEvent(parts, delta(0, 3, 'lo, world'))).toEqual([{ type: 'text', text: 'Hello, world' }]);
    // Untouched parts stay the same objects: a UI compares them.
    const two = reduce([part(1, { type: 'text', text: '' })], parts);
    expect(reduce([delta(1, 0, '!')], two)[0]).toBe(two[0]);
  });

  it('skips a part it has as it is, whatever the order of its keys (an answer applied here, then sent back)', () => {
    const call = {
      type: 'tool',
      toolCallId: 'c1',
      toolName: 'zone',
      state: 'output-available',
      input: { a: 1, b: [1, { c: 2 }] },
      output: 'UTC',
    } as const;
    const parts = reduce([part(0, call)]);
    const reordered = {
      output: 'UTC',
      input: { b: [1, { c: 2 }], a: 1 },
      state: call.state,
      toolName: 'zone',
      toolCallId: 'c1',
      type: 'tool',
    } as const;
    expect(applyPartEvent(parts, part(0, reordered))).toBe(parts);
    expect(applyPartEvent(parts, part(0, { ...call, output: 'Europe/Lisbon' }))).not.toBe(parts);
    expect(applyPartEvent(parts, part(0, { ...call, input: { a: 1, b: [1, { c: 3 }] } }))).not.toBe(parts);
  });

  it('is a gap when a delta starts past what it has, or names a part it lacks', () => {
    const parts = reduce([part(0, { type: 'text', text: '' }), delta(0, 0, 'Hi')]);
    expect(applyPartEvent(parts, delta(0, 3, 'x'))).toBe('gap');
    expect(applyPartEvent(parts, delta(1, 0, 'x'))).toBe('gap');
    expect(applyPartEvent(reduce([part(0, { type: 'step-start' })]), delta(0, 0, 'x'))).toBe('gap');
  });

  it('never lets an earlier state of a part (a late copy) replace a later one', () => {
    const done = reduce([part(0, tool('output-available', { input: {}, output: 1 }))]);
    expect(applyPartEvent(done, part(0, tool('input-available', { input: {} })))).toBe(done);
    expect(applyPartEvent(done, part(0, tool('approval-requested')))).toBe(done);
    const text = reduce([part(0, { type: 'text', text: '' }), delta(0, 0, 'Hello')]);
    expect(applyPartEvent(text, part(0, { type: 'text', text: '' }))).toBe(text);
    // Another call at that index (a new run of the reply) replaces it.
    expect(applyPartEvent(done, part(0, { ...tool('input-streaming'), toolCallId: 'call-2' }))).not.toBe(
      done,
    );
    // Approved moves forward from asked.
    const asked = reduce([part(0, tool('approval-requested'))]);
    expect(
      applyPartEvent(asked, part(0, tool('input-available', { approval: { approved: true } }))),
    ).not.toBe(asked);
  });
});

describe('positionOf', () => {
  it('is the end of the last part’s text channel, or the start of the next part', () => {
    expect(positionOf([])).toEqual({ part: 0, offset: 0 });
    expect(positionOf([{ type: 'step-start' }])).toEqual({ part: 1, offset: 0 });
    expect(positionOf([{ type: 'step-start' }, { type: 'reasoning', text: 'abc' }])).toEqual({
      part: 1,
      offset: 3,
    });
    expect(positionOf([tool('input-streaming', { inputText: '{"a"' })])).toEqual({ part: 0, offset: 4 });
    expect(positionOf([tool('input-available', { input: {} })])).toEqual({ part: 1, offset: 0 });
  });
});
