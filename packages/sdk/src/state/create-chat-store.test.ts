/**
 * The store fed by a fake real-time connection: deltas placed by offset and throttled, unread
 * counts, typing expiry, sign-out forgetting everything. (Journeys against a real server are in
 * packages/react-hooks.)
 */
import { describe, expect, it, vi } from 'vitest';
import type { AuthChangeListener } from '../client/auth-session.js';
import { ConflictError } from '../client/errors.js';
import { fixtureConversation, fixtureMessage } from '../client/fake-fetch.test-support.js';
import type { RealtimeEvent } from '../contracts/events.js';
import type { Conversation, Message, User } from '../contracts/resources.js';
import type { ChatwireClient } from '../create-client.js';
import type { RealtimeConnection } from '../realtime/types.js';
import { createChatStore } from './create-chat-store.js';

const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const me: User = {
  id: id(1),
  email: 'ada@example.com',
  displayName: 'Ada',
  avatarUrl: null,
  statusText: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const conversation = fixtureConversation({ id: id(10) });
const reply = (content: string, status: Message['status']): Message =>
  fixtureMessage({
    id: id(20),
    conversationId: conversation.id,
    senderId: null,
    role: 'assistant',
    content,
    status,
    model: 'echo',
    createdAt: '2026-01-01T00:01:00.000Z',
  });
const page = <T>(items: T[]) => ({ items, nextCursor: null, hasNextPage: () => false });

/** A client whose session is signed in and whose real-time connection the test drives. */
function fakeClient() {
  let onEvent: ((event: RealtimeEvent, seq: number) => void) | undefined;
  let onResync: (() => void) | undefined;
  let onAuth: AuthChangeListener | undefined;
  const connection = {
    status: 'open',
    on: (type: string, listener: never) => {
      if (type === 'event') onEvent = listener;
      if (type === 'resync') onResync = listener;
      return () => {};
    },
    close: vi.fn(),
    typing: vi.fn(),
    markRead: vi.fn(),
  };
  const client = {
    auth: {
      getTokens: async () => ({ accessToken: 'a', refreshToken: 'r', tokenType: 'bearer', expiresIn: 60 }),
      me: async () => me,
      onChange: (listener: AuthChangeListener) => {
        onAuth = listener;
        return () => {};
      },
    },
    conversations: { list: () => Promise.resolve(page([conversation])) },
    messages: { list: () => Promise.resolve(page([])) },
    realtime: () => connection as unknown as RealtimeConnection,
  } as unknown as ChatwireClient;
  return {
    client,
    connection,
    emit: (event: RealtimeEvent) => onEvent?.(event, 1),
    resync: () => onResync?.(),
    signOut: () => onAuth?.({ type: 'signed-out', tokens: null, reason: 'logout' }),
  };
}

async function signedInStore(throttleMs: number) {
  const fake = fakeClient();
  const store = createChatStore(fake.client, { throttleMs });
  store.start();
  await vi.waitFor(() => expect(store.getState().auth.status).toBe('signed-in'));
  await store.loadConversations();
  await store.loadMessages(conversation.id);
  return { store, ...fake };
}

describe('createChatStore', () => {
  it('places deltas by offset (a copy from a second channel is skipped) and throttles updates', async () => {
    vi.useFakeTimers();
    try {
      const { store, emit } = await signedInStore(50);
      const updates = vi.fn();
      store.subscribe(updates);
      const base = { conversationId: conversation.id, messageId: id(20) } as const;
      emit({ type: 'message.started', ...base, model: 'echo' });
      expect(store.getState().turns[conversation.id]?.status).toBe('streaming');
      updates.mockClear();
      emit({ type: 'message.part', ...base, index: 0, part: { type: 'text', text: '' } });
      emit({ type: 'message.delta', ...base, part: 0, offset: 0, delta: 'Hel' });
      emit({ type: 'message.delta', ...base, part: 0, offset: 0, delta: 'Hel' }); // the same delta again
      emit({ type: 'message.delta', ...base, part: 0, offset: 3, delta: 'lo' });
      expect(updates).not.toHaveBeenCalled();
      vi.advanceTimersByTime(50);
      expect(updates).toHaveBeenCalledTimes(1);
      expect(store.getState().messages[conversation.id]?.items[0]).toMatchObject({
        parts: [{ type: 'text', text: 'Hello' }],
        content: 'Hello',
        status: 'streaming',
      });
      emit({
        type: 'message.completed',
        conversationId: conversation.id,
        message: reply('Hello', 'complete'),
      });
      expect(store.getState().turns[conversation.id]?.status).toBe('ready');
      expect(store.getState().conversations[conversation.id]).toMatchObject({ unreadCount: 1 });
      // One message: the placeholder the start made became the stored reply.
      expect(store.getState().messages[conversation.id]?.items).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reduces part events from the WebSocket: a reply waiting for an approval, answered in another tab', async () => {
    const { store, emit, client } = await signedInStore(0);
    const base = { conversationId: conversation.id, messageId: id(20) } as const;
    const asked = {
      type: 'tool',
      toolCallId: 'call-1',
      toolName: 'set_reminder',
      state: 'approval-requested',
      input: { text: 'Tea' },
    } as const;
    emit({ type: 'message.started', ...base, model: 'echo' });
    emit({ type: 'message.part', ...base, index: 0, part: { type: 'step-start' } });
    emit({
      type: 'message.part',
      ...base,
      index: 1,
      part: { ...asked, state: 'input-streaming', inputText: '' },
    });
    emit({ type: 'message.delta', ...base, part: 1, offset: 0, delta: '{"text":"Tea"}' });
    emit({ type: 'message.part', ...base, index: 1, part: asked });
    const waiting = { ...reply('', 'awaiting_input'), parts: [{ type: 'step-start' as const }, asked] };
    emit({ type: 'message.completed', conversationId: conversation.id, message: waiting });
    const state = () => store.getState();
    expect(state().turns[conversation.id]).toMatchObject({ status: 'awaiting_input', replyId: id(20) });
    expect(state().messages[conversation.id]?.items[0]).toMatchObject({
      status: 'awaiting_input',
      parts: waiting.parts,
    });

    // An old copy of the start (a reply goes on only once answered) changes nothing.
    emit({ type: 'message.started', ...base, model: 'echo' });
    expect(state().turns[conversation.id]?.status).toBe('awaiting_input');
    // Approved in another tab: the call's new state shows at once, then the reply goes on.
    const approved = { ...asked, state: 'input-available', approval: { approved: true } } as const;
    emit({ type: 'message.part', ...base, index: 1, part: approved });
    expect(state().messages[conversation.id]?.items[0]?.parts[1]).toEqual(approved);
    emit({ type: 'message.started', ...base, model: 'echo' });
    expect(state().turns[conversation.id]?.status).toBe('streaming');
    emit({
      type: 'message.part',
      ...base,
      index: 1,
      part: { ...approved, state: 'output-available', output: 'ok' },
    });
    // A late copy of an earlier state does not take it back.
    emit({ type: 'message.part', ...base, index: 1, part: asked });
    expect(state().messages[conversation.id]?.items[0]?.parts[1]).toMatchObject({
      state: 'output-available',
    });

    // Answering from this store: shown at once, then the answer's stream is followed.
    const submitToolResultStream = vi.fn(() => ({
      messageId: null,
      on: () => () => {},
      finalMessage: () => new Promise<never>(() => {}),
    }));
    Object.assign(client.messages, { submitToolResultStream });
    const toolCall = {
      type: 'tool',
      toolCallId: 'call-2',
      toolName: 'ask',
      state: 'input-available',
      input: {},
    } as const;
    emit({
      type: 'message.completed',
      conversationId: conversation.id,
      message: { ...waiting, parts: [toolCall] },
    });
    void store.addToolResult(conversation.id, { toolCallId: 'call-2', output: 'Yes' });
    expect(state().messages[conversation.id]?.items[0]?.parts[0]).toMatchObject({
      state: 'output-available',
      output: 'Yes',
    });
    expect(state().turns[conversation.id]?.status).toBe('submitted');
    expect(submitToolResultStream).toHaveBeenCalledWith(
      conversation.id,
      id(20),
      expect.objectContaining({ toolCallId: 'call-2', output: 'Yes', parts: [toolCall] }),
    );
  });

  it('an answer to a call no longer waiting leaves its state as it is: the refusal is the turn’s error', async () => {
    const { store, emit, client } = await signedInStore(0);
    const denied = {
      type: 'tool',
      toolCallId: 'call-1',
      toolName: 'set_reminder',
      state: 'output-denied',
      input: {},
      approval: { approved: false },
      errorText: 'Denied by the user',
    } as const;
    const done = {
      ...reply('Not set.', 'complete'),
      parts: [denied, { type: 'text' as const, text: 'Not set.' }],
    };
    emit({ type: 'message.completed', conversationId: conversation.id, message: done });
    const approveToolCallStream = vi.fn(() => ({
      messageId: id(20),
      on: () => () => {},
      finalMessage: () => Promise.reject(new Error('This call has been answered already')),
    }));
    Object.assign(client.messages, { approveToolCallStream });
    await store.approveToolCall(conversation.id, { toolCallId: 'call-1', approved: true });
    expect(approveToolCallStream).toHaveBeenCalledOnce();
    expect(store.getState().messages[conversation.id]?.items[0]?.parts).toEqual(done.parts);
    expect(store.getState().turns[conversation.id]).toMatchObject({
      status: 'error',
      error: { message: 'This call has been answered already' },
    });
  });

  it('an answer that did not take (offline) is taken back: the call waits again; a refused one is not', async () => {
    const { store, emit, client } = await signedInStore(0);
    const asked = {
      type: 'tool',
      toolCallId: 'call-1',
      toolName: 'ask',
      state: 'input-available',
      input: {},
    } as const;
    const waiting = { ...reply('', 'awaiting_input'), parts: [asked] };
    emit({ type: 'message.completed', conversationId: conversation.id, message: waiting });
    const failing = (error: Error) => ({
      messageId: id(20),
      on: () => () => {},
      finalMessage: () => Promise.reject(error),
    });
    const submitToolResultStream = vi.fn(() => failing(new Error('Failed to fetch')));
    Object.assign(client.messages, { submitToolResultStream });
    const parts = () => store.getState().messages[conversation.id]?.items[0]?.parts;
    await store.addToolResult(conversation.id, { toolCallId: 'call-1', output: 'Tea' });
    await vi.waitFor(() => expect(parts()).toEqual([asked]));
    expect(store.getState().turns[conversation.id]?.status).toBe('error');

    submitToolResultStream.mockImplementation(() =>
      failing(
        new ConflictError({ status: 409, code: 'conflict', message: 'Answered', headers: new Headers() }),
      ),
    );
    await store.addToolResult(conversation.id, { toolCallId: 'call-1', output: 'Coffee' });
    await Promise.resolve();
    expect(parts()).toMatchObject([{ state: 'output-available', output: 'Coffee' }]);
  });

  it('stop() ends the wait of a reply awaiting input (a regenerate needs it ended): stored aborted', async () => {
    const { store, emit, client } = await signedInStore(0);
    const asked = {
      type: 'tool',
      toolCallId: 'call-1',
      toolName: 'ask',
      state: 'input-available',
      input: {},
    } as const;
    const waiting = { ...reply('', 'awaiting_input'), parts: [asked] };
    emit({ type: 'message.started', conversationId: conversation.id, messageId: id(20), model: 'echo' });
    emit({ type: 'message.completed', conversationId: conversation.id, message: waiting });
    expect(store.getState().turns[conversation.id]?.status).toBe('awaiting_input');
    const stop = vi.fn(async () => ({ ...waiting, status: 'aborted' as const }));
    Object.assign(client.messages, { stop });
    await store.stop(conversation.id);
    expect(stop).toHaveBeenCalledWith(conversation.id, id(20));
    expect(store.getState().messages[conversation.id]?.items[0]?.status).toBe('aborted');
    expect(store.getState().turns[conversation.id]?.status).toBe('ready');
  });

  it('a part past the end of what it has (parts missed) is a gap: it follows the reply from there, no holes', async () => {
    const { store, emit, client } = await signedInStore(0);
    const resume = vi.fn(() => ({
      messageId: id(20),
      on: () => () => {},
      finalMessage: () => new Promise<never>(() => {}),
    }));
    Object.assign(client.messages, { resume });
    const base = { conversationId: conversation.id, messageId: id(20) } as const;
    emit({ type: 'message.started', ...base, model: 'echo' });
    emit({ type: 'message.part', ...base, index: 0, part: { type: 'step-start' } });
    emit({ type: 'message.part', ...base, index: 2, part: { type: 'text', text: '' } });
    expect(store.getState().messages[conversation.id]?.items[0]?.parts).toEqual([{ type: 'step-start' }]);
    expect(resume).toHaveBeenCalledWith(
      conversation.id,
      id(20),
      expect.objectContaining({ parts: [{ type: 'step-start' }] }),
    );
  });

  it('fetches a conversation once for callers at the same time; one a message revealed is listed', async () => {
    const { store, client, emit } = await signedInStore(0);
    const other: Conversation = { ...conversation, id: id(11), updatedAt: '2026-01-02T00:00:00.000Z' };
    let answer: (value: Conversation) => void = () => {};
    const get = vi.fn(() => new Promise<Conversation>((resolve) => (answer = resolve)));
    Object.assign(client.conversations, { get });
    const loading = store.loadConversation(other.id);
    // Someone wrote in a conversation the store has not seen: it is fetched, with the same request.
    emit({
      type: 'message.created',
      conversationId: other.id,
      message: { ...reply('Hi', 'complete'), id: id(21), conversationId: other.id },
    });
    const again = store.loadConversation(other.id);
    expect(get).toHaveBeenCalledTimes(1);
    answer(other);
    expect(await loading).toBe(other);
    expect(await again).toBe(other);
    await vi.waitFor(() =>
      expect(store.getState().conversationList.ids).toEqual([other.id, conversation.id]),
    );
    // Once settled, a load asks again.
    get.mockImplementation(() => Promise.resolve(other));
    await store.loadConversation(other.id);
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('notifies nobody of a conversation change that changes nothing', async () => {
    const { store, emit } = await signedInStore(0);
    const updates = vi.fn();
    store.subscribe(updates);
    // A read of a message that is not the last one, on another device of ours.
    emit({ type: 'read', conversationId: conversation.id, userId: me.id, messageId: id(99) });
    expect(updates).not.toHaveBeenCalled();
  });

  it('ends typing indicators whose stop never comes', async () => {
    vi.useFakeTimers();
    try {
      const { store, emit } = await signedInStore(0);
      const expiresAt = new Date(Date.now() + 1000).toISOString();
      emit({ type: 'typing', conversationId: conversation.id, userId: id(2), state: 'start', expiresAt });
      expect(store.getState().typing[conversation.id]).toEqual([id(2)]);
      vi.advanceTimersByTime(1000);
      expect(store.getState().typing[conversation.id]).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets everything on sign-out, and closes the connection', async () => {
    const { store, emit, signOut, connection } = await signedInStore(0);
    emit({ type: 'presence', userId: id(2), online: true });
    signOut();
    const state = store.getState();
    expect(state.auth.status).toBe('signed-out');
    expect(state.conversations).toEqual({});
    expect(state.presence).toEqual({});
    expect(state.conversationList.ids).toEqual([]);
    expect(connection.close).toHaveBeenCalled();
  });

  it('signs out when the signed-in user’s account is deleted, not when another’s is', async () => {
    const { store, emit, connection } = await signedInStore(0);
    emit({ type: 'account.deleted', userId: id(2) });
    expect(store.getState().auth.status).toBe('signed-in');
    emit({ type: 'account.deleted', userId: me.id });
    expect(store.getState().auth).toMatchObject({ status: 'signed-out', user: null });
    expect(store.getState().conversations).toEqual({});
    expect(connection.close).toHaveBeenCalled();
  });

  it('forgets what the assistant was doing after lost events (a resync)', async () => {
    const { store, emit, resync } = await signedInStore(0);
    emit({ type: 'assistant.state', conversationId: conversation.id, messageId: id(20), state: 'thinking' });
    expect(store.getState().assistantStates[conversation.id]).toMatchObject({ state: 'thinking' });
    resync();
    expect(store.getState().assistantStates).toEqual({});
  });

  it('dropConversation forgets its threads and what its assistant was doing', async () => {
    const { store, emit, client } = await signedInStore(0);
    const parentId = id(30);
    const threadReply = fixtureMessage({
      id: id(31),
      conversationId: conversation.id,
      parentId,
      content: 'in the thread',
    });
    Object.assign(client.messages, { replies: () => Promise.resolve(page([threadReply])) });
    await store.loadThread(conversation.id, parentId);
    expect(store.getState().threads[parentId]?.items).toHaveLength(1);
    emit({ type: 'assistant.state', conversationId: conversation.id, messageId: id(20), state: 'thinking' });
    store.dropConversation(conversation.id);
    expect(store.getState().threads).toEqual({});
    expect(store.getState().assistantStates).toEqual({});
    // Its pages are gone too: loading the thread again asks again.
    await store.loadThread(conversation.id, parentId);
    expect(store.getState().threads[parentId]?.items).toHaveLength(1);
  });

  it('has a server snapshot and touches nothing before start()', () => {
    const { client } = fakeClient();
    const realtime = vi.spyOn(client, 'realtime');
    const store = createChatStore(client);
    expect(store.getState()).toBe(store.initialState);
    expect(store.initialState.auth.status).toBe('loading');
    expect(realtime).not.toHaveBeenCalled();
  });
  it('applies a role change (participant.updated) and a pin (message.updated) from the events', async () => {
    const { store, emit } = await signedInStore(0);
    const joinedAt = '2026-01-01T00:00:00.000Z';
    emit({
      type: 'participant.added',
      conversationId: conversation.id,
      participant: { userId: id(7), role: 'member', joinedAt, lastReadMessageId: null },
    });
    emit({
      type: 'participant.updated',
      conversationId: conversation.id,
      participant: { userId: id(7), role: 'admin', joinedAt, lastReadMessageId: null },
    });
    expect(store.getState().conversations[conversation.id]?.participants).toEqual([
      { userId: id(7), role: 'admin', joinedAt, lastReadMessageId: null },
    ]);
    const message = fixtureMessage({ id: id(8), conversationId: conversation.id, content: 'pin me' });
    emit({ type: 'message.created', conversationId: conversation.id, message });
    const pinned = { ...message, pinnedAt: joinedAt, pinnedBy: id(7) };
    emit({ type: 'message.updated', conversationId: conversation.id, message: pinned });
    const items = store.getState().messages[conversation.id]?.items ?? [];
    expect(items.find((item) => item.id === id(8))).toMatchObject({ pinnedAt: joinedAt, pinnedBy: id(7) });
  });
});
