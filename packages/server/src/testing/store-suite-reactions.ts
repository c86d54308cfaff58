/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import type { ReactionRecord, Store } from '../store/store.js';
import { newConversation, newMessage, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Reactions: stored with the message, kept by other writes, never lost to a racing writer. */
export function describeReactions(store: Store): void {
  describe('reactions', () => {
    it('starts a message with none, keeps what is written, and other writes keep them', async () => {
      const [alice, bob] = [userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      const { message } = (await store.appendMessage(newMessage(conversation.id, alice)))!;
      expect(message.reactions).toEqual([]);
      const reactions: ReactionRecord[] = [
        { emoji: '👍', userIds: [bob, alice] },
        { emoji: 'party_parrot', userIds: [alice] },
        { emoji: '👩🏽‍💻', userIds: [bob] },
      ];
      const reacted = await store.modifyMessage(conversation.id, message.id, () => ({ reactions }));
      expect(reacted?.reactions).toEqual(reactions);
      expect((await store.getMessage(conversation.id, message.id))?.reactions).toEqual(reactions);
      expect((await store.listMessages(conversation.id, { limit: 5 }))[0]?.reactions).toEqual(reactions);
      expect((await store.getConversation(conversation.id))?.lastMessage?.reactions).toEqual(reactions);
      expect((await store.listConversationsForUser(bob, 5))[0]?.lastMessage?.reactions).toEqual(reactions);
      // An edit (any patch without `reactions`) leaves them as they are.
      const edited = await store.updateMessage(conversation.id, message.id, { content: 'edited' });
      expect(edited?.reactions).toEqual(reactions);
      expect((await store.updateMessage(conversation.id, message.id, { reactions: [] }))?.reactions).toEqual(
        [],
      );
    });

    it('loses no reaction when many people react to one message at once', async () => {
      const people = Array.from({ length: 20 }, () => userId());
      const conversation = await store.createConversation(newConversation(people));
      const { message } = (await store.appendMessage(newMessage(conversation.id, people[0]!)))!;
      // Each writer adds itself to the group it reads: none may overwrite another.
      await Promise.all(
        people.map((person) =>
          store.modifyMessage(conversation.id, message.id, (current) => ({
            reactions: [{ emoji: '🎉', userIds: [...(current.reactions[0]?.userIds ?? []), person] }],
          })),
        ),
      );
      const stored = await store.getMessage(conversation.id, message.id);
      expect(stored?.reactions).toHaveLength(1);
      expect([...(stored?.reactions[0]?.userIds ?? [])].sort()).toEqual([...people].sort());
    });

    it('hands out copies of reactions', async () => {
      const alice = userId();
      const conversation = await store.createConversation(newConversation([alice]));
      const { message } = (await store.appendMessage(newMessage(conversation.id, alice)))!;
      const reacted = (await store.modifyMessage(conversation.id, message.id, () => ({
        reactions: [{ emoji: '👍', userIds: [alice] }],
      })))!;
      reacted.reactions[0]!.userIds.push('someone else');
      reacted.reactions.push({ emoji: '👎', userIds: [alice] });
      const read = (await store.getMessage(conversation.id, message.id))!;
      read.reactions[0]!.userIds.length = 0;
      expect((await store.getMessage(conversation.id, message.id))?.reactions).toEqual([
        { emoji: '👍', userIds: [alice] },
      ]);
    });
  });
}
