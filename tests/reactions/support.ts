/**
 * The reactions journeys' stores and raw-wire helpers: lowdb, and PostgreSQL when `DATABASE_URL`
 * is set (a schema of the suite's own), one real server per store on 127.0.0.1. No SDK: these
 * hold the server to the wire.
 */
import type { Message } from '@chatwire/sdk/contracts';
import { type AppOptionsInput, type Store as ChatStore, createPostgresStore } from '@chatwire/server';
import {
  call,
  createTestSchema,
  describePostgres,
  type JsonResponse,
  sharedLowdbStore,
  startTestServer,
  type TestServer,
  type TestUser,
} from '@chatwire/server/testing';
import { afterAll, beforeAll, describe } from 'vitest';

/**
 * The limit the journeys' servers run with: small, so reaching it takes a few requests, not the
 * default 20.
 */
export const reactionsPerMessage = 3;

async function openStore(
  connectionString: string | null,
): Promise<{ store: ChatStore; close(): Promise<void> }> {
  if (connectionString === null) {
    const shared = await sharedLowdbStore();
    return { store: shared.store, close: shared.cleanup };
  }
  const schema = await createTestSchema(connectionString);
  const store = createPostgresStore({ connectionString, schema: schema.name, poolMax: 4 });
  try {
    await store.init();
  } catch (error) {
    await schema.drop();
    throw error;
  }
  return {
    store,
    async close() {
      await store.close();
      await schema.drop();
    },
  };
}

function registerOn(
  connectionString: string | null,
  options: AppOptionsInput,
  suite: (server: () => TestServer) => void,
): void {
  let opened: { store: ChatStore; close(): Promise<void> } | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    opened = await openStore(connectionString);
    server = await startTestServer({ ...options, store: opened.store });
  });
  afterAll(async () => {
    await server?.close();
    await opened?.close();
  });
  suite(() => {
    if (!server) throw new Error('the server is not started yet: use it inside a test');
    return server;
  });
}

/** Registers `suite` as `<name> (lowdb)` and, with `DATABASE_URL`, `<name> (PostgreSQL)`. */
export function describeOnEachStore(name: string, suite: (server: () => TestServer) => void): void {
  const options: AppOptionsInput = { limits: { reactionsPerMessage } };
  describe(`${name} (lowdb)`, () => registerOn(null, options, suite));
  describePostgres(`${name} (PostgreSQL)`, (connectionString) =>
    registerOn(connectionString, options, suite),
  );
}

/** What a reaction route answers: the message (200), or the error envelope (its status says which). */
export type ReactionAnswer = Message & { error: { code: string; message: string; requestId: string } };

const messagePath = (server: TestServer, conversationId: string, messageId: string) =>
  `${server.url}/v1/conversations/${conversationId}/messages/${messageId}`;

/** `POST …/messages/:messageId/reactions` as `user`. */
export function react(
  server: TestServer,
  user: TestUser,
  conversationId: string,
  messageId: string,
  emoji: string,
): Promise<JsonResponse<ReactionAnswer>> {
  return call<ReactionAnswer>(`${messagePath(server, conversationId, messageId)}/reactions`, {
    token: user.token,
    body: { emoji },
  });
}

/** `DELETE …/messages/:messageId/reactions/:emoji` as `user` (the emoji percent-encoded). */
export function unreact(
  server: TestServer,
  user: TestUser,
  conversationId: string,
  messageId: string,
  emoji: string,
): Promise<JsonResponse<ReactionAnswer>> {
  return call<ReactionAnswer>(
    `${messagePath(server, conversationId, messageId)}/reactions/${encodeURIComponent(emoji)}`,
    {
      token: user.token,
      method: 'DELETE',
    },
  );
}

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
