/**
 * Journey: one client runs a client tool's call. A second tab of the same user opens while a
 * reply streams (its store follows the reply it did not start): the tab that sent the message
 * runs the tool, the second one never does — against a real server (the echo model, slowed so
 * that the second tab finds the reply streaming).
 */
import { type ChatStore, clientTool, createChatStore, createClient, type Message } from '@chatwire/sdk';
import { resolveModels } from '@chatwire/server';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signUp } from '../support/clients.js';
import { z } from './zod.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    // The reply streams (started, nothing yet) long enough for the second tab to load it.
    models: resolveModels({}, { echo: { chunkDelayMs: 5, firstChunkDelayMs: 400 } }),
  });
});
afterAll(() => server.close());

const zoneTool = (execute: () => string) =>
  clientTool({ description: "The user's time zone", inputSchema: z.object({}), execute });

const replyIn = (store: ChatStore, chatId: string, replyId: string): Message | undefined =>
  store.getState().messages[chatId]?.items.find((message) => message.id === replyId);

describe('a second tab following a reply', () => {
  it('does not run the tool the sending tab runs: execute runs once, in the sending tab', async () => {
    const first = vi.fn(() => 'Europe/Lisbon');
    const second = vi.fn(() => 'Europe/Lisbon');
    const ada = await signUp(server.url, 'tabs', { tools: { get_time_zone: zoneTool(first) } });
    const chat = await ada.client.conversations.create({ type: 'assistant' });

    const stream = ada.client.messages.stream(chat.id, { content: 'please use get_time_zone {}' });
    const started = await new Promise<string>((resolve) => stream.on('started', (e) => resolve(e.messageId)));

    // The second tab: the same person, the same app (the same tools), opened mid-reply.
    const tab = createClient({
      baseUrl: server.url,
      retry: { maxRetries: 0 },
      tools: { get_time_zone: zoneTool(second) },
    });
    await tab.auth.login({ email: ada.account.email, password: ada.account.password });
    const store = createChatStore(tab, { throttleMs: 0, realtime: false });
    const stopStore = store.start();
    await vi.waitFor(() => expect(store.getState().auth.status).toBe('signed-in'));
    await store.loadMessages(chat.id);
    expect(replyIn(store, chat.id, started)?.status).toBe('streaming');

    const reply = await stream.finalMessage();
    expect(reply).toMatchObject({
      status: 'complete',
      content: 'The get_time_zone tool answered: Europe/Lisbon.',
    });
    // The second tab's stream ends where the reply waited: it leaves the call to the sending tab.
    await vi.waitFor(() => expect(store.getState().turns[chat.id]?.status).not.toBe('streaming'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(first).toHaveBeenCalledOnce();
    expect(second).not.toHaveBeenCalled();
    expect(store.getState().turns[chat.id]?.error ?? null).toBeNull();
    stopStore();
  });
});
