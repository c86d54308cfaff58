import { describe, expect, it } from 'vitest';
import { createEchoProvider, echoReply, echoStep } from './echo.js';
import type { ChatTurn, ProviderChunk, ToolSpec, TurnAttachment } from './provider.js';
import { estimateAttachmentTokens } from './tokens.js';

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

describe('echo provider: tools and reasoning', () => {
  const tools: ToolSpec[] = ['calculator', 'clock'].map((name) => ({
    name,
    description: `The ${name}`,
    inputSchema: { type: 'object' },
  }));
  const run = (messages: ChatTurn[], given: { tools?: ToolSpec[] } = { tools }) =>
    collect(fast.stream({ model: 'echo', messages, ...given, signal: new AbortController().signal }));

  it('calls a named tool: its start, the input in three pieces, finish tool_calls, no text', async () => {
    const messages = turns('use calculator {"expression":"2+3*4"}');
    const chunks = await run(messages);
    const [call] = echoStep(messages, tools).toolCalls;
    expect(chunks.map((c) => c.type)).toEqual([
      'tool-input-start',
      'tool-input-delta',
      'tool-input-delta',
      'tool-input-delta',
      'finish',
    ]);
    expect(chunks[0]).toEqual({ type: 'tool-input-start', toolCallId: call!.id, toolName: 'calculator' });
    const input = chunks.flatMap((c) => (c.type === 'tool-input-delta' ? [c.delta] : []));
    expect(input.join('')).toBe('{"expression":"2+3*4"}');
    expect(input.every((piece) => piece.length > 0)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', reason: 'tool_calls' });
  });

  it('several calls at once, each started before its pieces; {} comes in two', async () => {
    const chunks = await run(turns('clock and calculator {"expression":"1+1"}'));
    const starts = chunks.flatMap((c) => (c.type === 'tool-input-start' ? [c.toolName] : []));
    expect(starts).toEqual(['clock', 'calculator']);
    const clockId = (chunks[0] as { toolCallId: string }).toolCallId;
    expect(chunks.slice(1, 3)).toEqual([
      { type: 'tool-input-delta', toolCallId: clockId, delta: '{' },
      { type: 'tool-input-delta', toolCallId: clockId, delta: '}' },
    ]);
  });

  it('then answers the results in text, and finishes stop: one round of calls, then an answer', async () => {
    const messages = turns('use calculator {"expression":"2+3*4"}');
    const [call] = echoStep(messages, tools).toolCalls;
    const next: ChatTurn[] = [
      ...messages,
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: call!.id, name: 'calculator', input: { expression: '2+3*4' } }],
      },
      { role: 'tool', toolCallId: call!.id, toolName: 'calculator', content: '14' },
    ];
    const chunks = await run(next);
    expect(
      chunks
        .filter((c) => c.type === 'delta')
        .map((c) => c.text)
        .join(''),
    ).toBe('The calculator tool answered: 14.');
    expect(chunks.some((c) => c.type.startsWith('tool-'))).toBe(false);
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  it('without tools (none given, or an alias without tool support) it echoes as before', async () => {
    for (const given of [{}, { tools: [] }]) {
      const chunks = await run(turns('use calculator {"expression":"1"}'), given);
      expect(
        chunks
          .filter((c) => c.type === 'delta')
          .map((c) => c.text)
          .join(''),
      ).toBe(echoReply(turns('use calculator {"expression":"1"}')));
    }
  });

  it('"think" streams a few chunks of reasoning first, then the usual text; usage counts both', async () => {
    const messages = turns('Think about why the sky is blue');
    const chunks = await run(messages);
    const firstText = chunks.findIndex((c) => c.type === 'delta');
    expect(firstText).toBeGreaterThan(3);
    expect(chunks.slice(0, firstText).every((c) => c.type === 'reasoning')).toBe(true);
    const reasoning = chunks.flatMap((c) => (c.type === 'reasoning' ? [c.text] : [])).join('');
    const text = chunks.flatMap((c) => (c.type === 'delta' ? [c.text] : [])).join('');
    expect(reasoning).toBe(echoStep(messages).reasoning);
    expect(text).toBe(echoReply(messages));
    expect(chunks.at(-1)).toMatchObject({
      type: 'finish',
      reason: 'stop',
      usage: { outputTokens: Math.ceil((reasoning + text).length / 4) },
    });
  });

  it('the length limit cuts the text only, never the reasoning or a call', async () => {
    const tight = createEchoProvider({ chunkDelayMs: 0, firstChunkDelayMs: 0, maxOutputTokens: 5 });
    const ask = (content: string) =>
      collect(
        tight.stream({
          model: 'echo',
          messages: turns(content),
          tools,
          signal: new AbortController().signal,
        }),
      );
    const thought = await ask('think of a long story');
    expect(
      thought
        .filter((c) => c.type === 'reasoning')
        .map((c) => c.text)
        .join(''),
    ).toBe(echoStep(turns('think of a long story')).reasoning);
    expect(thought.at(-1)).toMatchObject({ reason: 'length' });
    const called = await ask(
      'calculator {"expression":"1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20"}',
    );
    expect(called.at(-1)).toMatchObject({ reason: 'tool_calls' });
  });

  it('stops on abort in the middle of a call', async () => {
    const slow = createEchoProvider({ chunkDelayMs: 10_000, firstChunkDelayMs: 0 });
    const controller = new AbortController();
    const chunks: ProviderChunk[] = [];
    for await (const chunk of slow.stream({
      model: 'echo',
      messages: turns('clock'),
      tools,
      signal: controller.signal,
    })) {
      chunks.push(chunk);
      setTimeout(() => controller.abort(), 5);
    }
    expect(chunks.map((c) => c.type)).toEqual(['tool-input-start']);
  });
});

