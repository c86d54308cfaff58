/**
 * The account-deletion journeys' stores (the store is in reach, to see that files and
 * conversations are gone, not only hidden) and raw-wire helpers: accounts that keep their
 * email, password and refresh token.
 */
import type { Store } from '@chatwire/server';
import {
  call,
  describePostgres,
  newAccount,
  startTestServer,
  type TestServer,
} from '@chatwire/server/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { type OpenedStore, openStore } from '../support/stores.js';

/** A server and the store it runs on. */
export interface Stack {
  server: TestServer;
  store: Store;
}

function registerOn(connectionString: string | null, suite: (stack: () => Stack) => void): void {
  let opened: OpenedStore | undefined;
  let stack: Stack | undefined;
  beforeAll(async () => {
    opened = await openStore(connectionString);
    stack = { server: await startTestServer({ store: opened.store }), store: opened.store };
  });
  afterAll(async () => {
    await stack?.server.close();
    await opened?.close();
  });
  suite(() => {
    if (!stack) throw new Error('the server is not started yet: use it inside a test');
    return stack;
  });
}

/** Registers `suite` as `<name> (lowdb)` and, with `DATABASE_URL`, `<name> (PostgreSQL)`. */
export function describeOnEachStoreWithIt(name: string, suite: (stack: () => Stack) => void): void {
  describe(`${name} (lowdb)`, () => registerOn(null, suite));
  describePostgres(`${name} (PostgreSQL)`, (connectionString) => registerOn(connectionString, suite));
}

/** A registered account: who, how they sign in, and their session. */
export interface Account {
  id: string;
  token: string;
  refreshToken: string;
  email: string;
  password: string;
}

export async function register(server: TestServer, name: string): Promise<Account> {
  const account = newAccount(name);
  const answer = await call(`${server.url}/v1/auth/register`, { body: account });
  if (answer.status !== 201) throw new Error(`register failed: ${answer.status} ${answer.text}`);
  return {
    id: answer.body.user.id,
    token: answer.body.tokens.accessToken,
    refreshToken: answer.body.tokens.refreshToken,
    email: account.email,
    password: account.password,
  };
}

/** `DELETE /v1/users/me { password }` as `account`. */
export const deleteAccount = (server: TestServer, account: Pick<Account, 'token'>, password: string) =>
  call(`${server.url}/v1/users/me`, { token: account.token, method: 'DELETE', body: { password } });
