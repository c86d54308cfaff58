/**
 * Reaction events over a real WebSocket: every participant hears `reaction.added` and
 * `reaction.removed` with the message's reactions after the change; a repeat that changes nothing
 * announces nothing, and an outsider hears nothing — on each store.
 */
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { connectRealtime, signUp, type TestSocket, type TestUser } from '@chatwire/server/testing';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeOnEachStore, react, say, unreact } from './support.js';

const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await socket.close();
});

type ReactionEvent = Extract<RealtimeEvent, { type: 'reaction.added' | 'reaction.removed' }>;

const isReaction =
  (messageId: string) =>
  (event: RealtimeEvent): event is ReactionEvent =>
    (event.type === 'reaction.added' || event.type === 'reaction.removed') && event.messageId === messageId;

/** The reaction events of `messageId` that `socket` has received, in order. */
const reactionEvents = (socket: TestSocket, messageId: string): ReactionEvent[] =>
  socket
    .events()
    .map((frame) => frame.event)
    .filter(isReaction(messageId));

describeOnEachStore('reaction events', (server) => {
  let ada: TestUser;
  let bob: TestUser;
  let carl: TestUser;
  let group: string;

  beforeAll(async () => {
    [ada, bob, carl] = await Promise.all([
      signUp(server().url, 'ada'),
      signUp(server().url, 'bob'),
      signUp(server().url, 'carl'),
    ]);
    const created = await fetch(`${server().url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'group', title: 'reactions', participantIds: [bob.id] }),
    });
    group = ((await created.json()) as { id: string }).id;
  });

  const socketOf = async (user: TestUser) => {
    const socket = await connectRealtime(server().url, { token: user.token });
    sockets.push(socket);
    return socket;
  };

  it('reaches the other participant, and the reactor, with the reactions after each change', async () => {
    const [bobSocket, adaSocket, carlSocket] = await Promise.all([
      socketOf(bob),
      socketOf(ada),
      socketOf(carl),
    ]);
    const message = await say(server(), bob, group, 'demo at 3');

    await react(server(), ada, group, message.id, '🎉');
    const { event: added } = await bobSocket.waitForEvent(isReaction(message.id));
    expect(added).toEqual({
      type: 'reaction.added',
      conversationId: group,
      messageId: message.id,
      userId: ada.id,
      emoji: '🎉',
      reactions: [{ emoji: '🎉', count: 1, userIds: [ada.id] }],
    });
    await adaSocket.waitForEvent(isReaction(message.id));

    // A repeat changes nothing and announces nothing: the next event Bob hears is the removal.
    await react(server(), ada, group, message.id, '🎉');
    await unreact(server(), ada, group, message.id, '🎉');
    await unreact(server(), ada, group, message.id, '🎉');
    await react(server(), bob, group, message.id, '👀');
    await bobSocket.waitForEvent((event) => isReaction(message.id)(event) && event.userId === bob.id);
    expect(
      reactionEvents(bobSocket, message.id).map(({ type, userId, emoji, reactions }) => ({
        type,
        userId,
        emoji,
        reactions,
      })),
    ).toEqual([
      {
        type: 'reaction.added',
        userId: ada.id,
        emoji: '🎉',
        reactions: [{ emoji: '🎉', count: 1, userIds: [ada.id] }],
      },
      { type: 'reaction.removed', userId: ada.id, emoji: '🎉', reactions: [] },
      {
        type: 'reaction.added',
        userId: bob.id,
        emoji: '👀',
        reactions: [{ emoji: '👀', count: 1, userIds: [bob.id] }],
      },
    ]);
    // Carl is in no conversation with them: his socket heard none of it (he would hear a message
    // sent to him after it, on the same socket, in order).
    const direct = await fetch(`${server().url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'direct', participantIds: [carl.id] }),
    });
    const directId = ((await direct.json()) as { id: string }).id;
    const toCarl = await say(server(), ada, directId, 'hi carl');
    await carlSocket.waitForEvent(
      (event) => event.type === 'message.created' && event.message.id === toCarl.id,
    );
    expect(reactionEvents(carlSocket, message.id)).toEqual([]);
  });
});
