/**
 * The group-assistant journeys' raw-wire helpers: conversations between people with an assistant
 * member, sends, and what a socket heard of a reply. No SDK: these hold the server to the wire.
 */
import type { AssistantMember, Conversation, Message, RealtimeEvent } from '@chatwire/sdk/contracts';
import {
  call,
  type JsonResponse,
  readSse,
  type TestServer,
  type TestSocket,
  type TestUser,
} from '@chatwire/server/testing';
import { expect } from 'vitest';

/** The error envelope every refusal answers with. */
export type ErrorBody = { error: { code: string; message: string; requestId: string } };

/** `owner` starts a group with `others`, with `assistant` as its assistant member. */
export async function groupWith(
  server: TestServer,
  owner: TestUser,
  others: readonly TestUser[],
  assistant: AssistantMember | null,
): Promise<Conversation> {
  const created = await call<Conversation>(`${server.url}/v1/conversations`, {
    token: owner.token,
    body: { type: 'group', title: 'team', participantIds: others.map((user) => user.id), assistant },
  });
  expect(created.status).toBe(201);
  return created.body;
}

/** `PATCH /v1/conversations/:id` as `user`. */
export const patchConversation = (server: TestServer, user: TestUser, id: string, body: object) =>
  call<Conversation & ErrorBody>(`${server.url}/v1/conversations/${id}`, {
    token: user.token,
    method: 'PATCH',
    body,
  });

/** What a send stored, and the reply it started once that ended (`null` when no assistant answered). */
export interface Sent {
  message: Message;
  reply: Message | null;
}

/**
 * `user` sends `content` over REST; then, when the assistant answers, follows its reply to its end
 * (`GET …/stream`). Between people a send answers once the message is stored (`reply: null` in the
 * answer), and the reply is stored with it: it is the next message of the history, if any.
 */
export async function say(
  server: TestServer,
  user: TestUser,
  conversationId: string,
  content: string,
): Promise<Sent> {
  const sent = await call<{ message: Message; reply: Message | null }>(
    `${server.url}/v1/conversations/${conversationId}/messages`,
    { token: user.token, body: { content } },
  );
  if (sent.status !== 201) throw new Error(`send failed: ${sent.status} ${sent.text}`);
  const { message } = sent.body;
  if (sent.body.reply) return { message, reply: sent.body.reply };
  const page = await call<{ items: Message[] }>(
    `${server.url}/v1/conversations/${conversationId}/messages?limit=100`,
    {
      token: user.token,
    },
  );
  const at = page.body.items.findIndex((item) => item.id === message.id);
  const next = page.body.items.find((item, index) => index > at && item.role === 'assistant');
  if (!next) return { message, reply: null };
  return { message, reply: await followToEnd(server, user, conversationId, next.id) };
}

/** Follows reply `messageId` from its start (`GET …/stream`) to its `message.completed`. */
export async function followToEnd(
  server: TestServer,
  user: TestUser,
  conversationId: string,
  messageId: string,
) {
  const follower = readSse<{ type: string; message?: Message }>(
    `${server.url}/v1/conversations/${conversationId}/messages/${messageId}/stream`,
    { token: user.token },
  );
  await follower.done;
  const completed = follower.events.find((event) => event.type === 'message.completed');
  if (!completed?.message)
    throw new Error(`no message.completed for ${messageId}: ${JSON.stringify(follower.events)}`);
  return completed.message;
}

/** `POST …/messages/:messageId/stop` or `…/regenerate` as `user`. */
export const steer = (
  action: 'stop' | 'regenerate',
  server: TestServer,
  user: TestUser,
  conversationId: string,
  messageId: string,
): Promise<JsonResponse<ErrorBody & Message & { reply: Message }>> =>
  call(`${server.url}/v1/conversations/${conversationId}/messages/${messageId}/${action}`, {
    token: user.token,
    body: {},
  });

/** The events `socket` heard about reply `messageId` (and its assistant state), in order. */
export const replyEvents = (socket: TestSocket, messageId: string): RealtimeEvent[] =>
  socket
    .events()
    .map((frame) => frame.event)
    .filter((event) => 'messageId' in event && event.messageId === messageId);

/** Waits until `socket` heard `message.completed` of reply `messageId`; resolves with the reply. */
export async function completedOn(socket: TestSocket, messageId: string): Promise<Message> {
  const { event } = await socket.waitForEvent(
    (candidate) => candidate.type === 'message.completed' && candidate.message.id === messageId,
  );
  if (event.type !== 'message.completed') throw new Error('not a completion');
  return event.message;
}

/** The text a socket's deltas add up to for the reply's part `part`. */
export const streamedText = (socket: TestSocket, messageId: string) =>
  replyEvents(socket, messageId)
    .flatMap((event) => (event.type === 'message.delta' ? [event.delta] : []))
    .join('');

/** The `assistant.state` events a socket heard for reply `messageId`: state, and tool when using one. */
export const statesOn = (socket: TestSocket, messageId: string) =>
  replyEvents(socket, messageId).flatMap((event) =>
    event.type === 'assistant.state'
      ? [event.toolName ? `${event.state}:${event.toolName}` : event.state]
      : [],
  );
