/**
 * The group-assistant journeys' raw-wire helpers: conversations between people with an assistant
 * member, sends, and what a socket heard of a reply. No SDK: these hold the server to the wire.
 */
import type { AssistantMember, Conversation, Message, RealtimeEvent } from '@chatwire/sdk/contracts';
import {
  call,
  type JsonResponse,
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

/** What a send answers: the message, and the reply once it ended (`null` when no assistant answered). */
export interface Sent {
  message: Message;
  reply: Message | null;
}

/** `user` sends `content` over REST (JSON: the answer waits for the reply, when there is one). */
export async function say(
  server: TestServer,
  user: TestUser,
  conversationId: string,
  content: string,
): Promise<Sent> {
  const sent = await call<Sent>(`${server.url}/v1/conversations/${conversationId}/messages`, {
    token: user.token,
    body: { content },
  });
  if (sent.status !== 201) throw new Error(`send failed: ${sent.status} ${sent.text}`);
  return sent.body;
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
