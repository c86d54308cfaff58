// @vitest-environment happy-dom
/**
 * useChat against a real server: assistant replies that stream, stop, regenerate and resume;
 * optimistic sends that fail and are retried; switching conversations.
 */

import { resolveModels } from '@chatwire/server';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  recording,
  renderFor,
  signInAgain,
  signUp,
  startServer,
  type TestServer,
} from './server.test-support.js';
import { useChat } from './use-chat.js';

afterEach(cleanup);

/** A question long enough for the echo model to answer in many chunks. */
const question = 'Could you explain, in a few words, how streaming replies reach a chat screen?';

describe('useChat with an assistant', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Paced like a (fast) real model, so that a test sees the reply mid-way.
    server = await startServer({
      models: resolveModels({}, { echo: { chunkDelayMs: 25, firstChunkDelayMs: 0 } }),
    });
  });
  afterAll(() => server.close());

  it('streams the reply into messages and ends ready', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const seen = recording(() => useChat(chat.id));
    const { result } = renderFor(ada, seen.hook);
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    act(() => void result.current.send(question));
    await waitFor(() => expect(result.current.status).toBe('streaming'));
    await waitFor(() => expect(result.current.status).toBe('ready'), { timeout: 5000 });

    const stored = (await ada.client.messages.list(chat.id)).items;
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    const [sent, reply] = result.current.messages;
    expect(result.current.messages).toHaveLength(2);
    expect(sent).toMatchObject({ id: stored[0]?.id, content: question, delivery: 'sent' });
    expect(reply).toMatchObject({ id: stored[1]?.id, content: stored[1]?.content, status: 'complete' });
    expect(result.current.error).toBeNull();

    // It was shown being written: `submitted`, then partial text growing while `streaming`.
    const statuses = seen.renders.map((r) => r.status);
    expect(statuses.indexOf('submitted')).toBeLessThan(statuses.indexOf('streaming'));
    const partial = seen.renders
      .filter((r) => r.status === 'streaming')
      .map((r) => r.messages[1]?.content ?? '')
      .filter((text) => text.length > 0 && text.length < (reply?.content.length ?? 0));
    expect(partial.length).toBeGreaterThan(1);
    // The optimistic message kept its key when the stored one replaced it: React keeps the row.
    const optimistic = seen.renders.find((r) => r.messages[0]?.delivery === 'sending')?.messages[0];
    expect(optimistic?.key).toBe(sent?.key);
  });

  it('stop() mid-stream keeps the partial reply as aborted', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const { result } = renderFor(ada, () => useChat(chat.id));
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    act(() => void result.current.send(question));
    await waitFor(() => expect(result.current.messages[1]?.content.length).toBeGreaterThan(0));
    await act(() => result.current.stop());
    await waitFor(() => expect(result.current.status).toBe('ready'));

    const reply = result.current.messages[1];
    const [, stored] = (await ada.client.messages.list(chat.id)).items;
    expect(stored?.status).toBe('aborted');
    expect(reply).toMatchObject({ id: stored?.id, status: 'aborted', content: stored?.content });
    expect(stored?.content.length).toBeGreaterThan(0);
    expect(result.current.error).toBeNull();
  });

  it('regenerate() streams a new version of the last reply in place', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    await ada.client.messages.send(chat.id, { content: question });
    const finished: string[] = [];
    const { result } = renderFor(ada, () =>
      useChat(chat.id, { onFinish: (reply) => finished.push(reply.id) }),
    );
    await waitFor(() => expect(result.current.messages).toHaveLength(2));
    const replyId = result.current.messages[1]?.id;

    act(() => void result.current.regenerate());
    await waitFor(() => expect(result.current.status).toBe('streaming'));
    await waitFor(() => expect(result.current.status).toBe('ready'), { timeout: 5000 });
    expect(result.current.messages).toHaveLength(2);
    expect(result.current.messages[1]).toMatchObject({ id: replyId, status: 'complete' });
    expect(finished).toEqual([replyId]);
  });

  it('picks up a reply still streaming when the page loads (a reload, another tab)', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const first = renderFor(ada, () => useChat(chat.id));
    await waitFor(() => expect(first.result.current.isLoading).toBe(false));
    act(() => void first.result.current.send(question));
    await waitFor(() => expect(first.result.current.messages[1]?.content.length).toBeGreaterThan(0));

    const again = await signInAgain(server.url, ada.account);
    const seen = recording(() => useChat(chat.id));
    const second = renderFor(again, seen.hook);
    await waitFor(() => expect(second.result.current.status).toBe('streaming'));
    await waitFor(() => expect(second.result.current.status).toBe('ready'), { timeout: 5000 });

    const [, stored] = (await ada.client.messages.list(chat.id)).items;
    expect(stored?.status).toBe('complete');
    expect(second.result.current.messages.map((m) => m.id)).toEqual(
      first.result.current.messages.map((m) => m.id),
    );
    expect(second.result.current.messages[1]).toMatchObject({ status: 'complete', content: stored?.content });
    // Every text it showed was a beginning of the final one: nothing doubled, nothing skipped.
    for (const render of seen.renders) {
      expect(stored?.content.startsWith(render.messages[1]?.content ?? '')).toBe(true);
    }
  });

  it('a new conversation id starts clean, and a stream stays in its own conversation', async () => {
    const ada = await signUp(server.url, 'ada');
    const a = await ada.client.conversations.create({ type: 'assistant' });
    const b = await ada.client.conversations.create({ type: 'assistant' });
    const seen = recording(() => useChat(currentId));
    let currentId = a.id;
    const { result, rerender } = renderFor(ada, seen.hook);
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    act(() => void result.current.send(question));
    await waitFor(() => expect(result.current.status).toBe('streaming'));
    const replyId = result.current.messages[1]?.id;

    currentId = b.id;
    const before = seen.renders.length;
    rerender({});
    // The very first render for b shows nothing of a.
    expect(seen.renders[before]).toMatchObject({ messages: [], status: 'ready' });
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    // a's reply ends while b is shown; b never shows it.
    await waitFor(
      async () => expect((await ada.client.messages.list(a.id)).items[1]?.status).toBe('complete'),
      {
        timeout: 5000,
      },
    );
    expect(seen.renders.slice(before).every((r) => r.messages.length === 0 && r.status === 'ready')).toBe(
      true,
    );

    currentId = a.id;
    rerender({});
    await waitFor(() =>
      expect(result.current.messages[1]).toMatchObject({ id: replyId, status: 'complete' }),
    );
  });

  it('two hooks on one conversation share one state', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const { result } = renderFor(ada, () => [useChat(chat.id), useChat(chat.id)] as const);
    await waitFor(() => expect(result.current[0].isLoading).toBe(false));
    act(() => void result.current[0].send(question));
    await waitFor(() => expect(result.current[1].status).toBe('streaming'));
    await waitFor(() => expect(result.current[1].status).toBe('ready'), { timeout: 5000 });
    expect(result.current[1].messages).toBe(result.current[0].messages);
    expect(result.current[1].messages).toHaveLength(2);
  });
});

