/**
 * An assistant member of a conversation between people, over the wire on each store: it answers a
 * mention (`@assistant`, `@<alias>`) or every message as set; its reply streams to every
 * participant's socket, attributed to its alias; only the owner sets it; only the asker or the
 * owner stops or regenerates a reply; outsiders get the same 404 as for a missing conversation;
 * an assistant conversation its owner invites people to becomes a group; `assistant.state` tells
 * thinking → writing → idle, and using_tool while a tool runs.
 */
import type { Conversation, RealtimeEvent } from '@chatwire/sdk/contracts';
import { demoTools } from '@chatwire/server';
import { call, connectRealtime, signUp, type TestSocket, type TestUser } from '@chatwire/server/testing';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeOnEachStore } from '../support/stores.js';
import { completedOn, groupWith, patchConversation, replyEvents, say, statesOn, steer } from './support.js';

const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await socket.close();
});

const startedIn = (conversationId: string) => (event: RealtimeEvent) =>
  event.type === 'message.started' && event.conversationId === conversationId;

describeOnEachStore(
  'an assistant in a group',
  (server) => {
    let ada: TestUser;
    let bob: TestUser;
    let carl: TestUser;

    beforeAll(async () => {
      [ada, bob, carl] = await Promise.all([
        signUp(server().url, 'ada'),
        signUp(server().url, 'bob'),
        signUp(server().url, 'carl'),
      ]);
    });

    const socketOf = async (user: TestUser) => {
      const socket = await connectRealtime(server().url, { token: user.token });
      sockets.push(socket);
      return socket;
    };

    it('answers only a mention, streamed to both people, as the alias', async () => {
      const group = await groupWith(server(), ada, [bob], { model: 'echo', respondTo: 'mentions' });
      expect(group.assistant).toEqual({ model: 'echo', respondTo: 'mentions' });
      const [adaSocket, bobSocket] = await Promise.all([socketOf(ada), socketOf(bob)]);

      // Between people the send answers once the message is stored: the reply is everyone's.
      const raw = await call(`${server().url}/v1/conversations/${group.id}/messages`, {
        token: ada.token,
        body: { content: '@assistant are you there?' },
      });
      expect(raw.status).toBe(201);
      expect(raw.body.reply).toBeNull();
      const first = await adaSocket.waitForEvent(startedIn(group.id));
      await completedOn(adaSocket, (first.event as { messageId: string }).messageId);

      const plain = await say(server(), ada, group.id, 'lunch at noon? mail me@assistant.dev');
      expect(plain.reply).toBeNull();

      const asked = await say(server(), bob, group.id, '@assistant what did Ada say?');
      expect(asked.reply).toMatchObject({
        role: 'assistant',
        model: 'echo',
        status: 'complete',
        senderId: null,
      });
      for (const socket of [adaSocket, bobSocket]) {
        const reply = await completedOn(socket, asked.reply!.id);
        expect(reply.content).toBe(asked.reply!.content);
        const events = replyEvents(socket, asked.reply!.id);
        expect(events.find((event) => event.type === 'message.started')).toMatchObject({ model: 'echo' });
        expect(events.some((event) => event.type === 'message.delta')).toBe(true);
      }
      // Two replies in the conversation: the message without a mention started none.
      expect(adaSocket.events().filter((frame) => startedIn(group.id)(frame.event))).toHaveLength(2);

      const byAlias = await say(server(), ada, group.id, 'thanks @ECHO.');
      expect(byAlias.reply).toMatchObject({ model: 'echo', status: 'complete' });
      expect((await say(server(), ada, group.id, '@echoes are loud')).reply).toBeNull();
    });

    it('answers every message when set so, and stops when the owner removes it', async () => {
      const group = await groupWith(server(), ada, [bob], null);
      expect(group.assistant).toBeNull();
      expect((await say(server(), bob, group.id, 'hello')).reply).toBeNull();

      const set = await patchConversation(server(), ada, group.id, {
        assistant: { model: 'echo', respondTo: 'every_message' },
      });
      expect(set.status).toBe(200);
      expect(set.body.assistant).toEqual({ model: 'echo', respondTo: 'every_message' });
      expect((await say(server(), bob, group.id, 'no mention at all')).reply).toMatchObject({
        status: 'complete',
        model: 'echo',
      });

      expect(
        (await patchConversation(server(), ada, group.id, { assistant: null })).body.assistant,
      ).toBeNull();
      expect((await say(server(), bob, group.id, 'quiet now')).reply).toBeNull();
    });

    it('only the owner sets the assistant; a bad alias changes nothing; an outsider gets the 404', async () => {
      const group = await groupWith(server(), ada, [bob], null);
      const bobTries = await patchConversation(server(), bob, group.id, {
        assistant: { model: 'echo', respondTo: 'every_message' },
      });
      expect(bobTries.status).toBe(403);
      expect(bobTries.body.error.code).toBe('forbidden');

      const unknown = await patchConversation(server(), ada, group.id, {
        assistant: { model: 'nope', respondTo: 'mentions' },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('validation_failed');

      const bad = await patchConversation(server(), ada, group.id, {
        assistant: { model: 'echo', respondTo: 'sometimes' },
      });
      expect(bad.status).toBe(400);

      const outsider = await patchConversation(server(), carl, group.id, {
        assistant: { model: 'echo', respondTo: 'mentions' },
      });
      const missing = await patchConversation(server(), carl, crypto.randomUUID(), {
        assistant: { model: 'echo', respondTo: 'mentions' },
      });
      expect(outsider.status).toBe(404);
      expect(outsider.body.error.code).toBe(missing.body.error.code);
      expect(outsider.body.error.message).toBe(missing.body.error.message);

      const after = await call<Conversation>(`${server().url}/v1/conversations/${group.id}`, {
        token: ada.token,
      });
      expect(after.body.assistant).toBeNull();
    });

    it('in a direct conversation either person sets it', async () => {
      const direct = await call<Conversation>(`${server().url}/v1/conversations`, {
        token: ada.token,
        body: { type: 'direct', participantIds: [carl.id] },
      });
      const set = await patchConversation(server(), carl, direct.body.id, {
        assistant: { model: 'echo', respondTo: 'mentions' },
      });
      expect(set.status).toBe(200);
      expect((await say(server(), ada, direct.body.id, '@assistant hi')).reply).toMatchObject({
        model: 'echo',
      });
      const title = await patchConversation(server(), carl, direct.body.id, { title: 'x' });
      expect(title.status).toBe(400);
    });

    it('only the asker or the owner stops or regenerates a reply', async () => {
      const group = await groupWith(server(), ada, [bob, carl], { model: 'echo', respondTo: 'mentions' });
      const bobs = await say(server(), bob, group.id, '@assistant count my words');
      const replyId = bobs.reply!.id;

      for (const action of ['stop', 'regenerate'] as const) {
        const byCarl = await steer(action, server(), carl, group.id, replyId);
        expect(byCarl.status).toBe(403);
        expect(byCarl.body.error.code).toBe('forbidden');
      }
      expect((await steer('stop', server(), bob, group.id, replyId)).status).toBe(200);
      expect((await steer('stop', server(), ada, group.id, replyId)).status).toBe(200);
      const regenerated = await steer('regenerate', server(), bob, group.id, replyId);
      expect(regenerated.status).toBe(200);
      expect(regenerated.body.reply).toMatchObject({ id: replyId, status: 'complete' });
      expect((await steer('regenerate', server(), ada, group.id, replyId)).status).toBe(200);

      const outsider = await call(`${server().url}/v1/conversations/${group.id}/messages/${replyId}/stop`, {
        token: (await signUp(server().url, 'dan')).token,
        body: {},
      });
      expect(outsider.status).toBe(404);
    });

    it('an assistant conversation its owner invites people to becomes a group that answers everyone', async () => {
      const chat = await call<Conversation>(`${server().url}/v1/conversations`, {
        token: ada.token,
        body: { type: 'assistant', model: 'echo' },
      });
      await say(server(), ada, chat.body.id, 'just me so far');
      const adaSocket = await socketOf(ada);
      const invited = await call<Conversation>(
        `${server().url}/v1/conversations/${chat.body.id}/participants`,
        {
          token: ada.token,
          body: { userIds: [bob.id] },
        },
      );
      expect(invited.status).toBe(200);
      expect(invited.body).toMatchObject({
        type: 'group',
        assistant: { model: 'echo', respondTo: 'every_message' },
      });
      const { event } = await adaSocket.waitForEvent(
        (candidate) =>
          candidate.type === 'conversation.updated' && candidate.conversation.id === chat.body.id,
      );
      expect(event).toMatchObject({
        conversation: { type: 'group', assistant: { respondTo: 'every_message' } },
      });

      const bobSees = await call<Conversation>(`${server().url}/v1/conversations/${chat.body.id}`, {
        token: bob.token,
      });
      expect(bobSees.body.type).toBe('group');
      expect((await say(server(), bob, chat.body.id, 'hi, I am new here')).reply).toMatchObject({
        status: 'complete',
      });
      expect((await say(server(), ada, chat.body.id, 'welcome')).reply).toMatchObject({ status: 'complete' });
    });

    it('a mention sent over the WebSocket starts the reply too; an assistant conversation takes no assistant member', async () => {
      const group = await groupWith(server(), ada, [bob], { model: 'echo', respondTo: 'mentions' });
      const [adaSocket, bobSocket] = await Promise.all([socketOf(ada), socketOf(bob)]);
      bobSocket.send({
        type: 'message.send',
        conversationId: group.id,
        content: '@assistant over the socket',
        clientMessageId: 'ws-1',
      });
      const { event } = await adaSocket.waitForEvent(startedIn(group.id));
      const reply = await completedOn(adaSocket, (event as { messageId: string }).messageId);
      expect(reply).toMatchObject({ model: 'echo', status: 'complete' });

      const chat = await call<Conversation>(`${server().url}/v1/conversations`, {
        token: ada.token,
        body: { type: 'assistant' },
      });
      expect(chat.body.assistant).toBeNull();
      const refused = await patchConversation(server(), ada, chat.body.id, {
        assistant: { model: 'echo', respondTo: 'mentions' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('bad_request');
    });

    it('tells everyone its state: thinking → writing → idle, and using_tool while a tool runs', async () => {
      const group = await groupWith(server(), ada, [bob], { model: 'echo', respondTo: 'mentions' });
      const bobSocket = await socketOf(bob);
      const plain = await say(server(), ada, group.id, '@assistant say hi');
      await bobSocket.waitForEvent(
        (event) =>
          event.type === 'assistant.state' && event.messageId === plain.reply!.id && event.state === 'idle',
      );
      const states = statesOn(bobSocket, plain.reply!.id);
      expect(states[0]).toBe('thinking');
      expect(states.at(-1)).toBe('idle');
      expect(states).toContain('writing');
      expect(states.indexOf('writing')).toBeLessThan(states.indexOf('idle'));

      const tool = await say(server(), ada, group.id, '@assistant use calculator {"expression":"2+3*4"}');
      await bobSocket.waitForEvent(
        (event) =>
          event.type === 'assistant.state' && event.messageId === tool.reply!.id && event.state === 'idle',
      );
      const toolStates = statesOn(bobSocket, tool.reply!.id);
      expect(toolStates).toContain('using_tool:calculator');
      expect(toolStates.indexOf('using_tool:calculator')).toBeLessThan(toolStates.lastIndexOf('writing'));
      expect(toolStates.at(-1)).toBe('idle');
    });
  },
  { tools: demoTools },
);
