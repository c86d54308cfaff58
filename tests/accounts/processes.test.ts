/**
 * Deleting an account across two processes sharing PostgreSQL and Redis: deleted on one, the
 * user's socket on the other is closed (4410, after `account.deleted`), and the access token the
 * other process had already verified (and remembered) is refused there too.
 */
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { call, connectRealtime } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { say } from '../support/groups.js';
import { describeOnTwoProcesses } from '../support/two-processes.js';
import { deleteAccount, register } from './support.js';

describeOnTwoProcesses('deleting an account across processes', 'accounts:', (servers) => {
  it('closes the socket on the other process and refuses the token it remembered', async () => {
    const { one, two } = servers;
    const [ada, bob] = await Promise.all([register(one, 'ada'), register(two, 'bob')]);
    const direct = await call(`${one.url}/v1/conversations`, {
      token: bob.token,
      body: { type: 'direct', participantIds: [ada.id] },
    });
    await say(two, ada, direct.body.id, 'hello from two');
    // Process two verified (and remembered) ada's token; her socket lives there.
    expect((await call(`${two.url}/v1/auth/me`, { token: ada.token })).status).toBe(200);
    const adaOnTwo = await connectRealtime(two.url, { token: ada.token });
    const bobOnTwo = await connectRealtime(two.url, { token: bob.token });
    try {
      expect((await deleteAccount(one, ada, ada.password)).status).toBe(204);
      await adaOnTwo.waitForEvent((e: RealtimeEvent) => e.type === 'account.deleted');
      expect((await adaOnTwo.closed).code).toBe(4410);
      expect((await call(`${two.url}/v1/auth/me`, { token: ada.token })).status).toBe(401);
      const { event } = await bobOnTwo.waitForEvent(
        (e: RealtimeEvent) => e.type === 'user.updated' && e.user.id === ada.id,
      );
      expect(event).toMatchObject({ user: { deleted: true, displayName: 'Deleted user' } });
      const page = await call(`${two.url}/v1/conversations/${direct.body.id}/messages`, { token: bob.token });
      expect(page.body.items.map((m: { content: string }) => m.content)).toContain('hello from two');
    } finally {
      await adaOnTwo.close();
      await bobOnTwo.close();
    }
  });
});
