/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import type { Store } from '../store/store.js';
import { at, newConversation, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/**
 * A conversation's assistant member: stored at creation, set and removed by an update, read with
 * the membership, and — when people are invited into an assistant conversation — the type and the
 * assistant changed with the participants in one write.
 */
export function describeAssistantMembers(store: Store): void {
  describe('assistant members', () => {
    const member = { model: 'fast', respondTo: 'mentions' as const };

    it('stores it at creation, reads it everywhere, and an update sets or removes it', async () => {
      const [alice, bob] = [userId(), userId()];
      const plain = await store.createConversation(newConversation([alice, bob]));
      expect(plain.assistant).toBeNull();
      expect((await store.getMembership(plain.id, alice))?.assistant).toBeNull();

      const created = await store.createConversation(newConversation([alice, bob], { assistant: member }));
      expect(created.assistant).toEqual(member);
      expect((await store.getConversation(created.id))?.assistant).toEqual(member);
      expect((await store.getMembership(created.id, bob))?.assistant).toEqual(member);
      const listed = await store.listConversationsForUser(alice, 10);
      expect(listed.find((c) => c.id === created.id)?.assistant).toEqual(member);

      const every = { model: 'smart', respondTo: 'every_message' as const };
      expect(
        (await store.updateConversation(plain.id, { assistant: every, updatedAt: at(5) }))?.assistant,
      ).toEqual(every);
      expect((await store.getMembership(plain.id, bob))?.assistant).toEqual(every);
      // A patch without it leaves it.
      expect((await store.updateConversation(plain.id, { title: 'x', updatedAt: at(6) }))?.assistant).toEqual(
        every,
      );
      expect(
        (await store.updateConversation(plain.id, { assistant: null, updatedAt: at(7) }))?.assistant,
      ).toBeNull();
      expect((await store.getConversation(plain.id))?.assistant).toBeNull();
    });

    it('an assistant conversation becomes a group with its assistant as people join, in one write', async () => {
      const [alice, bob] = [userId(), userId()];
      const chat = await store.createConversation(
        newConversation([alice], { type: 'assistant', model: 'fast' }),
      );
      const becomes = {
        type: 'group' as const,
        assistant: { model: 'fast', respondTo: 'every_message' as const },
      };
      const joined = await store.addParticipants(
        chat.id,
        [{ userId: bob, role: 'member', joinedAt: at(3), readCount: 0, lastReadMessageId: null }],
        at(3),
        becomes,
      );
      expect(joined).toMatchObject({ type: 'group', assistant: becomes.assistant });
      expect(joined?.participants.map((p) => p.userId)).toEqual([alice, bob]);
      expect(await store.getMembership(chat.id, bob)).toMatchObject({
        type: 'group',
        assistant: becomes.assistant,
      });
      expect((await store.getConversation(chat.id))?.type).toBe('group');
    });
  });
}
