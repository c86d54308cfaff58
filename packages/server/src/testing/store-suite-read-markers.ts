/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { appendMany, at, newConversation, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Read markers: forward only, moved by sends, unread bookkeeping. */
export function describeReadMarkers(store: Store): void {
  describe('read markers', () => {
    it('moves a marker forward only', async () => {
      const [alice, bob] = [userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      const sent = await appendMany(store, conversation.id, alice, 5);
      const marker = async () =>
        (await store.getConversation(conversation.id))?.participants.find((p) => p.userId === bob);

      expect(await store.markRead(conversation.id, bob, sent[3]!.id)).toEqual({ moved: true });
      expect(await marker()).toMatchObject({ readCount: 4, lastReadMessageId: sent[3]!.id });
      expect(await store.markRead(conversation.id, bob, sent[1]!.id)).toEqual({ moved: false });
      expect(await store.markRead(conversation.id, bob, sent[3]!.id)).toEqual({ moved: false });
      expect(await marker()).toMatchObject({ readCount: 4, lastReadMessageId: sent[3]!.id });
      expect(await store.markRead(conversation.id, bob, sent[4]!.id)).toEqual({ moved: true });
    });

    it('returns null for an unknown conversation, participant or message', async () => {
      const [alice, bob] = [userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice]));
      const [message] = await appendMany(store, conversation.id, alice, 1);
      expect(await store.markRead(randomUUID(), alice, message!.id)).toBeNull();
      expect(await store.markRead(conversation.id, bob, message!.id)).toBeNull();
      expect(await store.markRead(conversation.id, alice, randomUUID())).toBeNull();
    });

    it('moves each sender to their own newest message, never back past what they read', async () => {
      const [alice, bob, carol] = [userId(), userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob, carol]));
      const fromAlice = await appendMany(store, conversation.id, alice, 4);
      // Bob reads ahead of anything he sent; his own later message moves him further.
      expect(await store.markRead(conversation.id, bob, fromAlice[3]!.id)).toEqual({ moved: true });
      const [fromBob] = await appendMany(store, conversation.id, bob, 1);
      await store.updateConversation(conversation.id, { title: 'renamed', updatedAt: at(7) });
      const [alicesLast] = await appendMany(store, conversation.id, alice, 1);
      // An older message read later moves nobody back.
      expect(await store.markRead(conversation.id, alice, fromAlice[0]!.id)).toEqual({ moved: false });
      expect(await store.markRead(conversation.id, bob, fromAlice[1]!.id)).toEqual({ moved: false });

      const after = (await store.getConversation(conversation.id))!;
      expect(after).toMatchObject({ title: 'renamed', messageCount: 6, lastMessage: alicesLast });
      const marker = (id: string) => after.participants.find((p) => p.userId === id)!;
      expect(marker(alice)).toMatchObject({ readCount: 6, lastReadMessageId: alicesLast!.id });
      expect(marker(bob)).toMatchObject({ readCount: 5, lastReadMessageId: fromBob!.id });
      expect(marker(carol)).toMatchObject({ readCount: 0, lastReadMessageId: null });
    });

    it('keeps unread bookkeeping: others read up to a point, the sender is always caught up', async () => {
      const [alice, bob] = [userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      const sent = await appendMany(store, conversation.id, alice, 3);
      await store.markRead(conversation.id, bob, sent[1]!.id);
      await appendMany(store, conversation.id, alice, 2);
      const after = (await store.getConversation(conversation.id))!;
      const unread = (id: string) =>
        after.messageCount - after.participants.find((p) => p.userId === id)!.readCount;
      expect([unread(alice), unread(bob)]).toEqual([0, 3]);
    });
  });
}
