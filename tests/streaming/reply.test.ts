/**
 * Journeys: an assistant reply streamed through the SDK from a real server, to the end — from the
 * built-in echo model, the OpenAI fake and the Ollama fake — and what surrounds it: the JSON
 * answer, idempotent repeats, the conversation's title, regenerate, and context trimming.
 */

import { resolveModels } from '@chatwire/server';
import {
  FIXTURE_TEXT,
  replyFromEvents,
  startFakeOllama,
  startTestServer,
  type TestServer,
} from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assistantChat,
  closeAll,
  drain,
  history,
  openAIChunks,
  type Setup,
  stored,
  withOpenAIFake,
} from './support.js';

describe('with the echo model', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => closeAll(server));

  it('streams the events in order; parts and text() are the stored reply', async () => {
    const ada = await assistantChat(server);
    const stream = ada.client.messages.stream(ada.chatId, { content: 'Hello there, echo' });
    const { events, error } = await drain(stream);
    expect(error).toBeUndefined();
    const types = events.map((event) => event.type);
    expect(types.slice(0, 2)).toEqual(['message.created', 'message.started']);
    expect(types.at(-1)).toBe('message.completed');
    // A step, its text part, then the text's deltas.
    expect(events.slice(2, 4)).toMatchObject([
      { type: 'message.part', index: 0, part: { type: 'step-start' } },
      { type: 'message.part', index: 1, part: { type: 'text', text: '' } },
    ]);
    expect(types.slice(4, -1).every((type) => type === 'message.delta')).toBe(true);
    expect(types.length).toBeGreaterThan(6);

    // Offsets are contiguous: each delta starts where the previous one of its part ended.
    let offset = 0;
    for (const event of events) {
      if (event.type !== 'message.delta') continue;
      expect(event).toMatchObject({ part: 1, offset });
      offset += event.delta.length;
    }
    const text = await stream.text();
    const reply = await stream.finalMessage();
    expect(text.length).toBe(offset);
    expect(reply).toMatchObject({
      id: stream.messageId,
      role: 'assistant',
      status: 'complete',
      content: text,
      parts: [{ type: 'step-start' }, { type: 'text', text }],
    });
    expect(replyFromEvents(events)).toEqual({ parts: reply.parts, text });
    const [user, assistant] = await history(ada, ada.chatId);
    expect(user).toMatchObject({
      role: 'user',
      content: 'Hello there, echo',
      parts: [{ type: 'text', text: 'Hello there, echo' }],
    });
    expect(events[0]).toMatchObject({ message: user });
    expect(assistant).toEqual(reply);
  });

  it('the JSON send still answers { message, reply } once the reply is complete', async () => {
    const ada = await assistantChat(server);
    const { message, reply } = await ada.client.messages.send(ada.chatId, { content: 'Plain JSON please' });
    expect(message).toMatchObject({ role: 'user', content: 'Plain JSON please' });
    expect(reply).toMatchObject({ role: 'assistant', status: 'complete' });
    expect(reply?.content.length).toBeGreaterThan(0);
  });

  it('gives the conversation a title after the first exchange', async () => {
    const ada = await assistantChat(server);
    expect((await ada.client.conversations.get(ada.chatId)).title).toBeNull();
    await ada.client.messages.stream(ada.chatId, { content: 'Plan a   trip to Lisbon' }).finalMessage();
    expect((await ada.client.conversations.get(ada.chatId)).title).toBe('Plan a trip to Lisbon');
    await ada.client.messages.stream(ada.chatId, { content: 'Something else' }).finalMessage();
    expect((await ada.client.conversations.get(ada.chatId)).title).toBe('Plan a trip to Lisbon');
  });

  it('titles a conversation whose first prompt is files only after their names', async () => {
    const ada = await assistantChat(server);
    const notes = await ada.client.files.upload(new TextEncoder().encode('# Packing\n- passport\n'), {
      name: 'packing list.md',
    });
    await ada.client.messages.stream(ada.chatId, { attachments: [{ fileId: notes.id }] }).finalMessage();
    expect((await ada.client.conversations.get(ada.chatId)).title).toBe('packing list.md');
  });
});

