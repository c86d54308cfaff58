/**
 * Deleting my account (`DELETE /v1/users/me`), on each store against a real server: the password
 * is required (a wrong one changes nothing); then each effect, every "gone" paired with its
 * "present before" — sessions, the socket (closed 4410 after `account.deleted`), assistant
 * conversations with their files, unattached uploads, leaving direct and group conversations
 * (ownership handed to the longest-standing admin, a group left empty deleted) — while messages
 * in others' conversations stay, from a tombstone others hear of as `user.updated` (deleted);
 * and the address can register again.
 */
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { call, connectRealtime, newAccount, type TestUser } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { upload } from '../attachments/support.js';
import { say, setRole, startGroup } from '../support/groups.js';
import { type Account, deleteAccount, describeOnEachStoreWithIt, register } from './support.js';

describeOnEachStoreWithIt('deleting an account', (stack) => {
  const url = () => stack().server.url;
  const login = (account: Account) =>
    call(`${url()}/v1/auth/login`, { body: { email: account.email, password: account.password } });
  const refresh = (account: Account) =>
    call(`${url()}/v1/auth/refresh`, { body: { refreshToken: account.refreshToken } });
  const me = (user: Pick<TestUser, 'token'>) => call(`${url()}/v1/auth/me`, { token: user.token });

  it('needs the current password: a wrong one is 401 invalid_credentials and changes nothing', async () => {
    const ada = await register(stack().server, 'ada');
    const wrong = await deleteAccount(stack().server, ada, 'not my password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const missing = await call(`${url()}/v1/users/me`, { token: ada.token, method: 'DELETE', body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('validation_failed');
    expect((await me(ada)).status).toBe(200);
    expect((await login(ada)).status).toBe(200);
  });

  it('ends every session and closes the socket (4410) after account.deleted; the address registers again', async () => {
    const ada = await register(stack().server, 'ada');
    const socket = await connectRealtime(url(), { token: ada.token });
    expect((await me(ada)).status).toBe(200);
    expect((await refresh({ ...ada, refreshToken: ada.refreshToken })).status).toBe(200);
    // A second session, to see its refresh token die too.
    const other = (await login(ada)).body.tokens;

    expect((await deleteAccount(stack().server, ada, ada.password)).status).toBe(204);
    await socket.waitForEvent((e: RealtimeEvent) => e.type === 'account.deleted' && e.userId === ada.id);
    expect((await socket.closed).code).toBe(4410);
    expect((await me(ada)).status).toBe(401);
    expect(
      (await call(`${url()}/v1/auth/refresh`, { body: { refreshToken: other.refreshToken } })).status,
    ).toBe(401);
    const relogin = await login(ada);
    expect(relogin.status).toBe(401);
    expect(relogin.body.error.code).toBe('invalid_credentials');
    // A new socket with the old token is refused.
    const again = await connectRealtime(url());
    again.send({ type: 'auth', token: ada.token });
    expect((await again.closed).code).toBe(4401);
    // Deleting again: the account is gone.
    expect((await deleteAccount(stack().server, ada, ada.password)).status).toBe(401);

    const fresh = await call(`${url()}/v1/auth/register`, {
      body: { ...newAccount('ada again'), email: ada.email },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body.user.id).not.toBe(ada.id);
  });

  it('deletes assistant conversations with their files and unattached uploads', async () => {
    const ada = await register(stack().server, 'ada');
    const { store } = stack();
    const chat = await call(`${url()}/v1/conversations`, { token: ada.token, body: { type: 'assistant' } });
    const attached = await upload(stack().server, ada);
    const loose = await upload(stack().server, ada);
    const sent = await call(`${url()}/v1/conversations/${chat.body.id}/messages`, {
      token: ada.token,
      body: { content: 'look', attachments: [{ fileId: attached.id }] },
    });
    expect(sent.status).toBe(201);
    expect(await store.getConversation(chat.body.id)).not.toBeNull();
    expect((await store.getFile(attached.id))?.conversationId).toBe(chat.body.id);
    expect(await store.getFile(loose.id)).not.toBeNull();

    expect((await deleteAccount(stack().server, ada, ada.password)).status).toBe(204);
    expect(await store.getConversation(chat.body.id)).toBeNull();
    expect(await store.getFile(attached.id)).toBeNull();
    expect(await store.getFile(loose.id)).toBeNull();
  });

  it('leaves direct and group conversations: messages kept from a deleted user, ownership handed over', async () => {
    const { server, store } = stack();
    const [ada, bob, carl, dan] = await Promise.all(
      ['ada', 'bob', 'carl', 'dan'].map((n) => register(server, n)),
    );
    const direct = (
      await call(`${url()}/v1/conversations`, {
        token: ada!.token,
        body: { type: 'direct', participantIds: [bob!.id] },
      })
    ).body.id as string;
    const said = await say(server, ada!, direct, 'remember me');
    // Ada owns a group: dan is its admin, bob a member who joined no later.
    const owned = await startGroup(server, ada!, [bob!, dan!]);
    await setRole(server, ada!, owned, dan!.id, 'admin');
    // Carl owns a group ada is in; and ada has a group of her own only.
    const theirs = await startGroup(server, carl!, [ada!]);
    const solo = await startGroup(server, ada!, [bob!]);
    await call(`${url()}/v1/conversations/${solo}/participants/${bob!.id}`, {
      token: ada!.token,
      method: 'DELETE',
    });
    expect((await store.getConversation(solo))?.participants.map((p) => p.userId)).toEqual([ada!.id]);

    const bobSocket = await connectRealtime(url(), { token: bob!.token });
    try {
      expect((await deleteAccount(server, ada!, ada!.password)).status).toBe(204);
      const { event } = await bobSocket.waitForEvent(
        (e: RealtimeEvent) => e.type === 'user.updated' && e.user.id === ada!.id,
      );
      expect(event).toMatchObject({
        user: {
          id: ada!.id,
          displayName: 'Deleted user',
          avatarUrl: null,
          statusText: null,
          deleted: true,
          online: false,
        },
      });
      for (const id of [direct, owned]) {
        await bobSocket.waitForEvent(
          (e: RealtimeEvent) =>
            e.type === 'participant.removed' && e.conversationId === id && e.userId === ada!.id,
        );
      }
      await bobSocket.waitForEvent(
        (e: RealtimeEvent) =>
          e.type === 'participant.updated' && e.conversationId === owned && e.participant.userId === dan!.id,
      );
    } finally {
      await bobSocket.close();
    }

    // The direct conversation is bob's still, with ada's message from a deleted user.
    const page = await call(`${url()}/v1/conversations/${direct}/messages`, { token: bob!.token });
    expect(page.body.items).toContainEqual(
      expect.objectContaining({ id: said.id, senderId: ada!.id, content: 'remember me' }),
    );
    const conversation = await call(`${url()}/v1/conversations/${direct}`, { token: bob!.token });
    expect(conversation.body.participants.map((p: { userId: string }) => p.userId)).toEqual([bob!.id]);
    // Ada's group passed to its admin; carl's group goes on without her; her solo group is gone.
    const group = await call(`${url()}/v1/conversations/${owned}`, { token: bob!.token });
    expect(group.body.participants).toEqual([
      expect.objectContaining({ userId: bob!.id, role: 'member' }),
      expect.objectContaining({ userId: dan!.id, role: 'owner' }),
    ]);
    const carls = await call(`${url()}/v1/conversations/${theirs}`, { token: carl!.token });
    expect(carls.body.participants.map((p: { userId: string }) => p.userId)).toEqual([carl!.id]);
    expect(await store.getConversation(solo)).toBeNull();
    // The tombstone: found by id, by nobody's search.
    const tombstone = await store.getUser(ada!.id);
    expect(tombstone).toMatchObject({ displayName: 'Deleted user', deletedAt: expect.any(String) });
    const search = await call(`${url()}/v1/users?q=Deleted`, { token: bob!.token });
    expect(search.body.items.map((u: { id: string }) => u.id)).not.toContain(ada!.id);
  });

  it('a deleted account is no one to start a conversation with or add to a group', async () => {
    const { server } = stack();
    const [ada, bob, carl] = await Promise.all(['ada', 'bob', 'carl'].map((n) => register(server, n)));
    const group = await startGroup(server, bob!, [carl!]);
    expect((await deleteAccount(server, ada!, ada!.password)).status).toBe(204);
    const direct = await call(`${url()}/v1/conversations`, {
      token: bob!.token,
      body: { type: 'direct', participantIds: [ada!.id] },
    });
    expect(direct.status).toBe(404);
    const added = await call(`${url()}/v1/conversations/${group}/participants`, {
      token: bob!.token,
      body: { userIds: [ada!.id] },
    });
    expect(added.status).toBe(404);
    expect(added.body.error.code).toBe('not_found');
  });
});
