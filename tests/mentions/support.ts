/**
 * The mentions and receipts journeys' raw-wire helpers: people with their display names (a
 * mention names them), groups, sends over REST and over the WebSocket, pages.
 */
import type { Conversation, Message } from '@chatwire/sdk/contracts';
import { call, newAccount, type TestServer, type TestSocket } from '@chatwire/server/testing';

/** A signed-up person: id, access token and the display name others mention. */
export interface Person {
  id: string;
  token: string;
  name: string;
}

export async function person(server: TestServer, name: string): Promise<Person> {
  const account = newAccount(name);
  const response = await call(`${server.url}/v1/auth/register`, { body: account });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return { id: response.body.user.id, token: response.body.tokens.accessToken, name: account.displayName };
}

/** `owner` creates a group with `others`; resolves with its id. */
export async function group(server: TestServer, owner: Person, others: Person[]): Promise<string> {
  const created = await call(`${server.url}/v1/conversations`, {
    token: owner.token,
    body: { type: 'group', title: 'mentions', participantIds: others.map((p) => p.id) },
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  return created.body.id as string;
}

/** `who` sends `content` (and `mentions`, when given) over REST; resolves with the stored message. */
export async function send(
  server: TestServer,
  who: Person,
  conversationId: string,
  content: string,
  mentions?: string[],
): Promise<Message> {
  const sent = await call(`${server.url}/v1/conversations/${conversationId}/messages`, {
    token: who.token,
    body: mentions ? { content, mentions } : { content },
  });
  if (sent.status !== 201) throw new Error(`send failed: ${sent.status} ${sent.text}`);
  return sent.body.message as Message;
}

/** Sends over `socket` and resolves with the `ack`'s message. */
export async function sendOverSocket(
  socket: TestSocket,
  conversationId: string,
  content: string,
  mentions?: string[],
): Promise<Message> {
  const clientMessageId = `ws-${Math.random().toString(36).slice(2)}`;
  socket.send({
    type: 'message.send',
    conversationId,
    clientMessageId,
    content,
    ...(mentions ? { mentions } : {}),
  });
  const ack = await socket.waitFor(
    (frame) =>
      (frame.type === 'ack' || frame.type === 'error') &&
      (frame.type === 'ack' ? frame.clientMessageId : frame.ref) === clientMessageId,
  );
  if (ack.type !== 'ack') throw new Error(`send refused: ${JSON.stringify(ack)}`);
  return ack.message;
}

/** The conversation as `who` sees it. */
export async function conversationOf(server: TestServer, who: Person, id: string): Promise<Conversation> {
  const read = await call(`${server.url}/v1/conversations/${id}`, { token: who.token });
  if (read.status !== 200) throw new Error(`read failed: ${read.status} ${read.text}`);
  return read.body as Conversation;
}

/** `who` marks `messageId` read over REST. */
export async function markRead(server: TestServer, who: Person, id: string, messageId: string) {
  const read = await call(`${server.url}/v1/conversations/${id}/read`, {
    token: who.token,
    body: { messageId },
  });
  if (read.status >= 300) throw new Error(`read failed: ${read.status} ${read.text}`);
}