describe('with the OpenAI fake', () => {
  let setup: Setup;
  const pieces = ['Hi', ' there', ' — héllo', ' 🙂', '!'];
  beforeAll(async () => {
    const asked = new Set<string>();
    setup = await withOpenAIFake((request) => {
      const body = request.body as { messages: Array<{ content: string }> };
      const prompt = body.messages.at(-1)?.content ?? '';
      // A prompt asked again is a regeneration: the fake answers differently so the new content shows.
      const reply = asked.has(prompt) ? ['Another', ' take'] : pieces;
      asked.add(prompt);
      return { chunks: openAIChunks(reply, { prompt: 9, completion: reply.length }) };
    });
  });
  afterAll(() => setup.close());

  it('streams the upstream deltas one event each, and stores the text and usage', async () => {
    const ada = await assistantChat(setup.server);
    const stream = ada.client.messages.stream(ada.chatId, { content: 'Say hi' });
    const { events, error } = await drain(stream);
    expect(error).toBeUndefined();
    const deltas = events.flatMap((event) => (event.type === 'message.delta' ? [event.delta] : []));
    expect(deltas).toEqual(pieces);
    const reply = await stream.finalMessage();
    expect(reply).toMatchObject({
      status: 'complete',
      content: pieces.join(''),
      model: 'fast',
      usage: { inputTokens: 9, outputTokens: pieces.length },
    });
    expect(await stored(ada, ada.chatId, reply.id)).toEqual(reply);
  });

  it('a repeated send with the same clientMessageId answers the same message and reply', async () => {
    const ada = await assistantChat(setup.server);
    const upstreamBefore = setup.fake.requests.length;
    const first = ada.client.messages.stream(ada.chatId, { content: 'Once', clientMessageId: 'tap-42' });
    const firstReply = await first.finalMessage();
    const again = ada.client.messages.stream(ada.chatId, { content: 'Once', clientMessageId: 'tap-42' });
    const { events } = await drain(again);
    expect(events[0]).toMatchObject({ type: 'message.created', message: { clientMessageId: 'tap-42' } });
    expect(await again.finalMessage()).toEqual(firstReply);
    await expect(again.text()).resolves.toBe(firstReply.content);
    const json = await ada.client.messages.send(ada.chatId, { content: 'Once', clientMessageId: 'tap-42' });
    expect(json.reply).toEqual(firstReply);
    expect(await history(ada, ada.chatId)).toHaveLength(2);
    expect(setup.fake.requests.length - upstreamBefore).toBe(1);
  });

  it('regenerate replaces the reply in place: same id, new content', async () => {
    const ada = await assistantChat(setup.server);
    const reply = await ada.client.messages.stream(ada.chatId, { content: 'regen me' }).finalMessage();
    expect(reply.content).toBe(pieces.join(''));

    const streamed = ada.client.messages.regenerateStream(ada.chatId, reply.id);
    const { events, error } = await drain(streamed);
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).not.toContain('message.created');
    const again = await streamed.finalMessage();
    expect(again).toMatchObject({ id: reply.id, status: 'complete', content: 'Another take' });

    const { reply: json } = await ada.client.messages.regenerate(ada.chatId, reply.id);
    expect(json).toMatchObject({ id: reply.id, content: 'Another take' });
    const messages = await history(ada, ada.chatId);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(messages[1]).toEqual(json);
  });
});

describe('context window', () => {
  it('sends the system prompt and only the recent turns that fit the budget', async () => {
    const setup = await withOpenAIFake({ chunks: openAIChunks(['ok']) }, { contextBudgetTokens: 80 });
    try {
      const ada = await assistantChat(setup.server, { systemPrompt: 'Be brief.' });
      const prompts = ['first', 'second', 'third', 'fourth'].map(
        (word) => `${word} ${'lorem ipsum '.repeat(8)}`,
      );
      for (const content of prompts) await ada.client.messages.stream(ada.chatId, { content }).finalMessage();

      const last = setup.fake.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
      expect(last.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
      expect(last.messages.at(-1)).toEqual({ role: 'user', content: prompts[3] });
      const sent = last.messages.map((message) => message.content);
      expect(sent).not.toContain(prompts[0]);
      // Trimmed from the oldest end: what is kept is a recent, contiguous run.
      expect(last.messages.length).toBeLessThan(1 + prompts.length * 2);
      expect(last.messages[1]?.role).toBe('user');
    } finally {
      await setup.close();
    }
  });
});

describe('with the Ollama fake', () => {
  it('streams the NDJSON reply end to end', async () => {
    const fake = await startFakeOllama({ writes: { bytes: 7 } });
    const server = await startTestServer({ models: resolveModels({ OLLAMA_URL: fake.url }) });
    try {
      const ada = await assistantChat(server);
      const stream = ada.client.messages.stream(ada.chatId, { content: 'Hello Ollama' });
      const reply = await stream.finalMessage();
      expect(reply).toMatchObject({ status: 'complete', model: 'local', content: FIXTURE_TEXT });
      expect(reply.usage?.outputTokens).toBeGreaterThan(0);
      await expect(stream.text()).resolves.toBe(FIXTURE_TEXT);
      expect(fake.requests[0]?.path).toBe('/api/chat');
    } finally {
      await closeAll(server, fake);
    }
  });
});
