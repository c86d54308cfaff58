// @vitest-environment happy-dom
/**
 * `useAssistantState` against a real server: in a group whose assistant answers every message,
 * the other person sees what it does while it writes its reply, and nothing once the reply ended.
 */
import { resolveModels } from '@chatwire/server';
import { cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { recording, renderFor, signUp, startServer, type TestServer } from './server.test-support.js';
import { useAssistantState } from './use-assistant-state.js';
import { useChat } from './use-chat.js';
import { useRealtimeStatus } from './use-realtime-status.js';

afterEach(cleanup);

let server: TestServer;
beforeAll(async () => {
  // Paced, so that the reply takes long enough to be watched.
  server = await startServer({
    models: resolveModels({}, { echo: { chunkDelayMs: 10, firstChunkDelayMs: 0 } }),
  });
});
afterAll(() => server.close());

it('shows the assistant thinking or writing while its reply runs, then nothing', async () => {
  const ada = await signUp(server.url, 'ada');
  const bob = await signUp(server.url, 'bob');
  const group = await ada.client.conversations.create({
    type: 'group',
    participantIds: [bob.user.id],
    assistant: { model: 'echo', respondTo: 'every_message' },
  });
  const watched = recording(() => ({
    live: useRealtimeStatus(),
    chat: useChat(group.id),
    assistant: useAssistantState(group.id),
  }));
  const bobView = renderFor(bob, watched.hook);
  await waitFor(() => expect(bobView.result.current.live).toBe('open'));
  await waitFor(() => expect(bobView.result.current.chat.isLoading).toBe(false));

  await ada.client.messages.send(group.id, { content: 'what do you make of this plan?' });
  await waitFor(() =>
    expect(bobView.result.current.chat.messages.find((m) => m.role === 'assistant')?.status).toBe('complete'),
  );
  await waitFor(() => expect(bobView.result.current.assistant).toBeNull());
  const seen = watched.renders.flatMap(({ assistant }) => (assistant ? [assistant.state] : []));
  expect(seen).toContain('writing');
  expect(watched.renders.some(({ assistant }) => assistant?.messageId !== undefined)).toBe(true);
});
