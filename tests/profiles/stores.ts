/**
 * The stores the profile journeys run on: lowdb, and PostgreSQL when `DATABASE_URL` is set (a
 * schema of the suite's own). One real server per store, on 127.0.0.1.
 */
import { type Store as ChatStore, createPostgresStore } from '@chatwire/server';
import {
  call,
  createTestSchema,
  describePostgres,
  newAccount,
  sharedLowdbStore,
  startTestServer,
  type TestServer,
} from '@chatwire/server/testing';
import { afterAll, beforeAll, describe } from 'vitest';

/** A signed-up person: what they registered with and what the server answered. */
export interface Person {
  id: string;
  email: string;
  password: string;
  displayName: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers a fresh account over REST. */
export async function register(server: TestServer, name: string): Promise<Person> {
  const account = newAccount(name);
  const { status, body, text } = await call(`${server.url}/v1/auth/register`, { body: account });
  if (status !== 201) throw new Error(`register failed: ${status} ${text}`);
  return {
    ...account,
    id: body.user.id,
    accessToken: body.tokens.accessToken,
    refreshToken: body.tokens.refreshToken,
  };
}

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

function registerOn(connectionString: string | null, suite: (server: () => TestServer) => void): void {
  let opened: { store: ChatStore; close(): Promise<void> } | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    opened = await openStore(connectionString);
    server = await startTestServer({ store: opened.store });
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
  describe(`${name} (lowdb)`, () => registerOn(null, suite));
  describePostgres(`${name} (PostgreSQL)`, (connectionString) => registerOn(connectionString, suite));
}
