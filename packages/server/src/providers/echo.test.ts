import { describe, expect, it } from 'vitest';
import { createEchoProvider, echoReply } from './echo.js';
import type { ChatTurn, ProviderChunk } from './provider.js';

const fast = createEchoProvider({ chunkDelayMs: 0, firstChunkDelayMs: 0 });

async function collect(iterable: AsyncIterable<ProviderChunk>): Promise<ProviderChunk[]> {
  const chunks: ProviderChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

const turns = (content: string): ChatTurn[] => [
  { role: 'system', content: 'Be kind.' },
  { role: 'user', content: 'An earlier question' },
  { role: 'assistant', content: 'An earlier answer' },
  { role: 'user', content },
];

describe('echo provider', () => {
  it('quotes the last user message and streams word-sized chunks, then one finish', async () => {
    const chunks = await collect(
      fast.stream({
        model: 'echo',
        messages: turns('Hello there, world'),
        signal: new AbortController().signal,
      }),
    );
    const deltas = chunks.filter((c) => c.type === 'delta').map((c) => c.text);
    const reply = deltas.join('');
    expect(reply).toBe(echoReply(turns('Hello there, world')));
    expect(reply.startsWith('You said: “Hello there, world”. ')).toBe(true);
    expect(reply).toContain('**3 words**');
    expect(deltas.length).toBeGreaterThan(5);
    for (const delta of deltas) expect(delta.trim().split(/\s+/).length).toBeLessThanOrEqual(3);
    expect(chunks.filter((c) => c.type === 'finish')).toHaveLength(1);
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  it('stops at its output limit with finish reason length, as max_tokens stops a real model', async () => {
    const ask = (content: string, maxOutputTokens?: number) =>
      collect(
        createEchoProvider({ chunkDelayMs: 0, firstChunkDelayMs: 0, maxOutputTokens }).stream({
          model: 'echo',
          messages: turns(content),
          signal: new AbortController().signal,
        }),
      );
    const long = await ask('Write me a long poem about the sea');
    const text = long.flatMap((c) => (c.type === 'delta' ? [c.text] : [])).join('');
    expect(long.at(-1)).toMatchObject({ type: 'finish', reason: 'length' });
    expect(text.length).toBeLessThanOrEqual(120 * 4);
    expect(echoReply(turns('Write me a long poem about the sea')).startsWith(text)).toBe(true);
    expect((await ask('A short one')).at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    // Any reply over the limit is cut, not only long ones.
    expect((await ask('A short one', 10)).at(-1)).toMatchObject({ type: 'finish', reason: 'length' });
  });

  it('is deterministic: same input, same chunks and usage', async () => {
    const run = () =>
      collect(
        fast.stream({
          model: 'echo',
          messages: turns('Why is the sky blue?'),
          signal: new AbortController().signal,
        }),
      );
    expect(await run()).toEqual(await run());
    const paced = createEchoProvider({ chunkDelayMs: 1, firstChunkDelayMs: 1 });
    expect(
      await collect(
        paced.stream({
          model: 'echo',
          messages: turns('Why is the sky blue?'),
          signal: new AbortController().signal,
        }),
      ),
    ).toEqual(await run());
  });

  it('varies with the input and treats questions differently', () => {
    const replies = new Set(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((word) => echoReply(turns(`Tell me about ${word}`))),
    );
    expect(replies.size).toBe(8);
    expect(echoReply(turns('Is it raining?'))).toContain('a question');
    expect(echoReply([])).toMatch(/^You said nothing yet/);
  });

  it('shortens long messages in the quote', () => {
    const reply = echoReply(turns('word '.repeat(100)));
    const quote = /“(.*?)”/.exec(reply)?.[1] ?? '';
    expect(quote.length).toBeLessThanOrEqual(160);
    expect(quote.endsWith('…')).toBe(true);
  });

  it('reports approximate usage: ~4 characters per token', async () => {
    const messages = turns('Hello');
    const chunks = await collect(
      fast.stream({ model: 'echo', messages, signal: new AbortController().signal }),
    );
    const reply = echoReply(messages);
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      // 'Be kind.' 2+4, 'An earlier question' 5+4, 'An earlier answer' 5+4, 'Hello' 2+4.
      usage: { inputTokens: 6 + 9 + 9 + 6, outputTokens: Math.ceil(reply.length / 4) },
    });
  });

  it('stops promptly on abort: no chunk and no finish after it', async () => {
    const slow = createEchoProvider({ chunkDelayMs: 10_000, firstChunkDelayMs: 0 });
    const controller = new AbortController();
    const chunks: ProviderChunk[] = [];
    const started = Date.now();
    for await (const chunk of slow.stream({
      model: 'echo',
      messages: turns('Hello there'),
      signal: controller.signal,
    })) {
      chunks.push(chunk);
      setTimeout(() => controller.abort(), 5);
    }
    expect(Date.now() - started).toBeLessThan(1000);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.type).toBe('delta');
  });

  it('an already aborted signal yields nothing', async () => {
    expect(
      await collect(fast.stream({ model: 'echo', messages: turns('x'), signal: AbortSignal.abort() })),
    ).toEqual([]);
  });

  it('paces chunks as configured', async () => {
    const paced = createEchoProvider({ chunkDelayMs: 5, firstChunkDelayMs: 0 });
    const started = Date.now();
    const chunks = await collect(
      paced.stream({
        model: 'echo',
        messages: [{ role: 'user', content: 'one two three' }],
        signal: new AbortController().signal,
      }),
    );
    const deltas = chunks.filter((c) => c.type === 'delta').length;
    expect(Date.now() - started).toBeGreaterThanOrEqual((deltas - 1) * 5 - 5);
  });
});
