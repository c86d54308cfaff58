/**
 * Threads and quoted replies over REST, on each store against a real server: replies and their
 * pages, the main list without them, also-in-conversation, the parent's summary, thread unread,
 * quote snapshots (edited and deleted quoted messages), the refusals, and the outsider's 404 on
 * every new route.
 */
import { randomUUID } from 'node:crypto';
import { call, directConversation, signUp, type TestUser } from '@chatwire/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { describeOnEachStore } from '../support/stores.js';
import { createConversation, mainList, markThreadRead, replies, send, sent, threads } from './support.js';

describeOnEachStore('threads over REST', (server) => {
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

  it('keeps replies in their thread, pages them, and sums them up on the parent', async () => {
    const parent = await sent(server(), ada, chat, { content: 'lunch?' });
    expect(parent).toMatchObject({ parentId: null, thread: null, alsoInConversation: false, quoted: null });
    const written: string[] = [];
    for (const [i, who] of [bob, ada, bob, bob, ada].entries()) {
      const reply = await sent(server(), who, chat, { content: `reply ${i}`, parentId: parent.id });
      expect(reply).toMatchObject({ parentId: parent.id, alsoInConversation: false });
      written.push(reply.id);
    }
    const after = await sent(server(), ada, chat, { content: 'in the main list' });

    const main = await mainList(server(), bob, chat);
    const ids = main.body.items.map((message) => message.id);
    expect(ids).toContain(parent.id);
    expect(ids).toContain(after.id);
    for (const id of written) expect(ids).not.toContain(id);
    const shown = main.body.items.find((message) => message.id === parent.id);
    expect(shown?.thread).toEqual({
      replyCount: 5,
      lastReplyAt: expect.any(String),
      participantIds: [bob.id, ada.id],
    });

    const newest = await replies(server(), bob, chat, parent.id, '?limit=2');
    expect(newest.status).toBe(200);
    expect(newest.body.items.map((reply) => reply.id)).toEqual(written.slice(3));
    const older = await replies(server(), bob, chat, parent.id, `?limit=2&cursor=${newest.body.nextCursor}`);
    expect(older.body.items.map((reply) => reply.id)).toEqual(written.slice(1, 3));
    const oldest = await replies(server(), bob, chat, parent.id, `?limit=2&cursor=${older.body.nextCursor}`);
    expect(oldest.body.items.map((reply) => reply.id)).toEqual(written.slice(0, 1));
    expect(oldest.body.nextCursor).toBeNull();
  });

  it('shows an also-in-conversation reply in both lists, and a reply to a reply joins its thread', async () => {
    const parent = await sent(server(), ada, chat, { content: 'plan' });
    const first = await sent(server(), bob, chat, { content: 'step 1', parentId: parent.id });
    const also = await sent(server(), bob, chat, {
      content: 'everyone: step 2',
      parentId: parent.id,
      alsoInConversation: true,
    });
    expect(also.alsoInConversation).toBe(true);
    const nested = await sent(server(), ada, chat, { content: 'on step 1', parentId: first.id });
    expect(nested.parentId).toBe(parent.id);
    const main = (await mainList(server(), ada, chat)).body.items.map((message) => message.id);
    expect(main).toContain(also.id);
    expect(main).not.toContain(first.id);
    const thread = (await replies(server(), ada, chat, parent.id)).body.items.map((reply) => reply.id);
    expect(thread).toEqual([first.id, also.id, nested.id]);
  });

  it('counts a deleted reply out of the summary', async () => {
    const parent = await sent(server(), ada, chat, { content: 'count me' });
    const reply = await sent(server(), bob, chat, { content: 'oops', parentId: parent.id });
    await sent(server(), bob, chat, { content: 'kept', parentId: parent.id });
    const removed = await call(`${server().url}/v1/conversations/${chat}/messages/${reply.id}`, {
      token: bob.token,
      method: 'DELETE',
    });
    expect(removed.status).toBe(200);
    const main = await mainList(server(), ada, chat);
    expect(main.body.items.find((message) => message.id === parent.id)?.thread?.replyCount).toBe(1);
  });

  it('keeps a thread read marker per person and lists my threads with unread counts', async () => {
    const group = await createConversation(server(), ada, {
      type: 'group',
      participantIds: [bob.id, carl.id],
    });
    const parent = await sent(server(), ada, group, { content: 'thread me' });
    const one = await sent(server(), bob, group, { content: 'one', parentId: parent.id });
    const two = await sent(server(), bob, group, { content: 'two', parentId: parent.id });

    const adas = await threads(server(), ada, group);
    expect(adas.status).toBe(200);
    expect(adas.body.items).toHaveLength(1);
    expect(adas.body.items[0]).toMatchObject({ unreadCount: 2, lastReplyAt: two.createdAt });
    expect(adas.body.items[0]?.parent.id).toBe(parent.id);
    // Bob wrote both: nothing unread. Carl never took part: no thread.
    expect((await threads(server(), bob, group)).body.items[0]?.unreadCount).toBe(0);
    expect((await threads(server(), carl, group)).body.items).toEqual([]);

    expect((await markThreadRead(server(), ada, group, parent.id, one.id)).status).toBe(204);
    expect((await threads(server(), ada, group)).body.items[0]?.unreadCount).toBe(1);
    // Never backwards.
    expect((await markThreadRead(server(), ada, group, parent.id, parent.id)).status).toBe(204);
    expect((await threads(server(), ada, group)).body.items[0]?.unreadCount).toBe(1);
    await markThreadRead(server(), ada, group, parent.id, two.id);
    expect((await threads(server(), ada, group)).body.items[0]?.unreadCount).toBe(0);
    // Carl marks it read: now he takes part.
    await markThreadRead(server(), carl, group, parent.id, one.id);
    expect((await threads(server(), carl, group)).body.items[0]?.unreadCount).toBe(1);
    // A message of the main list is not of this thread.
    const other = await sent(server(), ada, group, { content: 'elsewhere' });
    expect((await markThreadRead(server(), ada, group, parent.id, other.id)).status).toBe(404);
  });

  it('snapshots a quote at send time: an edit leaves it, a delete shows it deleted', async () => {
    const long = 'x'.repeat(300);
    const original = await sent(server(), bob, chat, { content: long });
    const quoting = await sent(server(), ada, chat, { content: 'this', quotedMessageId: original.id });
    expect(quoting.quoted).toEqual({
      messageId: original.id,
      senderId: bob.id,
      content: `${'x'.repeat(200)}…`,
      createdAt: original.createdAt,
      deleted: false,
    });
    const edited = await call(`${server().url}/v1/conversations/${chat}/messages/${original.id}`, {
      token: bob.token,
      method: 'PATCH',
      body: { content: 'changed my mind' },
    });
    expect(edited.status).toBe(200);
    const afterEdit = (await mainList(server(), ada, chat)).body.items.find((m) => m.id === quoting.id);
    expect(afterEdit?.quoted?.content).toBe(`${'x'.repeat(200)}…`);
    await call(`${server().url}/v1/conversations/${chat}/messages/${original.id}`, {
      token: bob.token,
      method: 'DELETE',
    });
    const afterDelete = (await mainList(server(), ada, chat)).body.items.find((m) => m.id === quoting.id);
    expect(afterDelete?.quoted).toMatchObject({ messageId: original.id, content: '', deleted: true });
  });

  it('refuses parents and quotes it may not use, storing nothing', async () => {
    const other = await directConversation(server().url, ada, carl);
    const elsewhere = await sent(server(), ada, other, { content: 'not here' });
    const before = (await mainList(server(), ada, chat)).body.items.length;
    for (const fields of [
      { content: 'x', parentId: randomUUID() },
      { content: 'x', parentId: elsewhere.id },
      { content: 'x', quotedMessageId: randomUUID() },
      { content: 'x', quotedMessageId: elsewhere.id },
    ]) {
      const answer = await send(server(), ada, chat, fields);
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
    }
    const deleted = await sent(server(), ada, chat, { content: 'gone soon' });
    await call(`${server().url}/v1/conversations/${chat}/messages/${deleted.id}`, {
      token: ada.token,
      method: 'DELETE',
    });
    expect((await send(server(), ada, chat, { content: 'x', parentId: deleted.id })).status).toBe(404);
    const lone = await send(server(), ada, chat, { content: 'x', alsoInConversation: true });
    expect(lone.status).toBe(400);
    expect(lone.body.error.code).toBe('validation_failed');
    expect((await mainList(server(), ada, chat)).body.items.length).toBe(before + 1);
  });

  it('refuses a parentId in an assistant conversation', async () => {
    const assistant = await createConversation(server(), ada, { type: 'assistant' });
    const prompt = await sent(server(), ada, assistant, { content: 'hi' });
    const answer = await send(server(), ada, assistant, { content: 'thread?', parentId: prompt.id });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'validation_failed' });
    expect(answer.body.error.details).toEqual([expect.objectContaining({ path: ['body', 'parentId'] })]);
  });

  it('answers an outsider the 404 of a missing conversation on every thread route', async () => {
    const parent = await sent(server(), ada, chat, { content: 'private' });
    const reply = await sent(server(), bob, chat, { content: 'secret', parentId: parent.id });
    const missing = randomUUID();
    for (const conversation of [chat, missing]) {
      const answers = [
        await replies(server(), carl, conversation, parent.id),
        await markThreadRead(server(), carl, conversation, parent.id, reply.id),
        await threads(server(), carl, conversation),
        await send(server(), carl, conversation, { content: 'x', parentId: parent.id }),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(404);
        expect(answer.body.error.code).toBe('not_found');
      }
    }
    // A member asking for a missing parent, or a reply's replies: the 404 of a missing message.
    expect((await replies(server(), bob, chat, missing)).status).toBe(404);
    expect((await replies(server(), bob, chat, reply.id)).status).toBe(404);
  });
});
