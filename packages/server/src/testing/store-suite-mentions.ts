/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import type { ConversationRecord, Store } from '../store/store.js';
import { newConversation, newMessage, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** `userId`'s unread mentions in `conversation`, as the views count them. */
function unreadMentionsOf(conversation: ConversationRecord | null | undefined, userId: string): number {
  const participant = conversation?.participants.find((p) => p.userId === userId);
  if (!participant) return -1;
  return (participant.mentionSeqs ?? []).filter((seq) => seq > participant.readCount).length;
}

/** Mentions: stored with the message, counted per participant after their marker, paged by seq. */
export function describeMentions(store: Store): void {
  describe('mentions', () => {
    it('stores whom a message mentions, and counts it for them until they read past it', async () => {
      const [alice, bob, carol] = [userId(), userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob, carol]));
      const plain = (await store.appendMessage(newMessage(conversation.id, alice)))!.message;
      expect(plain.mentions).toEqual([]);
      const mention = (await store.appendMessage(
        newMessage(conversation.id, alice, { content: '@bob @carol', mentions: [bob, carol] }),
      ))!.message;
      await store.appendMessage(newMessage(conversation.id, carol, { content: '@bob', mentions: [bob] }));
      expect(mention.mentions).toEqual([bob, carol]);
      expect((await store.getMessage(conversation.id, mention.id))?.mentions).toEqual([bob, carol]);
      expect((await store.listMessages(conversation.id, { limit: 5 }))[1]?.mentions).toEqual([bob, carol]);
      expect((await store.getConversation(conversation.id))?.lastMessage?.mentions).toEqual([bob]);

      let read = await store.getConversation(conversation.id);
      expect(unreadMentionsOf(read, bob)).toBe(2);
      // Carol sent the last message (her marker moved past the mention of her).
      expect(unreadMentionsOf(read, carol)).toBe(0);
      expect(unreadMentionsOf(read, alice)).toBe(0);
      const listed = await store.listConversationsForUser(bob, 5);
      expect(unreadMentionsOf(listed[0], bob)).toBe(2);

      await store.markRead(conversation.id, bob, mention.id);
      read = await store.getConversation(conversation.id);
      expect(unreadMentionsOf(read, bob)).toBe(1);
    });

    it('never counts a mention of the sender', async () => {
      const [alice, bob] = [userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      await store.appendMessage(newMessage(conversation.id, bob, { content: 'hi' }));
      await store.appendMessage(newMessage(conversation.id, alice, { mentions: [alice] }));
      expect((await store.listMentioning(conversation.id, alice, { limit: 5 })).length).toBe(0);
    });

    it('follows an edit that changes whom a message mentions, and a delete that clears them', async () => {
      const [alice, bob, carol] = [userId(), userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob, carol]));
      const { message } = (await store.appendMessage(
        newMessage(conversation.id, alice, { mentions: [bob] }),
      ))!;
      await store.appendMessage(newMessage(conversation.id, alice));
      const edited = await store.updateMessage(conversation.id, message.id, { mentions: [carol] });
      expect(edited?.mentions).toEqual([carol]);
      let read = await store.getConversation(conversation.id);
      expect(unreadMentionsOf(read, bob)).toBe(0);
      expect(unreadMentionsOf(read, carol)).toBe(1);
      expect((await store.listMentioning(conversation.id, bob, { limit: 5 })).length).toBe(0);
      expect((await store.listMentioning(conversation.id, carol, { limit: 5 })).map((m) => m.id)).toEqual([
        message.id,
      ]);
      // Other writes leave them.
      expect((await store.updateMessage(conversation.id, message.id, { content: 'x' }))?.mentions).toEqual([
        carol,
      ]);
      await store.updateMessage(conversation.id, message.id, { status: 'deleted', mentions: [] });
      read = await store.getConversation(conversation.id);
      expect(unreadMentionsOf(read, carol)).toBe(0);
      expect(await store.listMentioning(conversation.id, carol, { limit: 5 })).toEqual([]);
    });

    it('pages the messages that mention a person by seq, like a plain page', async () => {
      const [alice, bob] = [userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      const mentioning: string[] = [];
      for (let i = 0; i < 10; i++) {
        const { message } = (await store.appendMessage(
          newMessage(conversation.id, alice, i % 2 === 0 ? { mentions: [bob] } : {}),
        ))!;
        if (i % 2 === 0) mentioning.push(message.id);
      }
      const ids = async (query: Parameters<Store['listMessages']>[1]) =>
        (await store.listMentioning(conversation.id, bob, query)).map((m) => m.id);
      // seqs 1, 3, 5, 7, 9
      expect(await ids({ limit: 2 })).toEqual(mentioning.slice(3));
      expect(await ids({ limit: 2, beforeSeq: 7 })).toEqual(mentioning.slice(1, 3));
      expect(await ids({ limit: 2, afterSeq: 1 })).toEqual(mentioning.slice(1, 3));
      expect(await ids({ limit: 10, afterSeq: 2, beforeSeq: 9 })).toEqual(mentioning.slice(1, 4));
      expect(await ids({ limit: 5, afterSeq: 9 })).toEqual([]);
      expect(await store.listMentioning(conversation.id, alice, { limit: 5 })).toEqual([]);
    });
  });
}
