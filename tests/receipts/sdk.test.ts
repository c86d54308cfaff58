/**
 * The SDK over a real server, on each store: the chat store's presence seeded from `ready` (no
 * event needed), read events moving others' markers so `readReceipts(…).seenBy` is right, the
 * unread mention count kept live, and `messages.list({ mentions: 'me' })`.
 */
import { type ChatStore, type ChatwireClient, createChatStore, readReceipts } from '@chatwire/sdk';
import { afterEach, expect, it, vi } from 'vitest';
import { signUp } from '../support/clients.js';
import { describeOnEachStore } from '../support/stores.js';

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

async function storeOf(client: ChatwireClient): Promise<ChatStore> {
  // The SDK opens its own `ws` socket on Node.
  const store = createChatStore(client, { throttleMs: 0 });
  stops.push(store.start());
  await vi.waitFor(() => expect(store.getState().realtime).toBe('open'));
  return store;
}

describeOnEachStore('receipts and mentions in the SDK store', (server) => {
  it('seeds presence from ready, shows who has seen a message, counts a mention until read', async () => {
    const [ada, bob] = await Promise.all([signUp(server().url, 'ada'), signUp(server().url, 'bob')]);
    const chat = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    // Bob is online before Ada's store connects: no presence event will tell it, only the snapshot.
    const bobLive = bob.client.realtime();
    stops.push(() => bobLive.close());
    await vi.waitFor(() => expect(bobLive.status).toBe('open'));
    const store = await storeOf(ada.client);
    await vi.waitFor(() => expect(store.getState().presence[bob.user.id]).toBe(true));

    await store.loadConversations();
    await store.loadMessages(chat.id);
    const { message } = await ada.client.messages.send(chat.id, { content: 'seen?' });
    await vi.waitFor(() => expect(store.getState().messages[chat.id]?.items.at(-1)?.id).toBe(message.id));
    await bob.client.conversations.markRead(chat.id, { messageId: message.id });
    await vi.waitFor(() => {
      const state = store.getState();
      const receipts = readReceipts(
        state.conversations[chat.id],
        state.messages[chat.id]?.items ?? [],
        ada.user.id,
      );
      expect(receipts.seenBy(message.id)).toEqual([bob.user.id]);
    });

    const mention = await bob.client.messages.send(chat.id, { content: `@${ada.user.displayName} look` });
    expect(mention.message.mentions).toEqual([ada.user.id]);
    await vi.waitFor(() => expect(store.getState().conversations[chat.id]?.unreadMentionCount).toBe(1));
    const page = await ada.client.messages.list(chat.id, { mentions: 'me' });
    expect(page.items.map((m) => m.id)).toEqual([mention.message.id]);
    store.markRead(chat.id);
    expect(store.getState().conversations[chat.id]?.unreadMentionCount).toBe(0);
    await vi.waitFor(async () =>
      expect((await ada.client.conversations.get(chat.id)).unreadMentionCount).toBe(0),
    );
  });
});
