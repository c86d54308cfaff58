import { describe, expect, it, vi } from 'vitest';
import type { AuthChange } from '../client/auth-session.js';
import { AuthenticationError, ConflictError, ConnectionError } from '../client/errors.js';
import { errorResponse, type fakeFetch, json, tokens, user } from '../client/fake-fetch.test-support.js';
import { memoryTokenStore } from '../client/token-store.js';
import type { Tokens } from '../contracts/resources.js';
import { fakeClient } from '../create-client.test-support.js';

function setup(script: Parameters<typeof fakeFetch>[0], initial: Tokens | null = tokens('old')) {
  const store = memoryTokenStore(initial);
  const { client, requests } = fakeClient(script, { tokenStore: store });
  const changes: AuthChange[] = [];
  const off = client.auth.onChange((change) => changes.push(change));
  return { client, requests, store, changes, off };
}

const credentials = { email: 'ada@example.com', password: 'S3cure!pass' };

describe('client.auth', () => {
  it('register stores the tokens and tells listeners', async () => {
    const { client, requests, store, changes } = setup([json(201, { user, tokens: tokens('reg') })], null);
    const session = await client.auth.register({ ...credentials, displayName: 'Ada' });
    expect(session.user).toEqual(user);
    expect(requests[0]?.path).toBe('/v1/auth/register');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ ...credentials, displayName: 'Ada' });
    expect(await store.get()).toEqual(tokens('reg'));
    expect(await client.auth.getTokens()).toEqual(tokens('reg'));
    expect(changes).toEqual([{ type: 'signed-in', tokens: tokens('reg'), user }]);
  });

  it('register surfaces email_taken as ConflictError and stores nothing', async () => {
    const { client, store, changes } = setup([errorResponse(409, 'email_taken')], null);
    await expect(client.auth.register(credentials)).rejects.toBeInstanceOf(ConflictError);
    expect(await store.get()).toBeNull();
    expect(changes).toEqual([]);
  });

  it('login stores the tokens; later calls send the new access token', async () => {
    const { client, requests, changes } = setup(
      [json(200, { user, tokens: tokens('in') }), json(200, user)],
      null,
    );
    await client.auth.login(credentials);
    await expect(client.auth.me()).resolves.toEqual(user);
    expect(requests.map((r) => [r.method, r.path, r.headers.get('authorization')])).toEqual([
      ['POST', '/v1/auth/login', null],
      ['GET', '/v1/auth/me', 'Bearer access-in'],
    ]);
    expect(changes.map((change) => change.type)).toEqual(['signed-in']);
  });

  it('logout revokes the refresh token, clears the session and tells listeners', async () => {
    const { client, requests, store, changes } = setup([new Response(null, { status: 204 })]);
    await client.auth.logout();
    expect(requests[0]?.path).toBe('/v1/auth/logout');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ refreshToken: 'refresh-old' });
    expect(await store.get()).toBeNull();
    expect(changes).toEqual([{ type: 'signed-out', tokens: null, reason: 'logout' }]);
  });

  it('logout clears the session even when the token was already revoked or the server is down', async () => {
    const revoked = setup([errorResponse(401, 'unauthorized')]);
    await expect(revoked.client.auth.logout()).resolves.toBeUndefined();
    expect(await revoked.store.get()).toBeNull();

    const down = setup([() => Promise.reject(new TypeError('fetch failed'))]);
    await expect(down.client.auth.logout()).rejects.toBeInstanceOf(ConnectionError);
    expect(await down.store.get()).toBeNull();
    expect(down.changes.map((change) => change.type)).toEqual(['signed-out']);
  });

  it('refresh trades the refresh token and tells listeners; onChange can be undone', async () => {
    const { client, requests, changes, off } = setup([
      json(200, { tokens: tokens('new') }),
      json(200, { tokens: tokens('newer') }),
    ]);
    await expect(client.auth.refresh()).resolves.toEqual(tokens('new'));
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ refreshToken: 'refresh-old' });
    off();
    await client.auth.refresh();
    expect(JSON.parse(requests[1]?.body ?? '')).toEqual({ refreshToken: 'refresh-new' });
    expect(changes).toEqual([{ type: 'refreshed', tokens: tokens('new') }]);
  });

  it('refresh without a session throws AuthenticationError without calling the server', async () => {
    const { client, requests } = setup([], null);
    await expect(client.auth.refresh()).rejects.toBeInstanceOf(AuthenticationError);
    expect(requests).toHaveLength(0);
  });

  it('a throwing listener does not break sign-in', async () => {
    const { client } = setup([json(200, { user, tokens: tokens('in') })], null);
    // Listener errors are rethrown apart, in a microtask: catch them there instead of crashing the run.
    const thrown: unknown[] = [];
    const queue = globalThis.queueMicrotask.bind(globalThis);
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) =>
      queue(() => {
        try {
          task();
        } catch (error) {
          thrown.push(error);
        }
      }),
    );
    try {
      client.auth.onChange(() => {
        throw new Error('listener bug');
      });
      await expect(client.auth.login(credentials)).resolves.toMatchObject({ user });
      await Promise.resolve();
    } finally {
      spy.mockRestore();
    }
    expect(thrown).toEqual([new Error('listener bug')]);
  });
});
