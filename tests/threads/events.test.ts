/**
 * Threads over a real WebSocket, on each store: a reply's `message.created` (with `parentId`) and
 * its parent's `message.updated` (the new summary) reach every participant; `message.send` frames
 * with `parentId` / `quotedMessageId` are accepted and refused exactly as the REST send is.
 */
import { randomUUID } from 'node:crypto';
import type { Message, RealtimeEvent, ServerFrame } from '@chatwire/sdk/contracts';
import { connectRealtime, signUp, type TestSocket, type TestUser } from '@chatwire/server/testing';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeOnEachStore } from '../support/stores.js';
import { createConversation, send, sent } from './support.js';

const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await socket.close();
});

type ErrorFrame = Extract<ServerFrame, { type: 'error' }>;
type AckFrame = Extract<ServerFrame, { type: 'ack' }>;

describeOnEachStore('thread events and WebSocket sends', (server) => {
  let ada: TestUser;
  let bob: TestUser;
  let group: string;

  beforeAll(async () => {
    [ada, bob] = await Promise.all([signUp(server().url, 'ada'), signUp(server().url, 'bob')]);
    group = await createConversation(server(), ada, { type: 'group', participantIds: [bob.id] });
  });

  const socketOf = async (user: TestUser) => {
    const socket = await connectRealtime(server().url, { token: user.token });
    sockets.push(socket);
    return socket;
  };

  it("sends every participant the reply (with parentId) and the parent's new summary", async () => {
    const parent = await sent(server(), ada, group, { content: 'who brings cake?' });
    const [adaSocket, bobSocket] = await Promise.all([socketOf(ada), socketOf(bob)]);
    const reply = await sent(server(), bob, group, { content: 'me', parentId: parent.id });
    for (const socket of [adaSocket, bobSocket]) {
      const created = await socket.waitForEvent(
        (event) => event.type === 'message.created' && event.message.id === reply.id,
      );
      expect((created.event as Extract<RealtimeEvent, { type: 'message.created' }>).message.parentId).toBe(
        parent.id,
      );
      const updated = await socket.waitForEvent(
        (event) => event.type === 'message.updated' && event.message.id === parent.id,
      );
      const summary = (updated.event as Extract<RealtimeEvent, { type: 'message.updated' }>).message.thread;
      expect(summary).toEqual({ replyCount: 1, lastReplyAt: reply.createdAt, participantIds: [bob.id] });
    }
  });

  it("tells every participant the parent's smaller summary when a reply is deleted", async () => {
    const parent = await sent(server(), ada, group, { content: 'who brings plates?' });
    const first = await sent(server(), bob, group, { content: 'me', parentId: parent.id });
    const second = await sent(server(), ada, group, { content: 'and me', parentId: parent.id });
    const adaSocket = await socketOf(ada);
    const deleted = await fetch(`${server().url}/v1/conversations/${group}/messages/${second.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ada.token}` },
    });
    expect(deleted.status).toBeLessThan(300);
    const updated = await adaSocket.waitForEvent(
      (event) => event.type === 'message.updated' && event.message.id === parent.id,
    );
    const summary = (updated.event as Extract<RealtimeEvent, { type: 'message.updated' }>).message.thread;
    expect(summary?.replyCount).toBe(1);
    expect(summary?.participantIds).toContain(bob.id);
    expect(first.parentId).toBe(parent.id);
  });

  it('takes thread sends over the socket as REST does, and refuses what REST refuses with the same codes', async () => {
    const parent = await sent(server(), ada, group, { content: 'parity' });
    const socket = await socketOf(bob);
    const sendFrame = (fields: Record<string, unknown>) => {
      const clientMessageId = randomUUID();
      socket.send({
        type: 'message.send',
        conversationId: group,
        clientMessageId,
        content: 'x',
        ...fields,
      } as never);
      return socket.waitFor(
        (frame) =>
          (frame.type === 'ack' || frame.type === 'error') &&
          (frame.type === 'ack' ? frame.clientMessageId : frame.ref) === clientMessageId,
      ) as Promise<AckFrame | ErrorFrame>;
    };

    const accepted = await sendFrame({
      parentId: parent.id,
      quotedMessageId: parent.id,
      alsoInConversation: true,
    });
    expect(accepted.type).toBe('ack');
    const message = (accepted as AckFrame).message as Message;
    expect(message).toMatchObject({ parentId: parent.id, alsoInConversation: true });
    expect(message.quoted).toMatchObject({ messageId: parent.id, content: 'parity', deleted: false });

    const assistant = await createConversation(server(), bob, { type: 'assistant' });
    const prompt = await sent(server(), bob, assistant, { content: 'hi' });
    const refusals: { fields: Record<string, unknown>; conversation?: string }[] = [
      { fields: { parentId: randomUUID() } },
      { fields: { quotedMessageId: randomUUID() } },
      { fields: { alsoInConversation: true } },
      { fields: { parentId: 'not-an-id' } },
      { fields: { parentId: prompt.id }, conversation: assistant },
    ];
    for (const { fields, conversation } of refusals) {
      const target = conversation ?? group;
      const rest = await send(server(), bob, target, { content: 'x', ...fields } as never);
      const frame = conversation
        ? await (async () => {
            const clientMessageId = randomUUID();
            socket.send({
              type: 'message.send',
              conversationId: target,
              clientMessageId,
              content: 'x',
              ...fields,
            } as never);
            return socket.waitFor(
              (f) => f.type === 'error' && f.ref === clientMessageId,
            ) as Promise<ErrorFrame>;
          })()
        : await sendFrame(fields);
      expect(frame.type).toBe('error');
      expect((frame as ErrorFrame).code).toBe(rest.body.error.code);
    }
  });
});
