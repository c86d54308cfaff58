// @vitest-environment happy-dom
/**
 * Two people, each with their own client and provider, against a real server: the conversation
 * list, messages, unread counts, reactions, typing and presence stay live; a dropped socket loses nothing.
 */
import { createClient } from '@chatwire/sdk';
import { newAccount } from '@chatwire/server/testing';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderFor, signUp, startServer, type TestServer } from './server.test-support.js';
import { useAuth } from './use-auth.js';
import { useChat } from './use-chat.js';
import { useConversations } from './use-conversations.js';
import { usePresence } from './use-presence.js';
import { useRealtimeStatus } from './use-realtime-status.js';
import { useTyping } from './use-typing.js';
import { useUsers } from './use-users.js';

afterEach(cleanup);

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ realtime: { presenceGraceMs: 30 } });
});
afterAll(() => server.close());

describe('between two people', () => {
  it('new conversations, messages and unread counts arrive live', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const adaList = renderFor(ada, () => ({ list: useConversations(), live: useRealtimeStatus() }));
    await waitFor(() => expect(adaList.result.current.list.status).toBe('ready'));
    await waitFor(() => expect(adaList.result.current.live).toBe('open'));
    expect(adaList.result.current.list.conversations).toEqual([]);

    const chat = await bob.client.conversations.create({ type: 'direct', participantIds: [ada.user.id] });
    await waitFor(() =>
      expect(adaList.result.current.list.conversations.map((c) => c.id)).toEqual([chat.id]),
    );

    const bobChat = renderFor(bob, () => useChat(chat.id));
    await waitFor(() => expect(bobChat.result.current.isLoading).toBe(false));
    await act(() => bobChat.result.current.send('Hello Ada'));
    await waitFor(() =>
      expect(adaList.result.current.list.conversations[0]).toMatchObject({
        id: chat.id,
        unreadCount: 1,
        lastMessage: { content: 'Hello Ada', senderId: bob.user.id },
      }),
    );
    expect(adaList.result.current.list.unreadTotal).toBe(1);

    // Ada opens the chat (same client: the same store): she reads it, and answers.
    const adaChat = renderFor(ada, () => useChat(chat.id));
    await waitFor(() => expect(adaChat.result.current.messages.map((m) => m.content)).toEqual(['Hello Ada']));
    await waitFor(() => expect(adaList.result.current.list.conversations[0]?.unreadCount).toBe(0));
    await act(() => adaChat.result.current.send('Hi Bob'));
    await waitFor(() =>
      expect(bobChat.result.current.messages.map((m) => [m.content, m.delivery])).toEqual([
        ['Hello Ada', 'sent'],
        ['Hi Bob', 'sent'],
      ]),
    );
    // The server agrees that Ada has read everything.
    const [fromServer] = (await ada.client.conversations.list()).items;
    expect(fromServer?.unreadCount).toBe(0);
  });

  it('reactions: a toggle shows at once and reaches the other person live; taken back, both see it go', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const chat = await bob.client.conversations.create({ type: 'direct', participantIds: [ada.user.id] });
    const { message } = await bob.client.messages.send(chat.id, { content: 'Tea at five?' });
    const adaChat = renderFor(ada, () => useChat(chat.id));
    const bobChat = renderFor(bob, () => ({ chat: useChat(chat.id), live: useRealtimeStatus() }));
    await waitFor(() => expect(adaChat.result.current.messages).toHaveLength(1));
    await waitFor(() => expect(bobChat.result.current.live).toBe('open'));

    act(() => void adaChat.result.current.toggleReaction(message.id, '👍'));
    // Optimistic: before any answer.
    expect(adaChat.result.current.messages[0]?.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: [ada.user.id] },
    ]);
    await waitFor(() =>
      expect(bobChat.result.current.chat.messages[0]?.reactions).toEqual([
        { emoji: '👍', count: 1, userIds: [ada.user.id] },
      ]),
    );
    await act(() => bobChat.result.current.chat.toggleReaction(message.id, '👍'));
    await waitFor(() =>
      expect(adaChat.result.current.messages[0]?.reactions).toEqual([
        { emoji: '👍', count: 2, userIds: [ada.user.id, bob.user.id] },
      ]),
    );
    await act(() => adaChat.result.current.toggleReaction(message.id, '👍'));
    await waitFor(() =>
      expect(bobChat.result.current.chat.messages[0]?.reactions).toEqual([
        { emoji: '👍', count: 1, userIds: [bob.user.id] },
      ]),
    );
    const [stored] = (await ada.client.messages.list(chat.id)).items;
    expect(stored?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.user.id] }]);
  });

  it('typing indicators and presence', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const chat = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    const adaView = renderFor(ada, () => ({
      typing: useTyping(chat.id),
      bob: usePresence(bob.user.id),
      live: useRealtimeStatus(),
    }));
    await waitFor(() => expect(adaView.result.current.live).toBe('open'));
    expect(adaView.result.current.bob.online).toBeUndefined();

    const bobView = renderFor(bob, () => ({
      typing: useTyping(chat.id, { idleMs: 150 }),
      live: useRealtimeStatus(),
    }));
    await waitFor(() => expect(adaView.result.current.bob.online).toBe(true));
    await waitFor(() => expect(bobView.result.current.live).toBe('open'));

    act(() => bobView.result.current.typing.onInput());
    await waitFor(() => expect(adaView.result.current.typing.typingUserIds).toEqual([bob.user.id]));
    // Bob pauses: after idleMs his indicator goes.
    await waitFor(() => expect(adaView.result.current.typing.typingUserIds).toEqual([]));
    expect(bobView.result.current.typing.typingUserIds).toEqual([]);

    bobView.unmount();
    await waitFor(() => expect(adaView.result.current.bob.online).toBe(false));
  });

  it('useUsers finds people, and what it finds feeds usePresence', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const name = bob.user.displayName;
    const { result } = renderFor(ada, () => ({
      search: useUsers(name, { debounceMs: 10 }),
      bob: usePresence(bob.user.id),
    }));
    await waitFor(() => expect(result.current.search.status).toBe('ready'));
    expect(result.current.search.users.map((u) => u.id)).toEqual([bob.user.id]);
    expect(result.current.bob.user?.displayName).toBe(name);
    expect(result.current.bob.online).toBe(false);
  });
});

