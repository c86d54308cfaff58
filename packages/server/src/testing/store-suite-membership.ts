/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { at, newConversation, newMessage, participant, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Membership: the hot path’s read of one participant’s view of a conversation. */
export function describeMembership(store: Store): void {
  describe('membership', () => {
    it('answers a participant with the conversation, their role and every id in joining order', async () => {
      const [owner, member, outsider] = [userId(), userId(), userId()];
      const created = await store.createConversation(
        newConversation([owner, member], {
          type: 'assistant',
          model: 'm1',
          systemPrompt: 'Be brief',
          participants: [{ ...participant(owner), role: 'owner' }, participant(member)],
        }),
      );
      const mine = await store.getMembership(created.id, owner);
      expect(mine).toEqual({
        id: created.id,
        type: 'assistant',
        title: 'Test',
        model: 'm1',
        systemPrompt: 'Be brief',
        role: 'owner',
        participantIds: [owner, member],
        assistant: null,
      });
      expect(await store.getMembership(created.id, member)).toEqual({ ...mine, role: 'member' });
      expect(await store.getMembership(created.id, outsider)).toBeNull();
      expect(await store.getMembership(randomUUID(), owner)).toBeNull();
      expect(await store.deleteConversation(created.id)).toBe(true);
      expect(await store.getMembership(created.id, owner)).toBeNull();
    });

    it('follows every change to the set of participants, and only those', async () => {
      const [owner, guest, late] = [userId(), userId(), userId()];
      const created = await store.createConversation(newConversation([owner, guest]));
      const first = (await store.getMembership(created.id, owner))!;
      // Messages, read markers, title changes and adding someone already in change no one's set.
      const { message } = (await store.appendMessage(newMessage(created.id, owner)))!;
      await store.markRead(created.id, guest, message.id);
      await store.updateConversation(created.id, { title: 'Renamed', updatedAt: at(5) });
      await store.addParticipants(created.id, [participant(guest)], at(6));
      const same = (await store.getMembership(created.id, owner))!;
      expect(same).toEqual({ ...first, title: 'Renamed' });

      await store.addParticipants(created.id, [participant(late)], at(7));
      const added = (await store.getMembership(created.id, guest))!;
      expect(added.participantIds).toEqual([owner, guest, late]);

      await store.removeParticipant(created.id, guest, at(8));
      expect(await store.getMembership(created.id, guest)).toBeNull();
      const removed = (await store.getMembership(created.id, late))!;
      expect(removed.participantIds).toEqual([owner, late]);
      expect((await store.getMembership(created.id, owner))?.participantIds).toEqual([owner, late]);
    });
  });
}
