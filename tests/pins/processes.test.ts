/**
 * Pins and roles across two processes sharing PostgreSQL and Redis: a pin made on one reaches a
 * socket on the other as `message.updated`, a role set on one as `participant.updated`, and pins
 * racing on both processes for the last place never exceed the limit.
 */
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { call, connectRealtime } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { castGroup, say, setRole } from '../support/groups.js';
import { describeOnTwoProcesses } from '../support/two-processes.js';

describeOnTwoProcesses('pins and roles across processes', 'pins:', (servers) => {
  it('a pin and a role change on one process reach a socket on the other', async () => {
    const { one, two } = servers;
    const c = await castGroup(one);
    const message = await say(one, c.member, c.group, 'pin me');
    const memberOnTwo = await connectRealtime(two.url, { token: c.member.token });
    try {
      expect(
        (
          await call(`${one.url}/v1/conversations/${c.group}/pins`, {
            token: c.admin.token,
            body: { messageId: message.id },
          })
        ).status,
      ).toBe(200);
      const { event } = await memberOnTwo.waitForEvent(
        (e: RealtimeEvent) => e.type === 'message.updated' && e.message.id === message.id,
      );
      expect(event).toMatchObject({ message: { pinnedBy: c.admin.id } });
      await setRole(one, c.owner, c.group, c.member.id, 'admin');
      await memberOnTwo.waitForEvent(
        (e: RealtimeEvent) =>
          e.type === 'participant.updated' &&
          e.participant.userId === c.member.id &&
          e.participant.role === 'admin',
      );
      const listed = await call(`${two.url}/v1/conversations/${c.group}/pins`, { token: c.member.token });
      expect(listed.body.items.map((m: { id: string }) => m.id)).toEqual([message.id]);
    } finally {
      await memberOnTwo.close();
    }
  });

  it('pins racing on both processes never pass the limit (50)', async () => {
    const { one, two } = servers;
    const c = await castGroup(one);
    const messages = [];
    for (let i = 0; i < 56; i++) messages.push(await say(one, c.owner, c.group, `m${i}`));
    const answers = await Promise.all(
      messages.map((m, i) =>
        call(`${(i % 2 === 0 ? one : two).url}/v1/conversations/${c.group}/pins`, {
          token: c.owner.token,
          body: { messageId: m.id },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(50);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(6);
    const listed = await call(`${two.url}/v1/conversations/${c.group}/pins`, { token: c.owner.token });
    expect(listed.body.items).toHaveLength(50);
  });
});
