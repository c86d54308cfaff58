/**
 * Reactions in the store over a fake client whose reaction requests the test settles: events set
 * the server's reactions (twice or late, the same), the own toggle shows at once, survives someone
 * else's event while in flight, and goes back when the server refuses it.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConflictError } from '../client/errors.js';
import { fixtureConversation, fixtureMessage } from '../client/fake-fetch.test-support.js';
import type { RealtimeEvent } from '../contracts/events.js';
import type { Message, ReactionGroup } from '../contracts/resources.js';
import type { ChatwireClient } from '../create-client.js';
import type { RealtimeConnection } from '../realtime/types.js';
import { createChatStore } from './create-chat-store.js';
import { withReaction } from './reactions.js';

const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const [ada, grace, alan] = [id(1), id(2), id(3)];
const me = {
  id: ada,
  email: 'ada@example.com',
  displayName: 'Ada',
  avatarUrl: null,
  statusText: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const conversation = fixtureConversation({ id: id(10), type: 'group', model: null });
const message = fixtureMessage({
  id: id(20),
  conversationId: conversation.id,
  senderId: grace,
  content: 'Hi',
});
const page = <T>(items: T[]) => ({ items, nextCursor: null, hasNextPage: () => false });

/** A reaction request the test answers: with the stored message, or a failure. */
interface Call {
  method: 'react' | 'unreact';
  emoji: string;
  answer(reactions: ReactionGroup[]): void;
  fail(error: Error): void;
}

async function signedInStore() {
  const calls: Call[] = [];
  let onEvent: ((event: RealtimeEvent, seq: number) => void) | undefined;
  const connection = {
    status: 'open',
    on: (type: string, listener: never) => {
      if (type === 'event') onEvent = listener;
      return () => {};
    },
    close: vi.fn(),
  };
  const request = (method: Call['method']) => (_conversationId: string, _messageId: string, emoji: string) =>
    new Promise<Message>((resolve, reject) => {
      calls.push({ method, emoji, answer: (reactions) => resolve({ ...message, reactions }), fail: reject });
    });
  const client = {
    auth: {
      getTokens: async () => ({ accessToken: 'a', refreshToken: 'r', tokenType: 'bearer', expiresIn: 60 }),
      me: async () => me,
      onChange: () => () => {},
    },
    conversations: { list: () => Promise.resolve(page([conversation])) },
    messages: {
      list: () => Promise.resolve(page([message])),
      react: request('react'),
      unreact: request('unreact'),
    },
    realtime: () => connection as unknown as RealtimeConnection,
  } as unknown as ChatwireClient;
  const store = createChatStore(client, { throttleMs: 0 });
  store.start();
  await vi.waitFor(() => expect(store.getState().auth.status).toBe('signed-in'));
  await store.loadMessages(conversation.id);
  const reactions = () => store.getState().messages[conversation.id]?.items[0]?.reactions;
  const emit = (type: 'reaction.added' | 'reaction.removed', userId: string, groups: ReactionGroup[]) =>
    onEvent?.(
      {
        type,
        conversationId: conversation.id,
        messageId: message.id,
        userId,
        emoji: '👍',
        reactions: groups,
      },
      1,
    );
  return { store, calls, reactions, emit };
}

const thumbs = (...userIds: string[]): ReactionGroup => ({ emoji: '👍', count: userIds.length, userIds });

describe('withReaction', () => {
  it('adds a new emoji last, counts a second person, drops an emoji nobody keeps; a repeat changes nothing', () => {
    const heart: ReactionGroup = { emoji: '❤️', count: 1, userIds: [grace] };
    expect(withReaction([heart], '👍', ada, true)).toEqual([heart, thumbs(ada)]);
    expect(withReaction([thumbs(grace)], '👍', ada, true)).toEqual([thumbs(grace, ada)]);
    expect(withReaction([thumbs(grace, ada)], '👍', ada, true)).toEqual([thumbs(grace, ada)]);
    expect(withReaction([thumbs(grace, ada)], '👍', grace, false)).toEqual([thumbs(ada)]);
    expect(withReaction([thumbs(ada), heart], '👍', ada, false)).toEqual([heart]);
    expect(withReaction([heart], '👍', ada, false)).toEqual([heart]);
  });
});

