import {
  AuthenticationError,
  ConflictError,
  createClient,
  RateLimitError,
  ValidationError,
} from '@chatwire/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/testing/start-server.js';
import { signUp } from '../support/clients.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ accessTokenTtlSeconds: 1 });
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
    const before = await client.auth.getTokens();
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the 1 s access token expires
    const results = await Promise.all([client.auth.me(), client.auth.me(), client.conversations.list()]);
    expect(results[0].id).toBe(user.id);
    const after = await client.auth.getTokens();
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    // Exactly one rotation happened: the token before it is spent, the one after it works.
    const other = createClient({ baseUrl: server.url });
    await expect(
      other.transport.request((await import('@chatwire/sdk')).routes.refresh, {
        body: { refreshToken: after!.refreshToken },
      }),
    ).resolves.toHaveProperty('tokens');
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