describe('useChat sending to a person', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('shows the message as sending, then sent', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const chat = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    const seen = recording(() => useChat(chat.id));
    const { result } = renderFor(ada, seen.hook);
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    await act(() => result.current.send('Hi Bob!'));
    await waitFor(() => expect(result.current.messages[0]?.delivery).toBe('sent'));
    const deliveries = seen.renders.flatMap((r) => r.messages.map((m) => m.delivery));
    expect(deliveries.indexOf('sending')).toBeGreaterThanOrEqual(0);
    expect(deliveries.indexOf('sending')).toBeLessThan(deliveries.indexOf('sent'));
    expect(result.current.messages).toHaveLength(1);
    expect(result.current.status).toBe('ready');
  });

  it('a failed send shows failed, and retry() delivers it once', async () => {
    // The answer to the first send is lost on the way back: the server stored the message, the
    // client saw a network error. The retry must not store it twice.
    let loseNextAnswer = true;
    const lossy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const request = input instanceof Request ? input : null;
      const method = request?.method ?? init?.method ?? 'GET';
      if (loseNextAnswer && method === 'POST' && String(request?.url ?? input).endsWith('/messages')) {
        loseNextAnswer = false;
        throw new TypeError('The network went away');
      }
      return response;
    };
    const ada = await signUp(server.url, 'ada', { fetch: lossy });
    const bob = await signUp(server.url, 'bob');
    const chat = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    // No WebSocket here: it would deliver the stored message and hide the failure.
    const { result } = renderFor(ada, () => useChat(chat.id), { store: { realtime: false } });
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    await act(() => result.current.send('Are you there?'));
    const failed = result.current.messages[0];
    expect(failed).toMatchObject({ delivery: 'failed', content: 'Are you there?' });
    expect(failed?.error?.message).toMatch(/network went away|reach/i);

    await act(() => result.current.retry(failed?.key ?? ''));
    const stored = (await bob.client.messages.list(chat.id)).items;
    expect(stored).toHaveLength(1);
    expect(result.current.messages).toHaveLength(1);
    expect(result.current.messages[0]).toMatchObject({
      id: stored[0]?.id,
      key: failed?.key,
      delivery: 'sent',
    });
  });
});