describe('reconnecting', () => {
  it('a dropped socket keeps the list right: what happened meanwhile arrives once', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const chat = await bob.client.conversations.create({ type: 'direct', participantIds: [ada.user.id] });
    const statuses: string[] = [];
    const { result } = renderFor(
      ada,
      () => {
        const live = useRealtimeStatus();
        if (statuses.at(-1) !== live) statuses.push(live);
        return { list: useConversations(), live };
      },
      // Slow to come back, so that Bob's changes happen while Ada is away.
      { store: { realtime: { reconnect: { initialDelayMs: 400, maxDelayMs: 400, jitter: 0 } } } },
    );
    await waitFor(() => expect(result.current.live).toBe('open'));
    await waitFor(() => expect(result.current.list.conversations.map((c) => c.id)).toEqual([chat.id]));

    ada.sockets.at(-1)?.terminate();
    await waitFor(() => expect(result.current.live).toBe('reconnecting'));
    await bob.client.messages.send(chat.id, { content: 'one' });
    await bob.client.messages.send(chat.id, { content: 'two' });
    const group = await bob.client.conversations.create({
      type: 'group',
      title: 'Trip',
      participantIds: [ada.user.id],
    });

    await waitFor(() => expect(result.current.live).toBe('open'));
    await waitFor(() =>
      expect(result.current.list.conversations.map((c) => c.id)).toEqual([group.id, chat.id]),
    );
    await waitFor(() =>
      expect(result.current.list.conversations[1]).toMatchObject({
        unreadCount: 2,
        lastMessage: { content: 'two' },
      }),
    );
    expect(statuses).toEqual(['idle', 'connecting', 'open', 'reconnecting', 'open']);
    // The same as a fresh load from the server.
    const fresh = (await ada.client.conversations.list()).items;
    expect(result.current.list.conversations.map((c) => [c.id, c.unreadCount, c.lastMessage?.id])).toEqual(
      fresh.map((c) => [c.id, c.unreadCount, c.lastMessage?.id]),
    );
  });
});

describe('useAuth', () => {
  it('signs in and out; signing out forgets the session’s data', async () => {
    const account = newAccount('cleo');
    await createClient({ baseUrl: server.url }).auth.register(account);
    const client = createClient({ baseUrl: server.url, retry: { maxRetries: 0 } });
    const cleo = { client, user: null as never, sockets: [] };
    const { result } = renderFor(cleo, () => ({
      auth: useAuth(),
      list: useConversations(),
      live: useRealtimeStatus(),
    }));
    await waitFor(() => expect(result.current.auth.status).toBe('signed-out'));

    await act(async () => {
      await result.current.auth.login({ email: account.email, password: account.password });
    });
    expect(result.current.auth.user?.email).toBe(account.email);
    await act(() => result.current.list.create({ type: 'assistant' }));
    await waitFor(() => expect(result.current.list.conversations).toHaveLength(1));
    await waitFor(() => expect(result.current.live).toBe('open'));

    await act(() => result.current.auth.logout());
    expect(result.current.auth).toMatchObject({ status: 'signed-out', user: null });
    expect(result.current.list.conversations).toEqual([]);
    expect(result.current.live).toBe('idle');

    await expect(
      result.current.auth.login({ email: account.email, password: 'Wrong-horse-9' }),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
  });
});
