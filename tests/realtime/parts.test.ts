/**
 * Journeys: a second tab of the same person, on the WebSocket, sees a reply's parts as the tab
 * that asked for it streams them — reasoning, a server tool's call and output, the answer — and a
 * reply waiting for an approval shows there, is approved there, and goes on in both.
 */
import { createRequire } from 'node:module';
import {
  applyPartEvent,
  type ChatStore,
  type ChatwireClient,
  createChatStore,
  createClient,
  type MessagePart,
  pendingToolCalls,
  type RealtimeEvent,
  type WebSocketLike,
} from '@chatwire/sdk';
import { demoTools } from '@chatwire/server';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SignedIn, signUp } from '../support/clients.js';
import { closeLive, live } from '../support/live.js';

// The server's `ws` (the SDK loads its own on Node 20; this one is the tests').
const requireFromServer = createRequire(new URL('../../packages/server/package.json', import.meta.url));
const { WebSocket } = requireFromServer('ws') as {
  WebSocket: new (url: string, options?: object) => WebSocketLike;
};

/** Stops the stores a test started. */
const stops: Array<() => void> = [];
afterEach(() => {
  closeLive();
  for (const stop of stops.splice(0)) stop();
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ tools: demoTools });
});
afterAll(() => server.close());

/** Another client of the same person: a second tab. */
async function secondTab(signedIn: SignedIn): Promise<ChatwireClient> {
  const client = createClient({ baseUrl: server.url, retry: { maxRetries: 0 } });
  await client.auth.login(signedIn.account);
  return client;
}

/** The parts of `messageId` that the WebSocket events add up to (the SDK's part reducer). */
function partsFrom(events: readonly RealtimeEvent[], messageId: string): readonly MessagePart[] {
  let parts: readonly MessagePart[] = [];
  for (const event of events) {
    if (event.type === 'message.started' && event.messageId === messageId) continue;
    if ((event.type === 'message.part' || event.type === 'message.delta') && event.messageId === messageId) {
      const next = applyPartEvent(parts, event);
      if (next === 'gap')
        throw new Error(`a gap in part ${event.type === 'message.delta' ? event.part : event.index}`);
      parts = next;
    }
  }
  return parts;
}

/** A chat store on `client` (a tab of the app), its WebSocket open. */
async function storeOf(client: ChatwireClient): Promise<ChatStore> {
  const store = createChatStore(client, {
    throttleMs: 0,
    realtime: { webSocketFactory: (url) => new WebSocket(url, { perMessageDeflate: false }) },
  });
  stops.push(store.start());
  await vi.waitFor(() => expect(store.getState().realtime).toBe('open'));
  return store;
}

describe('a second tab', () => {
  it('sees the same parts as the stream: reasoning, the tool call and its output, the answer', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const tab = live(await secondTab(ada));
    await tab.until('open');

    const stream = ada.client.messages.stream(chat.id, {
      content: 'think, then use calculator {"expression":"6*7"}',
    });
    const reply = await stream.finalMessage();
    await tab.next((event) => event.type === 'message.completed' && event.message.id === reply.id);

    expect(reply.parts.map((part) => part.type)).toEqual([
      'step-start',
      'reasoning',
      'tool',
      'step-start',
      'reasoning',
      'text',
    ]);
    const events = tab.events.map(({ event }) => event);
    expect(partsFrom(events, reply.id)).toEqual(reply.parts);
    expect(events.filter((event) => event.type === 'message.completed').at(-1)).toMatchObject({
      message: reply,
    });
  });

  it('a reply waiting for approval shows in the other tab’s store, is approved there, and goes on in both', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const [mine, other] = await Promise.all([storeOf(ada.client), secondTab(ada).then(storeOf)]);
    await Promise.all([mine.loadMessages(chat.id), other.loadMessages(chat.id)]);

    await mine.send(chat.id, 'use set_reminder {"text":"Call Bob","at":"2030-01-31T09:00:00+01:00"}');
    expect(mine.getState().turns[chat.id]?.status).toBe('awaiting_input');
    const replyOf = (store: ChatStore) => store.getState().messages[chat.id]?.items.at(-1);
    await vi.waitFor(() => expect(replyOf(other)?.status).toBe('awaiting_input'));
    expect(replyOf(other)?.parts).toEqual(replyOf(mine)?.parts);
    const [call] = pendingToolCalls(replyOf(other)!).approvals;
    expect(call).toMatchObject({ toolName: 'set_reminder', input: { text: 'Call Bob' } });

    await other.approveToolCall(chat.id, { toolCallId: call!.toolCallId, approved: true });
    expect(other.getState().turns[chat.id]).toMatchObject({ status: 'ready', error: null });
    const stored = (await ada.client.messages.list(chat.id)).items.at(-1)!;
    expect(stored).toMatchObject({
      status: 'complete',
      content: expect.stringContaining('The set_reminder tool answered'),
    });
    expect(replyOf(other)).toMatchObject({ status: 'complete', parts: stored.parts });
    // The tab that sent it follows the reply on over its WebSocket.
    await vi.waitFor(() => expect(replyOf(mine)).toMatchObject({ status: 'complete', parts: stored.parts }));
  });
});
