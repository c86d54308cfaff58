import { describe, expect, it } from 'vitest';
import { userTurnText } from './attached-files.js';
import { buildContext } from './context.js';
import type { ChatTurn, TurnAttachment } from './provider.js';
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

  describe('attached files', () => {
    const textFile = (name: string, length: number): Extract<TurnAttachment, { kind: 'text' }> => ({
      kind: 'text',
      name,
      mediaType: 'text/plain',
      size: length,
      text: 'x'.repeat(length),
      totalChars: length,
    });
    const withFiles = (...attachments: TurnAttachment[]): ChatTurn => ({
      role: 'user',
      content: 'Read these',
      attachments,
    });

    it('count against the budget: an earlier turn with a large file is dropped first', () => {
      const earlier = withFiles(textFile('big.txt', 4_000));
      const current = turn('user', 9);
      expect(estimateTurnTokens(earlier)).toBeGreaterThan(1_000);
      const history = [earlier, turn('assistant', 1), current];
      expect(buildContext({ history, budgetTokens: 10_000 })).toHaveLength(3);
      expect(buildContext({ history, budgetTokens: 500 })).toEqual([current]);
    });

    it('a prompt whose files are over budget gets their texts cut, longest first, with a marker', () => {
      const small = textFile('small.txt', 400);
      const big = textFile('big.txt', 40_000);
      const [prompt] = buildContext({ history: [withFiles(small, big)], budgetTokens: 2_000 });
      const files = (prompt as Extract<ChatTurn, { role: 'user' }>).attachments!;
      expect(estimateTurnTokens(prompt!)).toBeLessThanOrEqual(2_000);
      expect(files[0]).toEqual(small);
      expect(files[1]).toMatchObject({ kind: 'text', name: 'big.txt', totalChars: 40_000 });
      const cut = files[1] as Extract<TurnAttachment, { kind: 'text' }>;
      expect(cut.text.length).toBeGreaterThan(6_000);
      expect(cut.text.length).toBeLessThan(8_000);
      expect(userTurnText(prompt as Extract<ChatTurn, { role: 'user' }>)).toContain(
        `[… cut to fit the context: the first ${cut.text.length} of 40000 characters]`,
      );
    });

    it('two files over budget share it: neither is cut to nothing', () => {
      const [prompt] = buildContext({
        history: [withFiles(textFile('a.txt', 20_000), textFile('b.txt', 30_000))],
        budgetTokens: 1_000,
      });
      const files = (prompt as Extract<ChatTurn, { role: 'user' }>).attachments as Extract<
        TurnAttachment,
        { kind: 'text' }
      >[];
      expect(files.map((file) => file.text.length)).toEqual([files[0]!.text.length, files[0]!.text.length]);
      expect(files[0]!.text.length).toBeGreaterThan(1_000);
      expect(estimateTurnTokens(prompt!)).toBeLessThanOrEqual(1_000);
    });

    it('the caller’s files are not changed by a cut', () => {
      const big = textFile('big.txt', 40_000);
      const history = [withFiles(big)];
      buildContext({ history, budgetTokens: 100 });
      expect(big.text).toHaveLength(40_000);
      expect((history[0] as Extract<ChatTurn, { role: 'user' }>).attachments![0]).toBe(big);
    });

    it('images cost tokens by their size (OpenAI’s tiles), an unknown one as 1024×1024', () => {
      const image = (width?: number, height?: number): TurnAttachment => ({
        kind: 'image',
        name: 'p.png',
        mediaType: 'image/png',
        size: 10,
        base64: 'AA==',
        ...(width && height ? { width, height } : {}),
      });
      const cost = (file: TurnAttachment) => estimateTurnTokens({ content: '', attachments: [file] });
      // 512×512: one tile; 4096×2048 → 2048×1024 → 1536×768: 3×2 tiles; unknown: 765.
      expect(cost(image(512, 512))).toBe(4 + 24 + 85 + 170);
      expect(cost(image(4096, 2048))).toBe(4 + 24 + 85 + 170 * 6);
      expect(cost(image())).toBe(4 + 24 + 765);
    });
  });
});
