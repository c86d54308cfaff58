/**
 * The role matrix over REST, action by action and role by role (owner, admin, member; an outsider
 * gets the 404 of a missing conversation), on each store against a real server: setting roles
 * (and handing the group over), adding and removing people, renaming, pinning — plus the
 * WebSocket frames (send, typing, read), which every role may use, side by side with REST.
 */
import { randomUUID } from 'node:crypto';
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { call, connectRealtime, signUp, type TestServer, type TestUser } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { type Cast, castGroup, say, setRole } from '../support/groups.js';
import { describeOnEachStore } from '../support/stores.js';

type Role = 'owner' | 'admin' | 'member';
const roles: Role[] = ['owner', 'admin', 'member'];

const rename = (server: TestServer, as: TestUser, id: string) =>
  call(`${server.url}/v1/conversations/${id}`, {
    token: as.token,
    method: 'PATCH',
    body: { title: 'renamed' },
  });
const addPerson = (server: TestServer, as: TestUser, id: string, who: TestUser) =>
  call(`${server.url}/v1/conversations/${id}/participants`, { token: as.token, body: { userIds: [who.id] } });
const removePerson = (server: TestServer, as: TestUser, id: string, who: string) =>
  call(`${server.url}/v1/conversations/${id}/participants/${who}`, { token: as.token, method: 'DELETE' });
const pin = (server: TestServer, as: TestUser, id: string, messageId: string) =>
  call(`${server.url}/v1/conversations/${id}/pins`, { token: as.token, body: { messageId } });

