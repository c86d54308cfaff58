/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import type { Store } from '../store/store.js';
import { appendMany, at, newConversation, newMessage, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Pins: stored with the message, listed newest first, limited atomically, gone with a delete. */
export function describePins(store: Store): void {
  describe('pins', () => {
    it('starts unpinned, pins and unpins once each, and reads the pin back everywhere', async () => {
      const [alice, bob] = [userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      const { message } = (await store.appendMessage(newMessage(conversation.id, alice)))!;
      expect(message).toMatchObject({ pinnedAt: null, pinnedBy: null });
      const pinned = await store.setPin(conversation.id, message.id, { by: bob, at: at(5) }, 5);
      expect(pinned).toMatchObject({ outcome: 'changed', message: { pinnedAt: at(5), pinnedBy: bob } });
      expect(await store.setPin(conversation.id, message.id, { by: alice, at: at(6) }, 5)).toMatchObject({
        outcome: 'unchanged',
        message: { pinnedAt: at(5), pinnedBy: bob },
      });
      expect(await store.getMessage(conversation.id, message.id)).toMatchObject({
        pinnedAt: at(5),
        pinnedBy: bob,
      });
      expect((await store.getConversation(conversation.id))?.lastMessage).toMatchObject({ pinnedBy: bob });
      // Another write (an edit) keeps the pin.
      expect(await store.updateMessage(conversation.id, message.id, { content: 'edited' })).toMatchObject({
        pinnedBy: bob,
      });
      expect(await store.setPin(conversation.id, message.id, null, 5)).toMatchObject({
        outcome: 'changed',
        message: { pinnedAt: null, pinnedBy: null },
      });
      expect((await store.setPin(conversation.id, message.id, null, 5))?.outcome).toBe('unchanged');
      expect(await store.listPinnedMessages(conversation.id)).toEqual([]);
    });

    it('lists pins newest first, across the whole conversation', async () => {
      const alice = userId();
      const conversation = await store.createConversation(newConversation([alice]));
      const messages = await appendMany(store, conversation.id, alice, 8);
      await store.setPin(conversation.id, messages[6]!.id, { by: alice, at: at(10) }, 50);
      await store.setPin(conversation.id, messages[0]!.id, { by: alice, at: at(30) }, 50);
      await store.setPin(conversation.id, messages[3]!.id, { by: alice, at: at(20) }, 50);
      const listed = await store.listPinnedMessages(conversation.id);
      expect(listed.map((m) => m.id)).toEqual([messages[0]!.id, messages[3]!.id, messages[6]!.id]);
      expect(await store.listPinnedMessages(userId())).toEqual([]);
    });

    it('refuses a pin past maxPins, also when many race for the last place', async () => {
      const alice = userId();
      const conversation = await store.createConversation(newConversation([alice]));
      const messages = await appendMany(store, conversation.id, alice, 6);
      await store.setPin(conversation.id, messages[0]!.id, { by: alice, at: at(1) }, 3);
      const results = await Promise.all(
        messages.slice(1).map((m, i) => store.setPin(conversation.id, m.id, { by: alice, at: at(2 + i) }, 3)),
      );
      expect(results.filter((r) => r?.outcome === 'changed')).toHaveLength(2);
      expect(results.filter((r) => r?.outcome === 'full')).toHaveLength(3);
      expect(await store.listPinnedMessages(conversation.id)).toHaveLength(3);
      // Re-pinning a pinned one at the limit is no new pin.
      expect(
        (await store.setPin(conversation.id, messages[0]!.id, { by: alice, at: at(9) }, 3))?.outcome,
      ).toBe('unchanged');
    });

    it('does not pin a missing or deleted message, and a delete (pinnedAt: null) unpins', async () => {
      const alice = userId();
      const conversation = await store.createConversation(newConversation([alice]));
      const [kept, gone] = await appendMany(store, conversation.id, alice, 2);
      expect(await store.setPin(conversation.id, userId(), { by: alice, at: at(1) }, 5)).toBeNull();
      expect(await store.setPin(userId(), kept!.id, { by: alice, at: at(1) }, 5)).toBeNull();
      await store.setPin(conversation.id, kept!.id, { by: alice, at: at(1) }, 5);
      await store.updateMessage(conversation.id, kept!.id, {
        status: 'deleted',
        pinnedAt: null,
        pinnedBy: null,
      });
      expect(await store.listPinnedMessages(conversation.id)).toEqual([]);
      await store.updateMessage(conversation.id, gone!.id, { status: 'deleted' });
      expect(await store.setPin(conversation.id, gone!.id, { by: alice, at: at(2) }, 5)).toBeNull();
    });
  });
}
