/**
 * Who runs a client tool in the store: the stream that sent the message runs it (and the store
 * says which calls it runs meanwhile); a reply the store only follows (found streaming when the
 * history loads: another tab sent it) runs none of them — the call waits for the app.
 */
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { fixtureConversation, json, type RecordedRequest, user } from '../client/fake-fetch.test-support.js';
import type { ChatStreamEvent } from '../contracts/events.js';
import type { MessagePart, ToolPart } from '../contracts/parts.js';
import type { Message } from '../contracts/resources.js';
import { fakeClient } from '../create-client.test-support.js';
import { frame, message, sseResponse, turn } from '../streaming/sse-response.test-support.js';
import { clientTool } from '../tools/client-tool.js';
import { pendingToolCalls } from '../tools/pending-tool-calls.js';
import { createChatStore } from './create-chat-store.js';

const { conversationId, replyId: messageId } = turn;
const ids = { conversationId, messageId };
const base = `/v1/conversations/${conversationId}`;
const conversation = fixtureConversation({ id: conversationId });
const call: ToolPart = {
  type: 'tool',
  toolCallId: 'call-1',
  toolName: 'get_time_zone',
  state: 'input-available',
  input: {},
};
const asked = message({ id: turn.userMessageId, role: 'user', content: 'Go', model: null });
const waiting = message({ parts: [{ type: 'step-start' }, call], status: 'awaiting_input' });
/** The run that ends waiting for `get_time_zone`. */
const waitingEvents: ChatStreamEvent[] = [
  { type: 'message.started', ...ids, model: 'echo' },
  { type: 'message.part', ...ids, index: 0, part: { type: 'step-start' } },
  { type: 'message.part', ...ids, index: 1, part: call },
  { type: 'message.completed', conversationId, message: waiting },
];
const answeredParts: MessagePart[] = [
  { type: 'step-start' },
  { ...call, state: 'output-available', output: 'Europe/Lisbon' },
  { type: 'step-start' },
  { type: 'text', text: 'Lisbon.' },
];
/** The run after the answer. */
const answeringEvents: ChatStreamEvent[] = [
  { type: 'message.started', ...ids, model: 'echo' },
  { type: 'message.part', ...ids, index: 2, part: { type: 'step-start' } },
  { type: 'message.part', ...ids, index: 3, part: { type: 'text', text: 'Lisbon.' } },
  {
    type: 'message.completed',
    conversationId,
    message: message({ parts: answeredParts, content: 'Lisbon.' }),
  },
];
const sse = (events: ChatStreamEvent[]) => sseResponse(events.map(frame)).response;
const page = (items: Message[]) => json(200, { items, nextCursor: null });

/** A store over a scripted server: `history` is what the conversation's newest page holds. */
async function storeWith(history: Message[], execute: () => unknown) {
  const route = (request: RecordedRequest) => `${request.method} ${request.path.split('?')[0]}`;
  const responder = (request: RecordedRequest) => {
    switch (route(request)) {
      case 'GET /v1/auth/me':
        return json(200, user);
      case `GET ${base}`:
        return json(200, conversation);
      case `GET ${base}/messages`:
        return page(history);
      case `GET ${base}/messages/${messageId}/stream`:
        return sse(waitingEvents);
      case `POST ${base}/messages`:
        return sse([{ type: 'message.created', conversationId, message: asked }, ...waitingEvents]);
      case `POST ${base}/messages/${messageId}/tool-results`:
        return sse(answeringEvents);
      default:
        throw new Error(`unscripted ${route(request)}`);
    }
  };
  const tool = clientTool({ description: "The user's time zone", inputSchema: z.object({}), execute });
  const { client, requests } = fakeClient(responder, { tools: { get_time_zone: tool } });
  const store = createChatStore(client, { throttleMs: 0, realtime: false });
  store.start();
  await vi.waitFor(() => expect(store.getState().auth.status).toBe('signed-in'));
  await store.loadConversation(conversationId);
  await store.loadMessages(conversationId);
  return { store, requests, routes: () => requests.map(route) };
}

describe('who runs a client tool in the store', () => {
  it('a reply found streaming (another tab sent it) is followed without running its tools: the call waits', async () => {
    const execute = vi.fn(() => 'Europe/Lisbon');
    const streaming = message({ parts: [{ type: 'step-start' }], status: 'streaming' });
    const { store, routes } = await storeWith([asked, streaming], execute);

    await vi.waitFor(() => expect(store.getState().turns[conversationId]?.status).toBe('awaiting_input'));
    // Give a tool run (were there one) the time to post its answer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(execute).not.toHaveBeenCalled();
    expect(routes()).not.toContain(`POST ${base}/messages/${messageId}/tool-results`);
    const reply = store.getState().messages[conversationId]?.items.find((m) => m.id === messageId);
    expect(reply?.status).toBe('awaiting_input');
    expect(pendingToolCalls(reply!).toolResults.map((part) => part.toolCallId)).toEqual(['call-1']);
    expect(store.getState().runningToolCalls[conversationId] ?? []).toEqual([]);
  });

  it('the send that made the reply runs it; meanwhile the call is in runningToolCalls, then no more', async () => {
    let release!: (zone: string) => void;
    const execute = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const { store, routes } = await storeWith([], execute);

    const sent = store.send(conversationId, 'Go');
    await vi.waitFor(() => expect(execute).toHaveBeenCalledOnce());
    const state = store.getState();
    expect(state.turns[conversationId]?.status).toBe('awaiting_input');
    expect(state.runningToolCalls[conversationId]).toEqual(['call-1']);

    release('Europe/Lisbon');
    await sent;
    expect(store.getState().runningToolCalls[conversationId]).toEqual([]);
    expect(store.getState().messages[conversationId]?.items.find((m) => m.id === messageId)).toMatchObject({
      status: 'complete',
      parts: answeredParts,
    });
    expect(routes()).toContain(`POST ${base}/messages/${messageId}/tool-results`);
    expect(execute).toHaveBeenCalledOnce();
  });
});
