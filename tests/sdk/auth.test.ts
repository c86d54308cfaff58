import {
  AuthenticationError,
  ConflictError,
  createClient,
  memoryTokenStore,
  RateLimitError,
  ValidationError,
} from '@chatwire/sdk';
import { createAccessTokens, startTestServer, type TestServer, testSecret } from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../support/clients.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('auth through the SDK', () => {
  it('register, me, logout, login again', async () => {
    const { client, user, account } = await signUp(server.url, 'ada');
    const changes: string[] = [];
    client.auth.onChange((change) => changes.push(change.type));
    expect(await client.auth.me()).toEqual(user);
    await client.auth.logout();
    expect(await client.auth.getTokens()).toBeNull();
    await expect(client.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
    const session = await client.auth.login({ email: account.email, password: account.password });
    expect(session.user.id).toBe(user.id);
    expect(changes).toEqual(['signed-out', 'signed-in']);
  });

  it('refreshes an expired access token once for concurrent requests, and replays them', async () => {
    const { client, user } = await signUp(server.url);
    const before = (await client.auth.getTokens())!;
    // The same session, but holding an access token that expired a minute ago (issued by the
    // server's own token code): deterministic, where waiting for a real one to expire races a loaded machine.
    const { token: expired } = await createAccessTokens(testSecret, -60).issue(user.id);
    const tokenStore = memoryTokenStore();
    await tokenStore.set({ ...before, accessToken: expired });
    const stale = createClient({ baseUrl: server.url, tokenStore, retry: { maxRetries: 0 } });
    const changes: string[] = [];
    stale.auth.onChange((change) => changes.push(change.type));

    const results = await Promise.all([stale.auth.me(), stale.auth.me(), stale.conversations.list()]);
    expect(results[0].id).toBe(user.id);
    expect(results[1].id).toBe(user.id);
    expect(changes).toEqual(['refreshed']); // one refresh for the three requests
    const after = (await stale.auth.getTokens())!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // The token before the rotation is spent: presenting it again is refused.
    const other = createClient({ baseUrl: server.url, retry: { maxRetries: 0 } });
    await expect(
      other.transport.request('refresh', { body: { refreshToken: before.refreshToken } }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('maps errors to typed classes with code, details and requestId', async () => {
    const { account } = await signUp(server.url);
    const client = createClient({ baseUrl: server.url });
    const taken = await client.auth.register(account).catch((error: unknown) => error);
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken).toMatchObject({ status: 409, code: 'email_taken' });
    expect((taken as ConflictError).requestId).toMatch(/^[0-9a-f-]{36}$/);

    const weak = await client.auth
      .register({ email: 'weak@example.com', password: 'weak' })
      .catch((e: unknown) => e);
    expect(weak).toBeInstanceOf(ValidationError);
    expect((weak as ValidationError).details?.length).toBeGreaterThanOrEqual(4);

    const wrong = await client.auth
      .login({ email: account.email, password: 'Not-the-one-1' })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect(wrong).toMatchObject({ code: 'invalid_credentials' });
  });

  it('a RateLimitError carries retryAfter', async () => {
    const limited = await startTestServer({ rateLimits: { authPerMinute: 2 } });
    try {
      const client = createClient({ baseUrl: limited.url, retry: { maxRetries: 0 } });
      const attempt = () =>
        client.auth.login({ email: 'x@example.com', password: 'Whatever-1!' }).catch((e) => e);
      await attempt();
      await attempt();
      const error = await attempt();
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).retryAfter).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
