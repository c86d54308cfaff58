import { describe, expect, it } from 'vitest';
import { buildContext } from './context.js';
import type { ChatTurn } from './provider.js';
import { estimateTokens, estimateTurnTokens } from './tokens.js';

// Each turn of 40 characters costs 10 + 4 = 14 tokens.
const turn = (role: 'user' | 'assistant', n: number): ChatTurn => ({
  role,
  content: `${role}-${n}`.padEnd(40, '.'),
});
const history = [
  turn('user', 1),
  turn('assistant', 1),
  turn('user', 2),
  turn('assistant', 2),
  turn('user', 3),
];

describe('buildContext', () => {
  it('estimates ~4 characters per token plus per-turn framing', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTurnTokens(turn('user', 1))).toBe(14);
  });

  it('sends everything, system prompt first, when it fits', () => {
    const messages = buildContext({ systemPrompt: 'Be brief.', history, budgetTokens: 10_000 });
    expect(messages).toEqual([{ role: 'system', content: 'Be brief.' }, ...history]);
  });

  it('drops the oldest turns first, counting the system prompt', () => {
    // system 'Be brief.' = 3 + 4 = 7 tokens; 7 + 3 × 14 = 49.
    expect(buildContext({ systemPrompt: 'Be brief.', history, budgetTokens: 49 })).toEqual([
      { role: 'system', content: 'Be brief.' },
      ...history.slice(2),
    ]);
    expect(buildContext({ history, budgetTokens: 42 })).toEqual(history.slice(2));
  });

  it('never starts the kept history with an assistant turn', () => {
    // 4 turns fit (56), but the oldest of them would be assistant-1.
    expect(buildContext({ history, budgetTokens: 56 })).toEqual(history.slice(2));
  });

  it('keeps the kept history contiguous: a long turn stops the walk back', () => {
    const long = [
      turn('user', 1),
      { role: 'assistant' as const, content: 'x'.repeat(4000) },
      turn('user', 2),
    ];
    expect(buildContext({ history: long, budgetTokens: 100 })).toEqual([long[2]]);
  });

  it('always includes the current message, even alone over budget', () => {
    const huge = { role: 'user' as const, content: 'y'.repeat(10_000) };
    expect(buildContext({ systemPrompt: 'S', history: [...history, huge], budgetTokens: 10 })).toEqual([
      { role: 'system', content: 'S' },
      huge,
    ]);
  });

  it('omits a blank or missing system prompt, and handles empty history', () => {
    expect(buildContext({ systemPrompt: '  ', history: [turn('user', 1)], budgetTokens: 100 })).toEqual([
      turn('user', 1),
    ]);
    expect(buildContext({ systemPrompt: null, history: [], budgetTokens: 100 })).toEqual([]);
    expect(buildContext({ systemPrompt: 'S', history: [], budgetTokens: 100 })).toEqual([
      { role: 'system', content: 'S' },
    ]);
  });

  it('returns copies, never the caller’s objects', () => {
    const messages = buildContext({ history, budgetTokens: 10_000 });
    expect(messages[0]).not.toBe(history[0]);
  });

  it('keeps a step’s tool calls with their results, and the current reply’s steps whatever they cost', () => {
    const call = (id: string): ChatTurn => ({
      role: 'assistant',
      content: '',
      toolCalls: [{ id, name: 'clock', input: { zone: 'UTC' } }],
    });
    const result = (id: string): ChatTurn => ({
      role: 'tool',
      toolCallId: id,
      toolName: 'clock',
      content: '"12:00"',
    });
    const withTools: ChatTurn[] = [
      turn('user', 1),
      call('a'),
      result('a'),
      turn('assistant', 1),
      turn('user', 2),
      call('b'),
      result('b'),
    ];
    const everything = buildContext({ history: withTools, budgetTokens: 10_000 });
    expect(everything).toEqual(withTools);
    // Too little for the first exchange: it goes whole, never a result without its call.
    const trimmed = buildContext({ history: withTools, budgetTokens: 60 });
    expect(trimmed).toEqual(withTools.slice(4));
    const nothing = buildContext({ history: withTools, budgetTokens: 1 });
    expect(nothing).toEqual(withTools.slice(4));
  });
});
