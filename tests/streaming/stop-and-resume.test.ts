/**
 * Journeys: stopping a reply (`stream.abort()`), dropping the connection (`break`), and
 * re-attaching to a reply still being generated from another client (`resume` from an offset).
 */
import { createClient } from '@chatwire/sdk';
import { describe, expect, it, vi } from 'vitest';
import { assistantChat, drain, history, openAIChunks, stored, withOpenAIFake } from './support.js';

/** Enough short pieces, paced, that a reply is still generating when the test acts on it. */
const pieces = Array.from({ length: 40 }, (_, n) => `w${n} `);

describe('stop', () => {
  it('stream.abort() stops the upstream request and stores the partial reply as aborted', async () => {
    // The upstream stalls after three pieces: only a stop can end this reply.
    const setup = await withOpenAIFake(
      { chunks: openAIChunks(pieces), interrupt: { afterChunks: 4, with: 'stall' }, writes: 'whole' },
      // A long grace period: the stop must not wait for it.
      { disconnectGraceMs: 60_000 },
    );
    try {
      const ada = await assistantChat(setup.server);
      const stream = ada.client.messages.stream(ada.chatId, { content: 'Tell me everything' });
      const events = [];
      for await (const event of stream) {
        events.push(event);
        if (event.type === 'message.delta' && stream.content === 'w0 w1 w2 ') void stream.abort();
      }
      expect(events.at(-1)).toMatchObject({ type: 'message.completed', message: { status: 'aborted' } });
      const reply = await stream.finalMessage();
      expect(reply).toMatchObject({ status: 'aborted', content: 'w0 w1 w2 ' });
      await expect(stream.text()).resolves.toBe('w0 w1 w2 ');

      const upstream = setup.fake.requests[0]!;
      await upstream.closed;
      expect(upstream.aborted).toBe(true);
      const [user, assistant] = await history(ada, ada.chatId);
      expect(user).toMatchObject({ role: 'user', content: 'Tell me everything', status: 'complete' });
      expect(assistant).toEqual(reply);
    } finally {
      await setup.close();
    }
  });

  it('a dropped connection (grace 0) aborts the upstream and stores the partial reply too', async () => {
    const setup = await withOpenAIFake({
      chunks: openAIChunks(pieces),
      interrupt: { afterChunks: 4, with: 'stall' },
      writes: 'whole',
    });
    try {
      const ada = await assistantChat(setup.server);
      const stream = ada.client.messages.stream(ada.chatId, { content: 'Go on' });
      for await (const event of stream) {
        if (event.type === 'message.delta' && stream.content === 'w0 w1 w2 ') break;
      }
      const upstream = setup.fake.requests[0]!;
      await upstream.closed;
      expect(upstream.aborted).toBe(true);
      const id = stream.messageId!;
      await vi.waitFor(async () => expect((await stored(ada, ada.chatId, id))?.status).toBe('aborted'));
      expect(await stored(ada, ada.chatId, id)).toMatchObject({ content: 'w0 w1 w2 ' });
      expect((await history(ada, ada.chatId))[0]).toMatchObject({ role: 'user', content: 'Go on' });
    } finally {
      await setup.close();
    }
  });
});

describe('resume', () => {
  it('within the grace period, another client follows the reply from its parts to the end', async () => {
    const setup = await withOpenAIFake(
      { chunks: openAIChunks(pieces), chunkDelayMs: 5, writes: 'whole' },
      { disconnectGraceMs: 10_000 },
    );
    try {
      const ada = await assistantChat(setup.server);
      const first = ada.client.messages.stream(ada.chatId, { content: 'A long story' });
      for await (const event of first) {
        if (event.type === 'message.delta' && first.content.length >= 9) break;
      }
      const shown = first.parts;
      const messageId = first.messageId!;

      // A reloaded page: a new client, signed in again, re-attaches where the old one stopped.
      const again = createClient({ baseUrl: setup.server.url });
      await again.auth.login({ email: ada.account.email, password: ada.account.password });
      const resumed = again.messages.resume(ada.chatId, messageId, { parts: shown });
      const contents: string[] = [];
      resumed.on('delta', (_delta, content) => contents.push(content));
      const { events, error } = await drain(resumed);
      expect(error).toBeUndefined();
      expect(events[0]).toMatchObject({ type: 'message.started', messageId });
      // Nothing of what it had came again: the first delta starts where `shown` ends.
      expect(events.find((event) => event.type === 'message.delta')).toMatchObject({
        part: 1,
        offset: first.content.length,
      });
      const final = await resumed.finalMessage();
      expect(final.status).toBe('complete');
      expect(await resumed.text()).toBe(final.content);
      expect(final.content).toBe(pieces.join(''));
      expect(contents.every((content) => final.content.startsWith(content))).toBe(true);
      expect(setup.fake.requests[0]?.aborted).toBe(false);
    } finally {
      await setup.close();
    }
  });

  it('a reply that has ended answers at once, from the position given', async () => {
    const setup = await withOpenAIFake({ chunks: openAIChunks(['one ', 'two ', 'three']) });
    try {
      const ada = await assistantChat(setup.server);
      const reply = await ada.client.messages.stream(ada.chatId, { content: 'Count' }).finalMessage();
      // Part 1 is the text (part 0 the step): from its 4th character on.
      const resumed = ada.client.messages.resume(ada.chatId, reply.id, { part: 1, offset: 4 });
      const { events } = await drain(resumed);
      expect(events.filter((event) => event.type === 'message.delta')).toMatchObject([
        { part: 1, offset: 4, delta: 'two three' },
      ]);
      await expect(resumed.finalMessage()).resolves.toEqual(reply);
      await expect(ada.client.messages.resume(ada.chatId, reply.id).text()).resolves.toBe(reply.content);
    } finally {
      await setup.close();
    }
  });
});
