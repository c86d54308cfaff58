/**
 * Journeys: re-attaching to a reply mid-part — in the middle of its reasoning, in the middle of a
 * tool call's input — from the parts a page had shown (`resume({ parts })`): the rest of that part
 * comes from where it stopped, then everything after it, with no gap and no duplicate. The OpenAI
 * fake paces its chunks so that the reply is still being written when the first client leaves.
 */
import { type ChatStreamEvent, createClient, type MessagePart, partText } from '@chatwire/sdk';
import { demoTools } from '@chatwire/server';
import { describe, expect, it } from 'vitest';
import {
  assistantChat,
  openAIChunks,
  openAIReasoningChunks,
  openAIToolCallChunks,
  withOpenAIFake,
} from './support.js';

/**
 * `parts` grown by `events` as strictly as a follower must see them: every delta starts exactly
 * where its part's text ends (a gap or a duplicate throws).
 */
function strictlyGrown(parts: readonly MessagePart[], events: readonly ChatStreamEvent[]): MessagePart[] {
  const grown = [...parts];
  for (const event of events) {
    if (event.type === 'message.part') grown[event.index] = event.part;
    if (event.type !== 'message.delta') continue;
    const part = grown[event.part];
    const text = part ? partText(part) : undefined;
    if (!part || text === undefined) throw new Error(`a delta for part ${event.part}, which it lacks`);
    if (event.offset !== text.length)
      throw new Error(`a delta at ${event.offset} of part ${event.part}, ${text.length} long`);
    grown[event.part] =
      part.type === 'tool'
        ? { ...part, inputText: text + event.delta }
        : ({ ...part, text: text + event.delta } as MessagePart);
  }
  return grown;
}

/** The same person on a new client (a reloaded page). */
async function reloaded(url: string, account: { email: string; password: string }) {
  const client = createClient({ baseUrl: url, retry: { maxRetries: 0 } });
  await client.auth.login(account);
  return client;
}

describe('re-attach mid-part', () => {
  it('in the middle of the reasoning: the rest of it, then the answer', async () => {
    const reasoning = Array.from({ length: 30 }, (_, n) => `r${n} `);
    const answer = ['The ', 'answer ', 'is ', '42.'];
    const setup = await withOpenAIFake(
      { chunks: openAIReasoningChunks(reasoning, answer), chunkDelayMs: 5, writes: 'whole' },
      { disconnectGraceMs: 10_000 },
    );
    try {
      const ada = await assistantChat(setup.server);
      const first = ada.client.messages.stream(ada.chatId, { content: 'Think about it' });
      for await (const event of first) {
        const part = first.parts[1];
        if (event.type === 'message.delta' && part?.type === 'reasoning' && part.text.length >= 9) break;
      }
      const shown = first.parts;
      expect(shown).toMatchObject([{ type: 'step-start' }, { type: 'reasoning' }]);

      const again = await reloaded(setup.server.url, ada.account);
      const resumed = again.messages.resume(ada.chatId, first.messageId!, { parts: shown });
      const events: ChatStreamEvent[] = [];
      for await (const event of resumed) events.push(event);
      const reply = await resumed.finalMessage();

      expect(reply).toMatchObject({ status: 'complete', content: answer.join('') });
      expect(reply.parts).toEqual([
        { type: 'step-start' },
        { type: 'reasoning', text: reasoning.join('') },
        { type: 'text', text: answer.join('') },
      ]);
      // The reasoning went on exactly where the page had it: no gap, nothing twice.
      expect(events.find((event) => event.type === 'message.delta')).toMatchObject({
        part: 1,
        offset: (shown[1] as { text: string }).text.length,
      });
      expect(strictlyGrown(shown, events)).toEqual(reply.parts);
      expect(resumed.parts).toEqual(reply.parts);
      expect(setup.fake.requests[0]?.aborted).toBe(false);
    } finally {
      await setup.close();
    }
  });

  it('in the middle of a tool call’s input: the rest of the input, its output, the answer', async () => {
    const call = { id: 'call_journey_1', name: 'calculator' };
    const pieces = ['{"ex', 'pres', 'sion', '":"', '2+', '3*', '4"', '}'];
    const setup = await withOpenAIFake(
      (request) => {
        const { messages } = request.body as { messages: Array<{ role: string }> };
        // After the tool's result: the answer. Before: the call, its arguments in pieces.
        return messages.at(-1)?.role === 'tool'
          ? { chunks: openAIChunks(['It ', 'is ', '14.']) }
          : { chunks: openAIToolCallChunks(call, pieces), chunkDelayMs: 15, writes: 'whole' };
      },
      { disconnectGraceMs: 10_000, tools: demoTools },
    );
    try {
      const ada = await assistantChat(setup.server);
      const first = ada.client.messages.stream(ada.chatId, { content: 'What is 2+3*4?' });
      for await (const event of first) {
        const part = first.parts[1];
        if (event.type === 'message.delta' && part?.type === 'tool' && (part.inputText?.length ?? 0) >= 6)
          break;
      }
      const shown = first.parts;
      expect(shown[1]).toMatchObject({ type: 'tool', state: 'input-streaming', toolName: 'calculator' });

      const again = await reloaded(setup.server.url, ada.account);
      const resumed = again.messages.resume(ada.chatId, first.messageId!, { parts: shown });
      const events: ChatStreamEvent[] = [];
      for await (const event of resumed) events.push(event);
      const reply = await resumed.finalMessage();

      expect(events.find((event) => event.type === 'message.delta')).toMatchObject({
        part: 1,
        offset: (shown[1] as { inputText: string }).inputText.length,
      });
      expect(reply.status).toBe('complete');
      expect(reply.parts[1]).toMatchObject({
        type: 'tool',
        toolCallId: call.id,
        state: 'output-available',
        input: { expression: '2+3*4' },
        output: { expression: '2+3*4', result: 14 },
      });
      expect(reply.content).toBe('It is 14.');
      expect(strictlyGrown(shown, events)).toEqual(reply.parts);
      expect(resumed.parts).toEqual(reply.parts);
    } finally {
      await setup.close();
    }
  });
});
