/**
 * The stores cross-package journeys run on: lowdb, and PostgreSQL when `DATABASE_URL` is set (a
 * schema of the suite's own). One real server per store, on 127.0.0.1.
 */
import { type AppOptionsInput, type Store as ChatStore, createPostgresStore } from '@chatwire/server';
import {
  createTestSchema,
  describePostgres,
  sharedLowdbStore,
  startTestServer,
  type TestServer,
} from '@chatwire/server/testing';
import { afterAll, beforeAll, describe } from 'vitest';

/** A store, opened, and how to put it away. */
export interface OpenedStore {
  store: ChatStore;
  close(): Promise<void>;
}

/** The shared lowdb store (`connectionString` null), or PostgreSQL in a fresh schema. */
export async function openStore(connectionString: string | null): Promise<OpenedStore> {
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
  let opened: OpenedStore | undefined;
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

/**
 * Registers `suite` as `<name> (lowdb)` and, with `DATABASE_URL`, `<name> (PostgreSQL)`, each on
 * a server started with `options` and that store.
 */
export function describeOnEachStore(
  name: string,
  suite: (server: () => TestServer) => void,
  options: AppOptionsInput = {},
): void {
  describe(`${name} (lowdb)`, () => registerOn(null, options, suite));
  describePostgres(`${name} (PostgreSQL)`, (connectionString) =>
    registerOn(connectionString, options, suite),
  );
}
