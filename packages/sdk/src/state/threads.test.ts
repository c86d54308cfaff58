/**
 * Threads in the store over a fake client: a thread's replies are kept apart from the main list,
 * live replies go to their thread (and to the main list only when sent to both), the parent's
 * summary follows its `message.updated`, a sent reply shows in its thread, and marking the thread
 * read sends the newest reply with the thread's id.
 */
import { describe, expect, it, vi } from 'vitest';
import { fixtureConversation, fixtureMessage } from '../client/fake-fetch.test-support.js';
import type { RealtimeEvent } from '../contracts/events.js';
import type { Message } from '../contracts/resources.js';
import type { ChatwireClient } from '../create-client.js';
import type { RealtimeConnection } from '../realtime/types.js';
import { createChatStore } from './create-chat-store.js';

const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const [ada, grace] = [id(1), id(2)];
const me = {
  id: ada,
  email: 'ada@example.com',
  displayName: 'Ada',
  avatarUrl: null,
  statusText: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const conversation = fixtureConversation({ id: id(10), type: 'group', model: null });
const parent = fixtureMessage({
  id: id(20),
  conversationId: conversation.id,
  senderId: ada,
  content: 'Lunch?',
});
const reply = (n: number, fields: Partial<Message> = {}) =>
  fixtureMessage({
    id: id(30 + n),
    conversationId: conversation.id,
    senderId: grace,
    content: `reply ${n}`,
    parentId: parent.id,
    createdAt: `2026-01-01T00:0${n}:00.000Z`,
    ...fields,
  });
const page = <T>(items: T[]) => ({ items, nextCursor: null, hasNextPage: () => false });

async function signedInStore() {
  let onEvent: ((event: RealtimeEvent, seq: number) => void) | undefined;
  const connection = {
    status: 'open',
    on: (type: string, listener: never) => {
      if (type === 'event') onEvent = listener;
      return () => {};
    },
    close: vi.fn(),
    markRead: vi.fn(),
  };
  const markRead = vi.fn(async () => {});
  const send = vi.fn(async (_id: string, body: { content: string }) => ({
    message: reply(5, { content: body.content, senderId: ada, alsoInConversation: true }),
    reply: null,
  }));
  const client = {
    auth: {
      getTokens: async () => ({ accessToken: 'a', refreshToken: 'r', tokenType: 'bearer', expiresIn: 60 }),
      me: async () => me,
      onChange: () => () => {},
    },
    conversations: { list: () => Promise.resolve(page([conversation])), markRead },
    messages: {
      list: () => Promise.resolve(page([parent])),
      replies: () => Promise.resolve(page([reply(1)])),
      send,
    },
    realtime: () => connection as unknown as RealtimeConnection,
  } as unknown as ChatwireClient;
  const store = createChatStore(client, { throttleMs: 0 });
  store.start();
  await vi.waitFor(() => expect(store.getState().auth.status).toBe('signed-in'));
  await store.loadMessages(conversation.id);
  const emit = (event: RealtimeEvent) => onEvent?.(event, 1);
  const main = () => store.getState().messages[conversation.id]?.items.map((message) => message.content);
  const thread = () => store.getState().threads[parent.id]?.items.map((message) => message.content);
  return { store, emit, main, thread, markRead, send, connection };
}

describe('store threads', () => {
  it('keeps replies in their thread; a live reply goes there, and to the main list only when sent to both', async () => {
    const { store, emit, main, thread } = await signedInStore();
    await store.loadThread(conversation.id, parent.id);
    expect(thread()).toEqual(['reply 1']);
    emit({ type: 'message.created', conversationId: conversation.id, message: reply(2) });
    emit({
      type: 'message.created',
      conversationId: conversation.id,
      message: reply(3, { alsoInConversation: true }),
    });
    expect(thread()).toEqual(['reply 1', 'reply 2', 'reply 3']);
    expect(main()).toEqual(['Lunch?', 'reply 3']);
    // The parent's summary, from its `message.updated`.
    const summary = { replyCount: 3, lastReplyAt: reply(3).createdAt, participantIds: [grace] };
    emit({
      type: 'message.updated',
      conversationId: conversation.id,
      message: { ...parent, thread: summary },
    });
    expect(store.getState().messages[conversation.id]?.items[0]?.thread).toEqual(summary);
    // A reply deleted: in its thread too.
    emit({
      type: 'message.deleted',
      conversationId: conversation.id,
      message: reply(2, { status: 'deleted', content: '' }),
    });
    expect(thread()).toEqual(['reply 1', '', 'reply 3']);
  });

  it('an assistant’s answer in a thread streams into the thread, not the main list', async () => {
    const { store, emit, main, thread } = await signedInStore();
    await store.loadThread(conversation.id, parent.id);
    const base = { conversationId: conversation.id, messageId: id(40) } as const;
    emit({ type: 'message.started', ...base, model: 'echo', parentId: parent.id });
    emit({ type: 'message.part', ...base, index: 0, part: { type: 'text', text: '' } });
    emit({ type: 'message.delta', ...base, part: 0, offset: 0, delta: 'On it' });
    expect(main()).toEqual(['Lunch?']);
    expect(thread()).toEqual(['reply 1', 'On it']);
    const answer = fixtureMessage({
      id: id(40),
      conversationId: conversation.id,
      senderId: null,
      role: 'assistant',
      content: 'On it!',
      parentId: parent.id,
      createdAt: '2026-01-01T00:09:00.000Z',
    });
    emit({ type: 'message.completed', conversationId: conversation.id, message: answer });
    expect(main()).toEqual(['Lunch?']);
    expect(thread()).toEqual(['reply 1', 'On it!']);
    expect(store.getState().threads[parent.id]?.items.at(-1)?.status).toBe('complete');
  });

  it('a reply to a thread not loaded stays out of the main list; reading the conversation reads past it', async () => {
    const { store, emit, main, thread, connection } = await signedInStore();
    store.putConversation({ ...conversation, lastMessage: parent });
    emit({ type: 'message.created', conversationId: conversation.id, message: reply(2) });
    expect(main()).toEqual(['Lunch?']);
    expect(thread()).toBeUndefined();
    store.markRead(conversation.id);
    expect(connection.markRead).toHaveBeenCalledWith(conversation.id, reply(2).id);
  });

  it('sends a reply with its parent, shows it in the thread, and marks the thread read at the newest', async () => {
    const { store, main, thread, send, markRead } = await signedInStore();
    await store.loadThread(conversation.id, parent.id);
    await store.sendReply(conversation.id, parent.id, 'count me in', { alsoInConversation: true });
    expect(send).toHaveBeenCalledWith(conversation.id, {
      content: 'count me in',
      parentId: parent.id,
      alsoInConversation: true,
    });
    expect(thread()).toEqual(['reply 1', 'count me in']);
    expect(main()).toEqual(['Lunch?', 'count me in']);
    store.markThreadRead(conversation.id, parent.id);
    expect(markRead).toHaveBeenCalledWith(conversation.id, { messageId: reply(5).id, threadId: parent.id });
  });
});
