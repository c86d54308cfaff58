/**
 * Profiles across two processes sharing PostgreSQL and Redis (two servers in this test process,
 * each with its own pool and its own broker): a profile changed on A reaches a participant's socket
 * on B, and a password changed on A ends the refresh tokens B would rotate.
 */
import { call, connectRealtime } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { describeOnTwoProcesses } from '../support/two-processes.js';
import { register } from './stores.js';

describeOnTwoProcesses('profiles across processes', 'profiles:', (servers) => {
  it('a profile changed on one process reaches a socket on the other', async () => {
    const { one, two } = servers;
    const [ada, bob] = await Promise.all([register(one, 'ada'), register(two, 'bob')]);
    await call(`${one.url}/v1/conversations`, {
      token: ada.accessToken,
      body: { type: 'direct', participantIds: [bob.id] },
    });
    const bobOnTwo = await connectRealtime(two.url, { token: bob.accessToken });
    try {
      const changed = await call(`${one.url}/v1/users/me`, {
        method: 'PATCH',
        token: ada.accessToken,
        body: { statusText: 'Across' },
      });
      expect(changed.status).toBe(200);
      const { event } = await bobOnTwo.waitForEvent(
        (candidate) => candidate.type === 'user.updated' && candidate.user.id === ada.id,
      );
      expect(event).toMatchObject({ user: { id: ada.id, statusText: 'Across' } });
    } finally {
      await bobOnTwo.close();
    }
  });

  it('a password changed on one process ends the refresh tokens on the other', async () => {
    const { one, two } = servers;
    const ada = await register(two, 'ada');
    const changed = await call(`${one.url}/v1/users/me/password`, {
      token: ada.accessToken,
      body: { currentPassword: ada.password, newPassword: 'Another-horse-42' },
    });
    expect(changed.status).toBe(200);
    const old = await call(`${two.url}/v1/auth/refresh`, { body: { refreshToken: ada.refreshToken } });
    expect(old.status).toBe(401);
    const fresh = await call(`${two.url}/v1/auth/refresh`, {
      body: { refreshToken: changed.body.refreshToken },
    });
    expect(fresh.status).toBe(200);
  });
});
