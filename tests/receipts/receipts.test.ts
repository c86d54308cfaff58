/**
 * Read receipts and the presence snapshot on a real server, on each store: every participant's
 * read marker on the conversation (`Participant.lastReadMessageId`), `read` events to every
 * participant (REST and WS reads alike) — only to the reader past READ_RECEIPTS_MAX_CONVERSATION_SIZE
 * — and `ready.presence`, capped by READY_PRESENCE_MAX.
 */
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { connectRealtime, type TestServer, type TestSocket } from '@chatwire/server/testing';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { conversationOf, group, markRead, type Person, person, send } from '../mentions/support.js';
import { describeOnEachStore } from '../support/stores.js';

const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await socket.close();
});

async function socketOf(server: TestServer, who: Person): Promise<TestSocket> {
  const socket = await connectRealtime(server.url, { token: who.token });
  sockets.push(socket);
  return socket;
}

const readBy = (userId: string, messageId: string) => (event: RealtimeEvent) =>
  event.type === 'read' && event.userId === userId && event.messageId === messageId;

const presenceOf = (socket: TestSocket): string[] => {
  const ready = socket.frames.find((frame) => frame.type === 'ready');
  return ready?.type === 'ready' ? ready.presence : [];
};

describeOnEachStore(
  'read receipts',
  (server) => {
    let ada: Person;
    let bob: Person;
    let cy: Person;
    let eve: Person;
    let pair: string;
    let trio: string;

    beforeAll(async () => {
      [ada, bob, cy, eve] = await Promise.all(['ada', 'bob', 'cy', 'eve'].map((n) => person(server(), n)));
      pair = await group(server(), ada, [bob]);
      trio = await group(server(), ada, [bob, cy]);
    });

    it("shows every participant's read marker on the conversation", async () => {
      const message = await send(server(), ada, pair, 'seen?');
      await markRead(server(), bob, pair, message.id);
      const seen = await conversationOf(server(), ada, pair);
      expect(seen.participants).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ userId: bob.id, lastReadMessageId: message.id }),
          expect.objectContaining({ userId: ada.id, lastReadMessageId: message.id }),
        ]),
      );
    });

    it('tells the other participant of a read, over REST and over the socket', async () => {
      const adaSocket = await socketOf(server(), ada);
      const bobSocket = await socketOf(server(), bob);
      const first = await send(server(), ada, pair, 'one');
      await markRead(server(), bob, pair, first.id);
      const { event } = await adaSocket.waitForEvent(readBy(bob.id, first.id));
      expect(event).toEqual({ type: 'read', conversationId: pair, userId: bob.id, messageId: first.id });
      const second = await send(server(), ada, pair, 'two');
      bobSocket.send({ type: 'read', conversationId: pair, messageId: second.id });
      await adaSocket.waitForEvent(readBy(bob.id, second.id));
    });

    it('tells only the reader past the size limit', async () => {
      const adaSocket = await socketOf(server(), ada);
      const bobSocket = await socketOf(server(), bob);
      const message = await send(server(), ada, trio, 'big group');
      await markRead(server(), bob, trio, message.id);
      await bobSocket.waitForEvent(readBy(bob.id, message.id));
      // A later event to Ada: had the read gone to her, it would have come before it.
      const later = await send(server(), bob, trio, 'after');
      await adaSocket.waitForEvent((e) => e.type === 'message.created' && e.message.id === later.id);
      expect(adaSocket.events().some((frame) => readBy(bob.id, message.id)(frame.event))).toBe(false);
    });

    it('snapshots who among my contacts is online in ready, capped, never strangers', async () => {
      const watcher = await socketOf(server(), ada);
      await socketOf(server(), eve);
      await socketOf(server(), bob);
      await watcher.waitForEvent((e) => e.type === 'presence' && e.userId === bob.id && e.online);
      const fresh = await socketOf(server(), ada);
      expect(presenceOf(fresh)).toEqual([bob.id]);
      await socketOf(server(), cy);
      await watcher.waitForEvent((e) => e.type === 'presence' && e.userId === cy.id && e.online);
      const capped = await socketOf(server(), ada);
      // Two contacts online, a cap of one.
      expect(presenceOf(capped)).toHaveLength(1);
      expect([bob.id, cy.id]).toContain(presenceOf(capped)[0]);
      // Eve shares no conversation with Ada: she is in nobody's snapshot of Ada's.
      expect(presenceOf(capped)).not.toContain(eve.id);
    });
  },
  { limits: { readReceiptsMaxConversationSize: 2 }, realtime: { readyPresenceMax: 1, presenceGraceMs: 0 } },
);