describe('echo and attached files', () => {
  const tools: ToolSpec[] = [{ name: 'clock', description: 'The time now', inputSchema: { type: 'object' } }];
  const photo: TurnAttachment = {
    kind: 'image',
    name: 'photo.png',
    mediaType: 'image/png',
    size: 12_400,
    width: 640,
    height: 480,
    base64: 'AA==',
  };
  const notes: TurnAttachment = {
    kind: 'text',
    name: 'notes.md',
    mediaType: 'text/markdown',
    size: 1_234,
    text: `${'A first line that is rather long, longer than sixty characters in all'}\n${'more\n'.repeat(33)}`,
    totalChars: 1_234,
  };
  const gone: TurnAttachment = {
    kind: 'mention',
    name: 'old.zip',
    mediaType: 'application/zip',
    size: 3_100_000,
    note: 'a type models do not read',
  };
  const sent = (content: string, ...attachments: TurnAttachment[]): ChatTurn[] => [
    ...turns('before').slice(0, 3),
    { role: 'user', content, attachments },
  ];

  it('describes the files: names, types, sizes, dimensions, lines and how a text starts', () => {
    expect(echoReply(sent('', photo, notes, gone))).toBe(
      'You sent 3 files: photo.png (image/png, 12.4 kB, 640×480), notes.md (text/markdown, 1.2 kB, 34 lines: “A first line that is rather long, longer than sixty characte…”), old.zip (application/zip, 3.1 MB, not read: a type models do not read).',
    );
    expect(echoReply(sent('', { ...notes, text: 'one line\n' }))).toBe(
      'You sent 1 file: notes.md (text/markdown, 1.2 kB, 1 line: “one line”).',
    );
  });

  it('with words too: the files first (so an output limit cannot cut them), then the usual echo', () => {
    const reply = echoReply(sent('Hello there', photo));
    expect(
      reply.startsWith(
        'You sent 1 file: photo.png (image/png, 12.4 kB, 640×480).\n\nYou said: “Hello there”.',
      ),
    ).toBe(true);
    expect(reply.endsWith(echoReply(turns('Hello there')))).toBe(true);
  });

  it('keeps its tool calls: a prompt naming a tool calls it, files or not', async () => {
    const step = echoStep(sent('use clock {"timeZone":"UTC"}', photo), tools);
    expect(step.toolCalls.map((call) => call.name)).toEqual(['clock']);
    expect(step.text).toBe('');
  });

  it('counts the files in its usage', async () => {
    const usage = async (messages: ChatTurn[]) => {
      const chunks = await collect(
        fast.stream({ model: 'echo', messages, signal: new AbortController().signal }),
      );
      const finish = chunks.at(-1);
      return finish?.type === 'finish' ? finish.usage?.inputTokens : undefined;
    };
    expect(await usage(sent('Hi', notes))).toBe((await usage(sent('Hi')))! + estimateAttachmentTokens(notes));
  });
});
