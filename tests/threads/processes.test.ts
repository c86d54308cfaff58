/**
 * Threads across two processes sharing PostgreSQL and Redis: a reply sent on one process reaches
 * a socket on the other with its parent's summary, and replies racing on both processes onto one
 * parent are all counted.
 */
import type { Message, RealtimeEvent } from '@chatwire/sdk/contracts';
import { call, connectRealtime, signUp, type TestUser } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { describeOnTwoProcesses } from '../support/two-processes.js';
import { createConversation, replies, sent, threads } from './support.js';

describeOnTwoProcesses('threads across processes', 'threads:', (servers) => {
  it("a reply on one process reaches a socket on the other, with the parent's summary", async () => {
    const { one, two } = servers;
    const [ada, bob] = await Promise.all([signUp(one.url, 'ada'), signUp(two.url, 'bob')]);
    const chat = await call(`${one.url}/v1/conversations`, {
      token: ada.token,
      body: { type: 'direct', participantIds: [bob.id] },
    });
    const parent = await sent(one, ada, chat.body.id, { content: 'across' });
    const bobOnTwo = await connectRealtime(two.url, { token: bob.token });
    try {
      const reply = await sent(one, ada, chat.body.id, { content: 'in the thread', parentId: parent.id });
      const created = await bobOnTwo.waitForEvent(
        (event) => event.type === 'message.created' && event.message.id === reply.id,
      );
      expect((created.event as Extract<RealtimeEvent, { type: 'message.created' }>).message.parentId).toBe(
        parent.id,
      );
      const updated = await bobOnTwo.waitForEvent(
        (event) => event.type === 'message.updated' && event.message.id === parent.id,
      );
      expect(
        (updated.event as Extract<RealtimeEvent, { type: 'message.updated' }>).message.thread?.replyCount,
      ).toBe(1);
      const listed = await threads(two, bob, chat.body.id);
      expect(listed.body.items).toEqual([]); // bob has not taken part yet
    } finally {
      await bobOnTwo.close();
    }
  });

  it('replies racing on both processes onto one parent are all counted and listed', async () => {
    const { one, two } = servers;
    const people: TestUser[] = await Promise.all(
      Array.from({ length: 8 }, (_, i) => signUp((i % 2 === 0 ? one : two).url, `p${i}`)),
    );
    const [owner, ...others] = people as [TestUser, ...TestUser[]];
    const group = await createConversation(one, owner, {
      type: 'group',
      participantIds: others.map((person) => person.id),
    });
    const parent = await sent(one, owner, group, { content: 'race' });
    await Promise.all(
      people.map((person, i) =>
        sent(i % 2 === 0 ? one : two, person, group, { content: `r${i}`, parentId: parent.id }),
      ),
    );
    const page = await call(`${two.url}/v1/conversations/${group}/messages`, { token: owner.token });
    const stored = (page.body.items as Message[]).find((item) => item.id === parent.id);
    expect(stored?.thread?.replyCount).toBe(people.length);
    expect((await replies(one, owner, group, parent.id)).body.items).toHaveLength(people.length);
    expect((await threads(two, others[0]!, group)).body.items.map((thread) => thread.parent.id)).toEqual([
      parent.id,
    ]);
  });
});
