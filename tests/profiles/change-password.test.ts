/**
 * `POST /v1/users/me/password`: the current password is required (a wrong one changes nothing);
 * a change revokes every refresh token of the account, answers a new session that works, and from
 * then on only the new password signs in.
 */
import { call, startTestServer } from '@chatwire/server/testing';
import { describe, expect, it } from 'vitest';
import { describeOnEachStore, type Person, register } from './stores.js';

const newPassword = 'Another-horse-42';

describeOnEachStore('changing my password', (server) => {
  const change = (person: Person, body: unknown) =>
    call(`${server().url}/v1/users/me/password`, { token: person.accessToken, body });
  const login = (person: Person, password: string) =>
    call(`${server().url}/v1/auth/login`, { body: { email: person.email, password } });
  const refresh = (refreshToken: string) =>
    call(`${server().url}/v1/auth/refresh`, { body: { refreshToken } });

  it('refuses a wrong current password with 401 invalid_credentials and changes nothing', async () => {
    const ada = await register(server(), 'ada');
    const answer = await change(ada, { currentPassword: 'Not-my-password-1', newPassword });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_credentials');
    expect((await login(ada, ada.password)).status).toBe(200);
    expect((await login(ada, newPassword)).status).toBe(401);
    expect((await refresh(ada.refreshToken)).status).toBe(200);
  });

  it('revokes the old refresh tokens, answers working tokens, and only the new password signs in', async () => {
    const ada = await register(server(), 'ada');
    const otherDevice = (await login(ada, ada.password)).body.tokens.refreshToken as string;
    const answer = await change(ada, { currentPassword: ada.password, newPassword });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ tokenType: 'bearer', accessToken: expect.any(String) });

    for (const old of [ada.refreshToken, otherDevice]) {
      const refused = await refresh(old);
      expect(refused.status).toBe(401);
    }
    const me = await call(`${server().url}/v1/auth/me`, { token: answer.body.accessToken });
    expect(me.body.id).toBe(ada.id);
    expect((await refresh(answer.body.refreshToken)).status).toBe(200);

    expect((await login(ada, ada.password)).body.error.code).toBe('invalid_credentials');
    expect((await login(ada, newPassword)).status).toBe(200);
  });

  it('checks the new password against the policy, and needs a signed-in user', async () => {
    const ada = await register(server(), 'ada');
    const weak = await change(ada, { currentPassword: ada.password, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('validation_failed');
    expect((await login(ada, ada.password)).status).toBe(200);
    const anonymous = await call(`${server().url}/v1/users/me/password`, {
      body: { currentPassword: ada.password, newPassword },
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('changing my password, rate-limited', () => {
  it('counts attempts as auth attempts, per account: past the limit 429 with Retry-After', async () => {
    const server = await startTestServer({ rateLimits: { authPerMinute: 3 } });
    try {
      const ada = await register(server, 'ada'); // the first auth attempt of this address
      const attempt = () =>
        call(`${server.url}/v1/users/me/password`, {
          token: ada.accessToken,
          body: { currentPassword: 'Not-my-password-1', newPassword },
        });
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(401);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
