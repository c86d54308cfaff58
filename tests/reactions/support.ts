/**
 * The reactions journeys' stores and raw-wire helpers: lowdb, and PostgreSQL when `DATABASE_URL`
 * is set (a schema of the suite's own), one real server per store on 127.0.0.1. No SDK: these
 * hold the server to the wire.
 */
import type { Message } from '@chatwire/sdk/contracts';
import { call, type JsonResponse, type TestServer, type TestUser } from '@chatwire/server/testing';
import { describeOnEachStore as describeOnEachStoreWith } from '../support/stores.js';

/**
 * The limit the journeys' servers run with: small, so reaching it takes a few requests, not the
 * default 20.
 */
export const reactionsPerMessage = 3;

/** Registers `suite` as `<name> (lowdb)` and, with `DATABASE_URL`, `<name> (PostgreSQL)`. */
export function describeOnEachStore(name: string, suite: (server: () => TestServer) => void): void {
  describeOnEachStoreWith(name, suite, { limits: { reactionsPerMessage } });
}

/** What a reaction route answers: the message (200), or the error envelope (its status says which). */
export type ReactionAnswer = Message & { error: { code: string; message: string; requestId: string } };

/**
 * A reaction route as `user`: `POST …/messages/:messageId/reactions` to add `emoji`, or `DELETE
 * …/messages/:messageId/reactions/:emoji` (the emoji percent-encoded) to take it back.
 */
function reaction(
  method: 'POST' | 'DELETE',
  server: TestServer,
  user: TestUser,
  conversationId: string,
  messageId: string,
  emoji: string,
): Promise<JsonResponse<ReactionAnswer>> {
  const reactions = `${server.url}/v1/conversations/${conversationId}/messages/${messageId}/reactions`;
  return method === 'POST'
    ? call<ReactionAnswer>(reactions, { token: user.token, body: { emoji } })
    : call<ReactionAnswer>(`${reactions}/${encodeURIComponent(emoji)}`, { token: user.token, method });
}

type ReactionArgs = [
  server: TestServer,
  user: TestUser,
  conversationId: string,
  messageId: string,
  emoji: string,
];

/** `POST …/messages/:messageId/reactions` as `user`. */
export const react = (...args: ReactionArgs) => reaction('POST', ...args);

/** `DELETE …/messages/:messageId/reactions/:emoji` as `user` (the emoji percent-encoded). */
export const unreact = (...args: ReactionArgs) => reaction('DELETE', ...args);

/** `user` sends `content` to the conversation over REST; resolves with the stored message. */
export async function say(server: TestServer, user: TestUser, conversationId: string, content: string) {
  const sent = await call(`${server.url}/v1/conversations/${conversationId}/messages`, {
    token: user.token,
    body: { content },
  });
  if (sent.status !== 201) throw new Error(`send failed: ${sent.status} ${sent.text}`);
  return sent.body.message as Message;
}

/** The message as a history page shows it to `user` (the newest 50). */
export async function readBack(
  server: TestServer,
  user: TestUser,
  conversationId: string,
  messageId: string,
) {
  const page = await call(`${server.url}/v1/conversations/${conversationId}/messages?limit=50`, {
    token: user.token,
  });
  return (page.body.items as Message[]).find((message) => message.id === messageId);
}