describe('store reactions', () => {
  it('events set the reactions the server has: applied twice, or an older one after a newer, they agree', async () => {
    const { reactions, emit } = await signedInStore();
    emit('reaction.added', grace, [thumbs(grace)]);
    emit('reaction.added', alan, [thumbs(grace, alan)]);
    emit('reaction.added', alan, [thumbs(grace, alan)]);
    expect(reactions()).toEqual([thumbs(grace, alan)]);
    emit('reaction.removed', grace, [thumbs(alan)]);
    expect(reactions()).toEqual([thumbs(alan)]);
    emit('reaction.removed', alan, []);
    expect(reactions()).toEqual([]);
  });

  it('toggles the own reaction at once (on, then off), keeping it through an event that does not have it yet', async () => {
    const { store, calls, reactions, emit } = await signedInStore();
    const adding = store.toggleReaction(conversation.id, message.id, '👍');
    expect(reactions()).toEqual([thumbs(ada)]);
    expect(calls.map((c) => [c.method, c.emoji])).toEqual([['react', '👍']]);
    // Grace's reaction was stored before Ada's: its event does not have Ada's yet.
    emit('reaction.added', grace, [thumbs(grace)]);
    expect(reactions()).toEqual([thumbs(grace, ada)]);
    calls[0]?.answer([thumbs(grace, ada)]);
    await adding;
    expect(reactions()).toEqual([thumbs(grace, ada)]);

    const removing = store.toggleReaction(conversation.id, message.id, '👍');
    expect(reactions()).toEqual([thumbs(grace)]);
    expect(calls[1]?.method).toBe('unreact');
    calls[1]?.answer([thumbs(grace)]);
    await removing;
    expect(reactions()).toEqual([thumbs(grace)]);
  });

  it('a refused toggle goes back as it was; a quick second toggle wins over the first one’s answer', async () => {
    const { store, calls, reactions } = await signedInStore();
    const refused = store.toggleReaction(conversation.id, message.id, '🎉');
    expect(reactions()).toEqual([{ emoji: '🎉', count: 1, userIds: [ada] }]);
    calls[0]?.fail(
      new ConflictError({
        status: 409,
        code: 'conflict',
        message: 'Too many reactions',
        headers: new Headers(),
      }),
    );
    await expect(refused).resolves.toBeUndefined();
    expect(reactions()).toEqual([]);

    const on = store.toggleReaction(conversation.id, message.id, '👍');
    const off = store.toggleReaction(conversation.id, message.id, '👍');
    expect(calls.slice(1).map((c) => c.method)).toEqual(['react', 'unreact']);
    calls[1]?.answer([thumbs(ada)]); // the first answer: the second toggle (off) is still in flight
    await on;
    expect(reactions()).toEqual([]);
    calls[2]?.fail(new TypeError('fetch failed')); // the second one did not reach the server
    await off;
    expect(reactions()).toEqual([thumbs(ada)]);
  });

  it('toggles ❤ off when the server has my ❤️: one reaction, in the server\u2019s spelling', async () => {
    const { store, calls, reactions, emit } = await signedInStore();
    const heart = (...userIds: string[]): ReactionGroup => ({
      emoji: '\u2764\ufe0f',
      count: userIds.length,
      userIds,
    });
    emit('reaction.added', ada, [heart(ada)]);
    const removing = store.toggleReaction(conversation.id, message.id, '\u2764');
    expect(reactions()).toEqual([]);
    expect(calls.map((c) => [c.method, c.emoji])).toEqual([['unreact', '\u2764\ufe0f']]);
    calls[0]?.answer([]);
    await removing;
    expect(reactions()).toEqual([]);
  });
});
