/**
 * Pinned messages over REST and WebSocket, on each store against a real server: pin and unpin
 * (idempotent), the list newest pin first with the messages, `message.updated` to everyone in the
 * conversation, the limit (409 past it), a deleted message (404), a delete unpinning, members of a
 * direct conversation pinning, and the 404 of an outsider on every pin route.
 */
import { randomUUID } from 'node:crypto';
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { call, connectRealtime, signUp, type TestServer, type TestUser } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { castGroup, say } from '../support/groups.js';
import { describeOnEachStore } from '../support/stores.js';

/** Small, so reaching it takes a few requests. */
const pinsPerConversation = 3;

const pins = (server: TestServer, id: string) => `${server.url}/v1/conversations/${id}/pins`;
const pin = (server: TestServer, as: TestUser, id: string, messageId: string) =>
  call(pins(server, id), { token: as.token, body: { messageId } });
const unpin = (server: TestServer, as: TestUser, id: string, messageId: string) =>
  call(`${pins(server, id)}/${messageId}`, { token: as.token, method: 'DELETE' });
const listPins = (server: TestServer, as: TestUser, id: string) =>
  call(pins(server, id), { token: as.token });

describeOnEachStore(
  'pinned messages',
  (server) => {
    it('pins and unpins idempotently, lists newest pin first, and everyone hears message.updated', async () => {
      const c = await castGroup(server());
      const [first, second] = [
        await say(server(), c.member, c.group, 'one'),
        await say(server(), c.member, c.group, 'two'),
      ];
      expect(first).toMatchObject({ pinnedAt: null, pinnedBy: null });
      const memberSocket = await connectRealtime(server().url, { token: c.member.token });
      try {
        const pinned = await pin(server(), c.admin, c.group, first.id);
        expect(pinned.status).toBe(200);
        expect(pinned.body).toMatchObject({
          id: first.id,
          pinnedBy: c.admin.id,
          pinnedAt: expect.any(String),
        });
        const { event } = await memberSocket.waitForEvent(
          (e: RealtimeEvent) => e.type === 'message.updated' && e.message.id === first.id,
        );
        expect(event).toMatchObject({ message: { pinnedBy: c.admin.id } });
        // Again: the same pin, no second event.
        const again = await pin(server(), c.owner, c.group, first.id);
        expect(again.body).toMatchObject({ pinnedBy: c.admin.id, pinnedAt: pinned.body.pinnedAt });
        await pin(server(), c.owner, c.group, second.id);
        const listed = await listPins(server(), c.member, c.group);
        expect(listed.status).toBe(200);
        expect(listed.body.items.map((m: { id: string }) => m.id)).toEqual([second.id, first.id]);
        expect(listed.body.items[0]).toMatchObject({ content: 'two', pinnedBy: c.owner.id });

        const unpinned = await unpin(server(), c.owner, c.group, first.id);
        expect(unpinned.status).toBe(200);
        expect(unpinned.body).toMatchObject({ pinnedAt: null, pinnedBy: null });
        expect((await unpin(server(), c.owner, c.group, first.id)).status).toBe(200);
        expect(
          (await listPins(server(), c.member, c.group)).body.items.map((m: { id: string }) => m.id),
        ).toEqual([second.id]);
        await memberSocket.waitForEvent(
          (e: RealtimeEvent) =>
            e.type === 'message.updated' && e.message.id === first.id && e.message.pinnedAt === null,
        );
        // Events reach a socket in the order published: the repeated pin would be between these two.
        const updates = memberSocket
          .events()
          .filter((frame) => frame.event.type === 'message.updated' && frame.event.message.id === first.id);
        expect(updates).toHaveLength(2);
      } finally {
        await memberSocket.close();
      }
    });

    it(`refuses a pin past ${pinsPerConversation} (409 conflict) and pins again once one is unpinned`, async () => {
      const c = await castGroup(server());
      const messages = [];
      for (let i = 0; i <= pinsPerConversation; i++)
        messages.push(await say(server(), c.owner, c.group, `m${i}`));
      for (const message of messages.slice(0, pinsPerConversation)) {
        expect((await pin(server(), c.owner, c.group, message.id)).status).toBe(200);
      }
      const tooMany = await pin(server(), c.owner, c.group, messages.at(-1)!.id);
      expect(tooMany.status).toBe(409);
      expect(tooMany.body.error.code).toBe('conflict');
      expect((await listPins(server(), c.owner, c.group)).body.items).toHaveLength(pinsPerConversation);
      await unpin(server(), c.owner, c.group, messages[0]!.id);
      expect((await pin(server(), c.owner, c.group, messages.at(-1)!.id)).status).toBe(200);
    });

    it('a deleted message cannot be pinned (404), and deleting a pinned message unpins it', async () => {
      const c = await castGroup(server());
      const [kept, gone] = [
        await say(server(), c.owner, c.group, 'kept'),
        await say(server(), c.owner, c.group, 'gone'),
      ];
      await pin(server(), c.owner, c.group, kept.id);
      expect((await listPins(server(), c.owner, c.group)).body.items).toHaveLength(1);
      const messageUrl = (id: string) => `${server().url}/v1/conversations/${c.group}/messages/${id}`;
      expect((await call(messageUrl(kept.id), { token: c.owner.token, method: 'DELETE' })).status).toBe(200);
      expect((await listPins(server(), c.owner, c.group)).body.items).toEqual([]);
      await call(messageUrl(gone.id), { token: c.owner.token, method: 'DELETE' });
      const deleted = await pin(server(), c.owner, c.group, gone.id);
      expect(deleted.status).toBe(404);
      expect((await pin(server(), c.owner, c.group, randomUUID())).status).toBe(404);
    });

    it('both members of a direct conversation pin; a group member may not', async () => {
      const [ada, bob] = await Promise.all([signUp(server().url, 'ada'), signUp(server().url, 'bob')]);
      const direct = await call(`${server().url}/v1/conversations`, {
        token: ada.token,
        body: { type: 'direct', participantIds: [bob.id] },
      });
      const message = await say(server(), ada, direct.body.id, 'hi');
      expect((await pin(server(), bob, direct.body.id, message.id)).status).toBe(200);
      expect((await unpin(server(), ada, direct.body.id, message.id)).status).toBe(200);
      const c = await castGroup(server());
      const inGroup = await say(server(), c.owner, c.group, 'group');
      const refused = await pin(server(), c.member, c.group, inGroup.id);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      await pin(server(), c.owner, c.group, inGroup.id);
      expect((await unpin(server(), c.member, c.group, inGroup.id)).status).toBe(403);
    });

    it('an outsider gets the 404 of a missing conversation on every pin route', async () => {
      const c = await castGroup(server());
      const message = await say(server(), c.owner, c.group, 'secret');
      await pin(server(), c.owner, c.group, message.id);
      const missing = randomUUID();
      const pairs = [
        [await listPins(server(), c.outsider, c.group), await listPins(server(), c.owner, missing)],
        [
          await pin(server(), c.outsider, c.group, message.id),
          await pin(server(), c.owner, missing, message.id),
        ],
        [
          await unpin(server(), c.outsider, c.group, message.id),
          await unpin(server(), c.owner, missing, message.id),
        ],
      ];
      for (const [outsider, absent] of pairs) {
        expect(outsider!.status).toBe(404);
        expect(outsider!.body.error).toMatchObject({
          code: absent!.body.error.code,
          message: absent!.body.error.message,
        });
      }
      // Still pinned: the outsider changed nothing.
      expect((await listPins(server(), c.owner, c.group)).body.items).toHaveLength(1);
    });
  },
  { limits: { pinsPerConversation } },
);
