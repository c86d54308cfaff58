/**
 * The stores the profile journeys run on: lowdb, and PostgreSQL when `DATABASE_URL` is set (a
 * schema of the suite's own). One real server per store, on 127.0.0.1.
 */
import { call, newAccount, type TestServer } from '@chatwire/server/testing';
import { describeOnEachStore } from '../support/stores.js';

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

export { describeOnEachStore };
