/**
 * Mentions end to end on a real server, on each store: `@Display Name` parsed into
 * `Message.mentions` over REST and the WebSocket alike, only participants, client-claimed ids kept
 * only when named, edits re-parsed, unread mention counts, the `?mentions=me` filter in cursor
 * pages, and an outsider's 404.
 */
import type { Message } from '@chatwire/sdk/contracts';
import { call, connectRealtime, type TestSocket } from '@chatwire/server/testing';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeOnEachStore } from '../support/stores.js';
import { conversationOf, group, markRead, type Person, person, send, sendOverSocket } from './support.js';

const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await socket.close();
});

describeOnEachStore('mentions', (server) => {
  let ada: Person;
  let bob: Person;
  let cy: Person;
  let outsider: Person;
  let chat: string;

  beforeAll(async () => {
    [ada, bob, cy, outsider] = await Promise.all(
      ['ada', 'bob', 'cy', 'eve'].map((name) => person(server(), name)),
    );
    chat = await group(server(), ada, [bob, cy]);
  });

  it('parses @Display Name of participants over REST, case-insensitively, never an outsider', async () => {
    const message = await send(
      server(),
      ada,
      chat,
      `hey @${bob.name.toUpperCase()}, and @${outsider.name} and @${ada.name}!`,
    );
    expect(message.mentions).toEqual([bob.id]);
    const page = await call(`${server().url}/v1/conversations/${chat}/messages?limit=1`, { token: cy.token });
    expect((page.body.items as Message[])[0]?.mentions).toEqual([bob.id]);
  });

  it('parses the same over the WebSocket, with the one schema for client-given ids', async () => {
    const socket = await connectRealtime(server().url, { token: cy.token });
    sockets.push(socket);
    const message = await sendOverSocket(socket, chat, `@${ada.name} look`, [bob.id, outsider.id]);
    // Bob is claimed but not named in the text: nobody is pinged invisibly.
    expect(message.mentions).toEqual([ada.id]);
    socket.send({
      type: 'message.send',
      conversationId: chat,
      clientMessageId: 'bad-mentions',
      content: 'x',
      mentions: ['not-an-id'],
    } as never);
    const refused = await socket.waitFor((frame) => frame.type === 'error' && frame.ref === 'bad-mentions');
    expect(refused).toMatchObject({ code: 'validation_failed' });
  });

  it('keeps a claimed id only when its @name appears', async () => {
    const named = await send(server(), cy, chat, `@${bob.name} hi`, [bob.id, ada.id]);
    expect(named.mentions).toEqual([bob.id]);
    const bad = await call(`${server().url}/v1/conversations/${chat}/messages`, {
      token: cy.token,
      body: { content: 'x', mentions: ['nope'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
  });

  it('re-parses an edit', async () => {
    const message = await send(server(), ada, chat, `@${bob.name} first`);
    const edited = await call(`${server().url}/v1/conversations/${chat}/messages/${message.id}`, {
      method: 'PATCH',
      token: ada.token,
      body: { content: `no, @${cy.name}` },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.mentions).toEqual([cy.id]);
  });

  it('counts unread mentions until read, and pages ?mentions=me with cursors', async () => {
    const dm = await group(server(), ada, [bob]);
    const mentioning: string[] = [];
    for (let i = 0; i < 5; i++) {
      const message = await send(server(), ada, dm, i % 2 === 0 ? `@${bob.name} #${i}` : `plain ${i}`);
      if (i % 2 === 0) mentioning.push(message.id);
    }
    const before = await conversationOf(server(), bob, dm);
    expect(before).toMatchObject({ unreadCount: 5, unreadMentionCount: 3 });
    expect((await conversationOf(server(), ada, dm)).unreadMentionCount).toBe(0);

    const first = await call(`${server().url}/v1/conversations/${dm}/messages?mentions=me&limit=2`, {
      token: bob.token,
    });
    expect(first.status).toBe(200);
    expect((first.body.items as Message[]).map((m) => m.id)).toEqual(mentioning.slice(1));
    const second = await call(
      `${server().url}/v1/conversations/${dm}/messages?mentions=me&limit=2&cursor=${first.body.nextCursor}`,
      { token: bob.token },
    );
    expect((second.body.items as Message[]).map((m) => m.id)).toEqual(mentioning.slice(0, 1));
    expect(second.body.nextCursor).toBeNull();
    const adas = await call(`${server().url}/v1/conversations/${dm}/messages?mentions=me`, {
      token: ada.token,
    });
    expect(adas.body.items).toEqual([]);

    await markRead(server(), bob, dm, mentioning[1]!);
    expect((await conversationOf(server(), bob, dm)).unreadMentionCount).toBe(1);
    await markRead(server(), bob, dm, mentioning[2]!);
    const list = await call(`${server().url}/v1/conversations`, { token: bob.token });
    const listed = (list.body.items as { id: string; unreadMentionCount: number }[]).find((c) => c.id === dm);
    expect(listed?.unreadMentionCount).toBe(0);
  });

  it('answers an outsider the 404 of a missing conversation on the filter', async () => {
    const asOutsider = await call(`${server().url}/v1/conversations/${chat}/messages?mentions=me`, {
      token: outsider.token,
    });
    const missing = await call(
      `${server().url}/v1/conversations/00000000-0000-4000-8000-000000000000/messages?mentions=me`,
      { token: outsider.token },
    );
    expect(asOutsider.status).toBe(404);
    expect(asOutsider.body.error.code).toBe(missing.body.error.code);
    expect(asOutsider.body.error.message).toBe(missing.body.error.message);
    const bad = await call(`${server().url}/v1/conversations/${chat}/messages?mentions=you`, {
      token: bob.token,
    });
    expect(bad.status).toBe(400);
  });
});
