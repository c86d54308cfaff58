/**
 * Receipts, mentions and the presence snapshot across two processes sharing PostgreSQL, Redis
 * (broker and presence): a read on process one reaches a socket on process two, a mention sent on
 * one counts on the other, and a person online on one is in the `ready` snapshot of a socket on two.
 */
import { connectRealtime } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { conversationOf, group, markRead, person, send } from '../mentions/support.js';
import { describeOnTwoProcesses } from '../support/two-processes.js';

describeOnTwoProcesses(
  'receipts and presence across processes',
  'receipts:',
  (servers) => {
    it('a read on one process reaches a socket on the other; a mention counts on both', async () => {
      const { one, two } = servers;
      const [ada, bob] = await Promise.all([person(one, 'ada'), person(two, 'bob')]);
      const chat = await group(one, ada, [bob]);
      const adaOnTwo = await connectRealtime(two.url, { token: ada.token });
      try {
        const message = await send(one, ada, chat, `@${bob.name} ping`);
        expect((await conversationOf(two, bob, chat)).unreadMentionCount).toBe(1);
        await markRead(one, bob, chat, message.id);
        const { event } = await adaOnTwo.waitForEvent((e) => e.type === 'read' && e.userId === bob.id);
        expect(event).toEqual({ type: 'read', conversationId: chat, userId: bob.id, messageId: message.id });
        expect((await conversationOf(two, bob, chat)).unreadMentionCount).toBe(0);
      } finally {
        await adaOnTwo.close();
      }
    });

    it('someone online on process one is in the ready snapshot of a socket on process two', async () => {
      const { one, two } = servers;
      const [ada, bob, eve] = await Promise.all([person(one, 'ada'), person(one, 'bob'), person(one, 'eve')]);
      await group(one, ada, [bob]);
      const bobOnOne = await connectRealtime(one.url, { token: bob.token });
      const eveOnOne = await connectRealtime(one.url, { token: eve.token });
      const watcher = await connectRealtime(two.url, { token: ada.token });
      try {
        // Bob's join is in the directory once peers hear of it (or he was in the snapshot already).
        const ready = watcher.frames.find((frame) => frame.type === 'ready');
        if (!(ready?.type === 'ready' && ready.presence.includes(bob.id))) {
          await watcher.waitForEvent((e) => e.type === 'presence' && e.userId === bob.id && e.online);
        }
        const adaOnTwo = await connectRealtime(two.url, { token: ada.token });
        const snapshot = adaOnTwo.frames.find((frame) => frame.type === 'ready');
        await adaOnTwo.close();
        // Eve is online too, but shares no conversation with Ada.
        expect(snapshot?.type === 'ready' && snapshot.presence).toEqual([bob.id]);
      } finally {
        await Promise.all([bobOnOne.close(), eveOnOne.close(), watcher.close()]);
      }
    });
  },
  { redisPresence: true, app: { realtime: { presenceGraceMs: 0 } } },
);
