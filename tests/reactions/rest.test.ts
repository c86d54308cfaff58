/**
 * Reactions over REST: add and take back (both idempotent), counts and who in first-use order,
 * the limit of distinct emoji, a bad emoji, and the 404 of an outsider, a missing and a deleted
 * message — on each store, against a real server.
 */
import { randomUUID } from 'node:crypto';
import { call, directConversation, signUp, type TestUser } from '@chatwire/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { describeOnEachStore, react, reactionsPerMessage, readBack, say, unreact } from './support.js';

describeOnEachStore('reactions over REST', (server) => {
  let ada: TestUser;
  let bob: TestUser;
  let carl: TestUser;
  let chat: string;

  beforeAll(async () => {
    [ada, bob, carl] = await Promise.all([
      signUp(server().url, 'ada'),
      signUp(server().url, 'bob'),
      signUp(server().url, 'carl'),
    ]);
    chat = await directConversation(server().url, ada, bob);
  });

  it('adds and takes back reactions, idempotently, with counts and who in first-use order', async () => {
    const message = await say(server(), ada, chat, 'lunch?');
    expect(message.reactions).toEqual([]);

    const added = await react(server(), ada, chat, message.id, '👍');
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ id: message.id, content: 'lunch?' });
    expect(added.body.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [ada.id] }]);
    // The same person, the same emoji: nothing changes.
    const again = await react(server(), ada, chat, message.id, '👍');
    expect(again.status).toBe(200);
    expect(again.body.reactions).toEqual(added.body.reactions);

    await react(server(), bob, chat, message.id, '❤️');
    const both = await react(server(), bob, chat, message.id, '👍');
    expect(both.body.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [ada.id, bob.id] },
      { emoji: '❤️', count: 1, userIds: [bob.id] },
    ]);
    expect((await readBack(server(), ada, chat, message.id))?.reactions).toEqual(both.body.reactions);

    const taken = await unreact(server(), ada, chat, message.id, '👍');
    expect(taken.status).toBe(200);
    expect(taken.body.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: [bob.id] },
      { emoji: '❤️', count: 1, userIds: [bob.id] },
    ]);
    // Taking back what is not there changes nothing.
    expect((await unreact(server(), ada, chat, message.id, '👍')).body.reactions).toEqual(
      taken.body.reactions,
    );
    expect((await unreact(server(), ada, chat, message.id, '🎉')).status).toBe(200);
    // The last person of a group takes theirs back: the group is gone.
    const emptied = await unreact(server(), bob, chat, message.id, '👍');
    expect(emptied.body.reactions).toEqual([{ emoji: '❤️', count: 1, userIds: [bob.id] }]);
    expect((await readBack(server(), bob, chat, message.id))?.reactions).toEqual(emptied.body.reactions);
  });

  it('takes short codes, skin tones, flags and ZWJ sequences', async () => {
    const message = await say(server(), ada, chat, 'ship it');
    for (const emoji of ['party_parrot', '👩🏽‍💻', '🇵🇹']) {
      const answer = await react(server(), bob, chat, message.id, emoji);
      expect(answer.status).toBe(200);
    }
    const removed = await unreact(server(), bob, chat, message.id, '👩🏽‍💻');
    expect(removed.body.reactions.map((group) => group.emoji)).toEqual(['party_parrot', '🇵🇹']);
  });

  it(`refuses a new emoji past ${reactionsPerMessage} on a message (409), while joining one still works`, async () => {
    const message = await say(server(), ada, chat, 'vote');
    const emoji = ['😀', '😂', '😮', '🙏'];
    for (const one of emoji.slice(0, reactionsPerMessage)) {
      expect((await react(server(), ada, chat, message.id, one)).status).toBe(200);
    }
    const tooMany = await react(server(), bob, chat, message.id, emoji[reactionsPerMessage]!);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({ error: { code: 'conflict' } });
    expect(tooMany.body.error.message).toContain(`${reactionsPerMessage} different reactions`);
    const joined = await react(server(), bob, chat, message.id, '😀');
    expect(joined.status).toBe(200);
    expect(joined.body.reactions).toHaveLength(reactionsPerMessage);
    expect(joined.body.reactions[0]).toEqual({ emoji: '😀', count: 2, userIds: [ada.id, bob.id] });
  });

  it('refuses what is not one emoji or a short code (400)', async () => {
    const message = await say(server(), ada, chat, 'hm');
    for (const emoji of ['', 'two words', '<b>', 'x'.repeat(33), 'a👍']) {
      const answer = await react(server(), bob, chat, message.id, emoji);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect((await unreact(server(), bob, chat, message.id, 'two words')).status).toBe(400);
    expect((await readBack(server(), bob, chat, message.id))?.reactions).toEqual([]);
  });

  it('answers an outsider as for a conversation that does not exist, and a missing message with 404', async () => {
    const message = await say(server(), ada, chat, 'private');
    const outsider = await react(server(), carl, chat, message.id, '👍');
    const missing = await react(server(), carl, randomUUID(), message.id, '👍');
    expect([outsider.status, missing.status]).toEqual([404, 404]);
    expect({ ...outsider.body.error, requestId: '' }).toEqual({ ...missing.body.error, requestId: '' });
    const outsiderRemove = await unreact(server(), carl, chat, message.id, '👍');
    const missingRemove = await unreact(server(), carl, randomUUID(), message.id, '👍');
    expect({ ...outsiderRemove.body.error, requestId: '' }).toEqual({
      ...missingRemove.body.error,
      requestId: '',
    });
    expect((await react(server(), ada, chat, randomUUID(), '👍')).status).toBe(404);
    expect((await readBack(server(), ada, chat, message.id))?.reactions).toEqual([]);
  });

  it('answers 404 for a deleted message, whose reactions went with it', async () => {
    const message = await say(server(), ada, chat, 'oops');
    await react(server(), bob, chat, message.id, '😂');
    const deleted = await call(`${server().url}/v1/conversations/${chat}/messages/${message.id}`, {
      token: ada.token,
      method: 'DELETE',
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.reactions).toEqual([]);
    expect((await react(server(), bob, chat, message.id, '😂')).status).toBe(404);
    expect((await unreact(server(), bob, chat, message.id, '😂')).status).toBe(404);
    expect((await readBack(server(), bob, chat, message.id))?.reactions).toEqual([]);
  });
});

describeOnEachStore('reactions to an assistant reply', (server) => {
  it('are taken, and go when the reply is regenerated (they were to the old answer)', async () => {
    const ada = await signUp(server().url, 'ada');
    const created = await call(`${server().url}/v1/conversations`, {
      token: ada.token,
      body: { type: 'assistant' },
    });
    const chat = created.body.id as string;
    const sent = await call(`${server().url}/v1/conversations/${chat}/messages`, {
      token: ada.token,
      body: { content: 'tell me a joke' },
    });
    const replyId = sent.body.reply.id as string;
    const reacted = await react(server(), ada, chat, replyId, '😂');
    expect(reacted.body.reactions).toEqual([{ emoji: '😂', count: 1, userIds: [ada.id] }]);
    const regenerated = await call(
      `${server().url}/v1/conversations/${chat}/messages/${replyId}/regenerate`,
      {
        token: ada.token,
        body: {},
      },
    );
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.reply).toMatchObject({ id: replyId, status: 'complete', reactions: [] });
    expect((await readBack(server(), ada, chat, replyId))?.reactions).toEqual([]);
  });
});
