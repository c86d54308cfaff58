/**
 * `PATCH /v1/users/me`: a profile change is read back by the person (`/v1/auth/me`) and by others
 * (`/v1/users?ids=`), refused with the fields at fault when invalid, and heard of live as
 * `user.updated` by the people who share a conversation — and by no one else.
 */
import { call, connectRealtime, directConversation, type TestSocket } from '@chatwire/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { describeOnEachStore, type Person, register } from './stores.js';

const avatarUrl = 'https://images.example.com/ada.png';

describeOnEachStore('changing my profile', (server) => {
  let ada: Person;
  let bob: Person;
  let carl: Person;

  beforeAll(async () => {
    [ada, bob, carl] = await Promise.all([
      register(server(), 'ada'),
      register(server(), 'bob'),
      register(server(), 'carl'),
    ]);
    await directConversation(
      server().url,
      { id: ada.id, token: ada.accessToken },
      { id: bob.id, token: bob.accessToken },
    );
  });

  const patchMe = (person: Person, body: unknown) =>
    call(`${server().url}/v1/users/me`, { method: 'PATCH', token: person.accessToken, body });

  it('starts empty, changes what the patch names, and reads back both ways', async () => {
    const before = await call(`${server().url}/v1/auth/me`, { token: ada.accessToken });
    expect(before.body).toMatchObject({ avatarUrl: null, statusText: null });

    const changed = await patchMe(ada, { displayName: '  Ada L.  ', avatarUrl, statusText: ' In Lisbon ' });
    expect(changed.status).toBe(200);
    const expected = {
      id: ada.id,
      email: ada.email,
      displayName: 'Ada L.',
      avatarUrl,
      statusText: 'In Lisbon',
    };
    expect(changed.body).toMatchObject(expected);
    expect((await call(`${server().url}/v1/auth/me`, { token: ada.accessToken })).body).toMatchObject(
      expected,
    );
    const seen = await call(`${server().url}/v1/users?ids=${ada.id}`, { token: bob.accessToken });
    expect(seen.body.items).toEqual([
      {
        id: ada.id,
        displayName: 'Ada L.',
        avatarUrl,
        statusText: 'In Lisbon',
        online: false,
        deleted: false,
      },
    ]);

    // A field left out stays; null (or a status of spaces) clears.
    const cleared = await patchMe(ada, { avatarUrl: null, statusText: '   ' });
    expect(cleared.body).toMatchObject({ displayName: 'Ada L.', avatarUrl: null, statusText: null });
    const found = await call(`${server().url}/v1/users?q=ada%20l.`, { token: bob.accessToken });
    expect(found.body.items.map((user: { id: string }) => user.id)).toEqual([ada.id]);
  });

  it('refuses an avatar that is not https:, a status over 140 characters and an empty name', async () => {
    const cases: [unknown, string][] = [
      [{ avatarUrl: 'http://images.example.com/a.png' }, 'avatarUrl'],
      [{ avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
      [{ avatarUrl: 'https://images.example.com/\u0000.png' }, 'avatarUrl'],
      [{ statusText: 'x'.repeat(141) }, 'statusText'],
      [{ displayName: '   ' }, 'displayName'],
    ];
    for (const [body, field] of cases) {
      const answer = await patchMe(carl, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
      expect(answer.body.error.details.map((problem: { path: string[] }) => problem.path)).toContainEqual([
        'body',
        field,
      ]);
    }
    expect((await patchMe(carl, { statusText: 'x'.repeat(140) })).status).toBe(200);
    expect((await call(`${server().url}/v1/users/me`, { method: 'PATCH', body: {} })).status).toBe(401);
  });

  it("reaches the other participant's socket and my own other socket, not an unrelated user's", async () => {
    const sockets: TestSocket[] = [];
    try {
      for (const person of [bob, carl, ada]) {
        sockets.push(await connectRealtime(server().url, { token: person.accessToken }));
      }
      const [bobSocket, carlSocket, adaSocket] = sockets as [TestSocket, TestSocket, TestSocket];
      expect((await patchMe(ada, { statusText: 'Writing' })).status).toBe(200);
      const isAdas = (event: { type: string; user?: { id: string } }) =>
        event.type === 'user.updated' && event.user?.id === ada.id;
      for (const socket of [bobSocket, adaSocket]) {
        const { event } = await socket.waitForEvent(isAdas);
        expect(event).toEqual({
          type: 'user.updated',
          user: {
            id: ada.id,
            displayName: 'Ada L.',
            avatarUrl: null,
            statusText: 'Writing',
            online: true,
            deleted: false,
          },
        });
      }
      // Carl's own change comes after Ada's on his socket's ordered stream: once it is there,
      // Ada's would have been too.
      expect((await patchMe(carl, { statusText: 'Here' })).status).toBe(200);
      await carlSocket.waitForEvent((event) => event.type === 'user.updated' && event.user.id === carl.id);
      expect(carlSocket.events().filter((frame) => isAdas(frame.event))).toEqual([]);
    } finally {
      await Promise.all(sockets.map((socket) => socket.close()));
    }
  });
});
