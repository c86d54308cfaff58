/**
 * Reactions across two processes sharing PostgreSQL and Redis (two servers in this test process,
 * each with its own pool and its own broker, as two deployments of one app): a reaction added on
 * A reaches a socket on B, and reactions racing on both processes onto one message all persist.
 */
import type { Message } from '@chatwire/sdk/contracts';
import { call, connectRealtime, signUp, type TestUser } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { describeOnTwoProcesses } from '../support/two-processes.js';
import { react, say } from './support.js';

describeOnTwoProcesses('reactions across processes', 'reactions:', (servers) => {
  it('a reaction added on one process reaches a socket on the other', async () => {
    const { one, two } = servers;
    const [ada, bob] = await Promise.all([signUp(one.url, 'ada'), signUp(two.url, 'bob')]);
    const chat = await call(`${one.url}/v1/conversations`, {
      token: ada.token,
      body: { type: 'direct', participantIds: [bob.id] },
    });
    const message = await say(one, ada, chat.body.id, 'across');
    const bobOnTwo = await connectRealtime(two.url, { token: bob.token });
    try {
      await react(one, ada, chat.body.id, message.id, '🚀');
      const { event } = await bobOnTwo.waitForEvent(
        (candidate) => candidate.type === 'reaction.added' && candidate.messageId === message.id,
      );
      expect(event).toMatchObject({
        userId: ada.id,
        emoji: '🚀',
        reactions: [{ emoji: '🚀', count: 1, userIds: [ada.id] }],
      });
    } finally {
      await bobOnTwo.close();
    }
  });

  it('reactions racing on both processes onto one message all persist', async () => {
    const { one, two } = servers;
    const people: TestUser[] = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signUp((i % 2 === 0 ? one : two).url, `p${i}`)),
    );
    const [owner, ...others] = people as [TestUser, ...TestUser[]];
    const group = await call(`${one.url}/v1/conversations`, {
      token: owner.token,
      body: { type: 'group', title: 'race', participantIds: others.map((person) => person.id) },
    });
    const message = await say(one, owner, group.body.id, 'who is in?');
    // Everyone at once, half on each process: each 🙋, and every third one 🎉 as well.
    const answers = await Promise.all(
      people.flatMap((person, i) => {
        const server = i % 2 === 0 ? one : two;
        const mine = [react(server, person, group.body.id, message.id, '🙋')];
        if (i % 3 === 0) mine.push(react(server, person, group.body.id, message.id, '🎉'));
        return mine;
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const page = await call(`${two.url}/v1/conversations/${group.body.id}/messages`, {
      token: owner.token,
    });
    const stored = (page.body.items as Message[]).find((item) => item.id === message.id)!;
    const byEmoji = new Map(stored.reactions.map((group) => [group.emoji, group]));
    const ids = (list: TestUser[]) => list.map((person) => person.id).sort();
    expect([...(byEmoji.get('🙋')?.userIds ?? [])].sort()).toEqual(ids(people));
    expect(byEmoji.get('🙋')?.count).toBe(people.length);
    expect([...(byEmoji.get('🎉')?.userIds ?? [])].sort()).toEqual(ids(people.filter((_, i) => i % 3 === 0)));
  });
});
