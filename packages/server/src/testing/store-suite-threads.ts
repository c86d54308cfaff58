/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import type { Store } from '../store/store.js';
import { StoreParentError } from '../store/store.js';
import { at, newConversation, newMessage, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Threads: a reply's parent summary in the append's step, pages, read markers, the thread list. */
export function describeThreads(store: Store): void {
  describe('threads', () => {
    async function threadOf(replies: number) {
      const [alice, bob] = [userId(), userId()];
      const conversation = await store.createConversation(newConversation([alice, bob]));
      const { message: parent } = (await store.appendMessage(newMessage(conversation.id, alice)))!;
      const ids: string[] = [];
      for (let i = 0; i < replies; i += 1) {
        const reply = newMessage(conversation.id, i % 2 === 0 ? bob : alice, {
          parentId: parent.id,
          createdAt: at(10 + i),
        });
        ids.push((await store.appendMessage(reply))!.message.id);
      }
      return { conversation, parent, alice, bob, replyIds: ids };
    }

    it('counts a reply on its parent in the append, and old-shaped messages read with defaults', async () => {
      const { conversation, parent, alice, bob } = await threadOf(3);
      expect(parent.parentId).toBeNull();
      expect(parent.thread).toBeNull();
      expect(parent.alsoInConversation).toBe(false);
      expect(parent.quoted).toBeNull();
      const stored = await store.getMessage(conversation.id, parent.id);
      expect(stored?.thread).toEqual({ replyCount: 3, lastReplyAt: at(12), participantIds: [bob, alice] });
    });

    it('leaves thread-only replies out of the main list, keeps the also-in-conversation ones', async () => {
      const { conversation, parent, bob, replyIds } = await threadOf(3);
      const also = newMessage(conversation.id, bob, { parentId: parent.id, alsoInConversation: true });
      await store.appendMessage(also);
      const main = await store.listMessages(conversation.id, { limit: 10, mainList: true });
      expect(main.map((message) => message.id)).toEqual([parent.id, also.id]);
      const everything = await store.listMessages(conversation.id, { limit: 10 });
      expect(everything).toHaveLength(5);
      // A main page of one still finds the parent past the replies after it.
      const older = await store.listMessages(conversation.id, { limit: 1, mainList: true, beforeSeq: 5 });
      expect(older.map((message) => message.id)).toEqual([parent.id]);
      const replies = await store.listReplies(conversation.id, parent.id, { limit: 10 });
      expect(replies.map((reply) => reply.id)).toEqual([...replyIds, also.id]);
    });

    it('pages replies by seq', async () => {
      const { conversation, parent, replyIds } = await threadOf(5);
      const newest = await store.listReplies(conversation.id, parent.id, { limit: 2 });
      expect(newest.map((reply) => reply.id)).toEqual(replyIds.slice(3));
      const older = await store.listReplies(conversation.id, parent.id, {
        limit: 2,
        beforeSeq: newest[0]!.seq,
      });
      expect(older.map((reply) => reply.id)).toEqual(replyIds.slice(1, 3));
      expect(await store.listReplies(conversation.id, replyIds[0]!, { limit: 2 })).toEqual([]);
    });

    it('refuses a parent that is deleted, a reply, or missing, appending nothing', async () => {
      const { conversation, parent, alice, replyIds } = await threadOf(1);
      const toReply = newMessage(conversation.id, alice, { parentId: replyIds[0]! });
      await expect(store.appendMessage(toReply)).rejects.toBeInstanceOf(StoreParentError);
      const toMissing = newMessage(conversation.id, alice, { parentId: crypto.randomUUID() });
      await expect(store.appendMessage(toMissing)).rejects.toBeInstanceOf(StoreParentError);
      await store.updateMessage(conversation.id, parent.id, { status: 'deleted' });
      const toDeleted = newMessage(conversation.id, alice, { parentId: parent.id });
      await expect(store.appendMessage(toDeleted)).rejects.toBeInstanceOf(StoreParentError);
      expect(await store.listMessages(conversation.id, { limit: 10 })).toHaveLength(2);
    });

    it('takes a deleted reply out of the count once', async () => {
      const { conversation, parent, replyIds } = await threadOf(2);
      await store.updateMessage(conversation.id, replyIds[0]!, { status: 'deleted' });
      await store.updateMessage(conversation.id, replyIds[0]!, { status: 'deleted' });
      expect((await store.getMessage(conversation.id, parent.id))?.thread?.replyCount).toBe(1);
    });

    it('keeps thread read markers per person and lists the threads they take part in', async () => {
      const { conversation, parent, alice, bob, replyIds } = await threadOf(3);
      // Bob wrote replies 1 and 3: his marker is at his last; alice (the starter) wrote reply 2.
      let [aliceThread] = await store.listThreadsOf(conversation.id, alice, 10);
      expect(aliceThread?.parent.id).toBe(parent.id);
      expect(aliceThread?.unreadCount).toBe(1);
      expect((await store.listThreadsOf(conversation.id, bob, 10))[0]?.unreadCount).toBe(0);
      expect(await store.markThreadRead(conversation.id, parent.id, alice, replyIds[2]!)).toEqual({
        moved: true,
      });
      expect(await store.markThreadRead(conversation.id, parent.id, alice, replyIds[0]!)).toEqual({
        moved: false,
      });
      [aliceThread] = await store.listThreadsOf(conversation.id, alice, 10);
      expect(aliceThread?.unreadCount).toBe(0);
      expect(aliceThread?.lastReplyAt).toBe(at(12));
      // Not of this thread, or no such parent: null.
      const other = (await store.appendMessage(newMessage(conversation.id, alice)))!.message;
      expect(await store.markThreadRead(conversation.id, parent.id, alice, other.id)).toBeNull();
      expect(await store.markThreadRead(conversation.id, replyIds[0]!, alice, replyIds[1]!)).toBeNull();
      // Someone who never took part lists nothing.
      expect(await store.listThreadsOf(conversation.id, userId(), 10)).toEqual([]);
    });

    it('lists threads newest reply first, up to the limit', async () => {
      const alice = userId();
      const conversation = await store.createConversation(newConversation([alice, userId()]));
      const first = (await store.appendMessage(newMessage(conversation.id, alice)))!.message;
      const second = (await store.appendMessage(newMessage(conversation.id, alice)))!.message;
      await store.appendMessage(
        newMessage(conversation.id, alice, { parentId: second.id, createdAt: at(20) }),
      );
      await store.appendMessage(
        newMessage(conversation.id, alice, { parentId: first.id, createdAt: at(30) }),
      );
      const listed = await store.listThreadsOf(conversation.id, alice, 10);
      expect(listed.map((thread) => thread.parent.id)).toEqual([first.id, second.id]);
      expect(await store.listThreadsOf(conversation.id, alice, 1)).toHaveLength(1);
    });

    it('keeps a quote snapshot as appended', async () => {
      const alice = userId();
      const conversation = await store.createConversation(newConversation([alice, userId()]));
      const quoted = { messageId: crypto.randomUUID(), senderId: alice, content: 'hi', createdAt: at(1) };
      const { message } = (await store.appendMessage(newMessage(conversation.id, alice, { quoted })))!;
      expect(message.quoted).toEqual(quoted);
      expect((await store.getMessage(conversation.id, message.id))?.quoted).toEqual(quoted);
    });
  });
}
