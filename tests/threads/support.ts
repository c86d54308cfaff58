/**
 * The threads journeys' raw-wire helpers: sends with `parentId` / `quotedMessageId`, a thread's
 * pages, its read marker and the thread list, as one user over REST. No SDK: these hold the
 * server to the wire.
 */
import type { Message, ThreadList } from '@chatwire/sdk/contracts';
import { call, type TestServer, type TestUser } from '@chatwire/server/testing';

export interface SendFields {
  content: string;
  parentId?: string;
  alsoInConversation?: boolean;
  quotedMessageId?: string;
}

/** `POST …/messages` as `user`: the whole answer (status and body), for refusals too. */
export function send(server: TestServer, user: TestUser, conversationId: string, fields: SendFields) {
  return call(`${server.url}/v1/conversations/${conversationId}/messages`, {
    token: user.token,
    body: fields,
  });
}

/** `user` sends `fields`; resolves with the stored message (throws on a refusal). */
export async function sent(server: TestServer, user: TestUser, conversationId: string, fields: SendFields) {
  const answer = await send(server, user, conversationId, fields);
  if (answer.status !== 201) throw new Error(`send failed: ${answer.status} ${answer.text}`);
  return answer.body.message as Message;
}

/** The newest main-list page (`GET …/messages`) as `user`. */
export async function mainList(server: TestServer, user: TestUser, conversationId: string, query = '') {
  return call<{ items: Message[]; nextCursor: string | null }>(
    `${server.url}/v1/conversations/${conversationId}/messages${query}`,
    { token: user.token },
  );
}

/** `GET …/messages/:parentId/replies` as `user`. */
export function replies(
  server: TestServer,
  user: TestUser,
  conversationId: string,
  parentId: string,
  query = '',
) {
  return call<{ items: Message[]; nextCursor: string | null }>(
    `${server.url}/v1/conversations/${conversationId}/messages/${parentId}/replies${query}`,
    { token: user.token },
  );
}

/** `POST …/read` with the thread's `threadId`, as `user`. */
export function markThreadRead(
  server: TestServer,
  user: TestUser,
  conversationId: string,
  parentId: string,
  messageId: string,
) {
  return call(`${server.url}/v1/conversations/${conversationId}/read`, {
    token: user.token,
    body: { messageId, threadId: parentId },
  });
}

/** `GET …/threads` as `user`. */
export function threads(server: TestServer, user: TestUser, conversationId: string) {
  return call<ThreadList>(`${server.url}/v1/conversations/${conversationId}/threads`, { token: user.token });
}

/** `POST /v1/conversations` as `user`: a group with `others`, or an assistant conversation. */
export async function createConversation(
  server: TestServer,
  user: TestUser,
  body: { type: 'group'; participantIds: string[] } | { type: 'assistant' },
): Promise<string> {
  const created = await call(`${server.url}/v1/conversations`, { token: user.token, body });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  return created.body.id as string;
}