describeOnEachStore('the role matrix', (server) => {
  /** A fresh cast per test: each action changes the group. */
  const cast = () => castGroup(server());
  const who = (c: Cast, role: Role) => c[role];

  it('the owner makes an admin and takes it back; everyone hears participant.updated', async () => {
    const c = await cast();
    const socket = await connectRealtime(server().url, { token: c.member.token });
    try {
      const demoted = await setRole(server(), c.owner, c.group, c.admin.id, 'member');
      expect(demoted.status).toBe(200);
      expect(demoted.body.participants).toContainEqual(
        expect.objectContaining({ userId: c.admin.id, role: 'member' }),
      );
      const { event } = await socket.waitForEvent(
        (e: RealtimeEvent) => e.type === 'participant.updated' && e.participant.userId === c.admin.id,
      );
      expect(event).toMatchObject({ conversationId: c.group, participant: { role: 'member' } });
      // The same role again: nothing changes, no event.
      expect((await setRole(server(), c.owner, c.group, c.admin.id, 'member')).status).toBe(200);
    } finally {
      await socket.close();
    }
  });

  it('only the owner sets roles: an admin and a member get 403, an outsider the 404', async () => {
    const c = await cast();
    for (const role of ['admin', 'member'] as const) {
      const answer = await setRole(server(), who(c, role), c.group, c.member.id, 'admin');
      expect(answer.status, role).toBe(403);
      expect(answer.body.error.code).toBe('forbidden');
    }
    const outsider = await setRole(server(), c.outsider, c.group, c.member.id, 'admin');
    const missing = await setRole(server(), c.owner, randomUUID(), c.member.id, 'admin');
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe(missing.body.error.code);
    expect(outsider.body.error.message).toBe(missing.body.error.message);
    // Nothing changed.
    const read = await call(`${server().url}/v1/conversations/${c.group}`, { token: c.owner.token });
    expect(read.body.participants).toContainEqual(
      expect.objectContaining({ userId: c.member.id, role: 'member' }),
    );
  });

  it('role: owner hands the group over; the old owner becomes an admin', async () => {
    const c = await cast();
    const handed = await setRole(server(), c.owner, c.group, c.member.id, 'owner');
    expect(handed.status).toBe(200);
    const roleOf = (id: string) =>
      handed.body.participants.find((p: { userId: string }) => p.userId === id)?.role;
    expect([roleOf(c.owner.id), roleOf(c.member.id)]).toEqual(['admin', 'owner']);
    // The new owner now sets roles; the old one cannot.
    expect((await setRole(server(), c.owner, c.group, c.admin.id, 'member')).status).toBe(403);
    expect((await setRole(server(), c.member, c.group, c.admin.id, 'member')).status).toBe(200);
  });

  it('refuses roles outside groups, on oneself, for a non-participant, and a bad role', async () => {
    const c = await cast();
    expect((await setRole(server(), c.owner, c.group, c.owner.id, 'member')).status).toBe(400);
    expect((await setRole(server(), c.owner, c.group, c.outsider.id, 'admin')).status).toBe(404);
    const bad = await setRole(server(), c.owner, c.group, c.member.id, 'king');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const direct = await call(`${server().url}/v1/conversations`, {
      token: c.owner.token,
      body: { type: 'direct', participantIds: [c.member.id] },
    });
    expect((await setRole(server(), c.owner, direct.body.id, c.member.id, 'admin')).status).toBe(400);
  });

  it('adding people: owner and admin may, a member may not', async () => {
    const expected: Record<Role, number> = { owner: 200, admin: 200, member: 403 };
    for (const role of roles) {
      const c = await cast();
      const newcomer = await signUp(server().url, 'new');
      expect((await addPerson(server(), who(c, role), c.group, newcomer)).status, role).toBe(expected[role]);
    }
  });

  it('removing people: owner removes admins and members, an admin removes members only', async () => {
    const cases: [Role, Role, number][] = [
      ['owner', 'admin', 204],
      ['owner', 'member', 204],
      ['admin', 'member', 204],
      ['admin', 'owner', 403],
      ['member', 'admin', 403],
      ['member', 'owner', 403],
    ];
    for (const [actor, target, status] of cases) {
      const c = await cast();
      const answer = await removePerson(server(), who(c, actor), c.group, who(c, target).id);
      expect(answer.status, `${actor} removes ${target}`).toBe(status);
    }
    // A member may not remove another member.
    const c = await cast();
    const other = await signUp(server().url, 'other');
    await addPerson(server(), c.owner, c.group, other);
    expect((await removePerson(server(), c.member, c.group, other.id)).status).toBe(403);
    // An admin may not remove another admin.
    await setRole(server(), c.owner, c.group, c.member.id, 'admin');
    expect((await removePerson(server(), c.admin, c.group, c.member.id)).status).toBe(403);
    // Anyone may leave.
    expect((await removePerson(server(), c.member, c.group, c.member.id)).status).toBe(204);
  });

  it('renaming and pinning: owner and admin may, a member may not', async () => {
    const c = await cast();
    const message = await say(server(), c.member, c.group, 'pin me');
    const expected: Record<Role, number> = { owner: 200, admin: 200, member: 403 };
    for (const role of roles) {
      expect((await rename(server(), who(c, role), c.group)).status, `rename as ${role}`).toBe(
        expected[role],
      );
      const pinned = await pin(server(), who(c, role), c.group, message.id);
      expect(pinned.status, `pin as ${role}`).toBe(expected[role]);
    }
    expect((await rename(server(), c.outsider, c.group)).status).toBe(404);
  });

  it('over the WebSocket every role sends, types and reads, as over REST; an outsider gets not_found', async () => {
    const c = await cast();
    for (const role of [...roles, 'outsider'] as const) {
      const user = role === 'outsider' ? c.outsider : who(c, role);
      const socket = await connectRealtime(server().url, { token: user.token });
      try {
        const clientMessageId = randomUUID();
        socket.send({
          type: 'message.send',
          conversationId: c.group,
          clientMessageId,
          content: `ws ${role}`,
        });
        const answer = await socket.waitFor(
          (frame) =>
            (frame.type === 'ack' && frame.clientMessageId === clientMessageId) ||
            (frame.type === 'error' && frame.ref === clientMessageId),
        );
        const rest = await call(`${server().url}/v1/conversations/${c.group}/messages`, {
          token: user.token,
          body: { content: `rest ${role}` },
        });
        if (role === 'outsider') {
          expect(answer).toMatchObject({ type: 'error', code: 'not_found' });
          expect(rest.status).toBe(404);
        } else {
          expect(answer.type, role).toBe('ack');
          expect(rest.status, role).toBe(201);
        }
      } finally {
        await socket.close();
      }
    }
  });
});
