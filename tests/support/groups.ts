/**
 * Raw-wire helpers the roles, pins and accounts journeys share: a group with an owner, an admin
 * and a member; a message said over REST; a role set. No SDK: these hold the server to the wire.
 */
import type { Message } from '@chatwire/sdk/contracts';
import { call, signUp, type TestServer, type TestUser } from '@chatwire/server/testing';

/** A group `owner` started with `others` in it (all members); its id. */
export async function startGroup(server: TestServer, owner: TestUser, others: TestUser[], title = 'team') {
  const created = await call(`${server.url}/v1/conversations`, {
    token: owner.token,
    body: { type: 'group', title, participantIds: others.map((user) => user.id) },
  });
  if (created.status !== 201) throw new Error(`group create failed: ${created.status} ${created.text}`);
  return created.body.id as string;
}

/** `PATCH /v1/conversations/:id/participants/:userId { role }` as `as`. */
export const setRole = (server: TestServer, as: TestUser, id: string, target: string, role: string) =>
  call(`${server.url}/v1/conversations/${id}/participants/${target}`, {
    token: as.token,
    method: 'PATCH',
    body: { role },
  });

/** `user` sends `content` over REST; the stored message. */
export async function say(server: TestServer, user: TestUser, id: string, content: string): Promise<Message> {
  const sent = await call(`${server.url}/v1/conversations/${id}/messages`, {
    token: user.token,
    body: { content },
  });
  if (sent.status !== 201) throw new Error(`send failed: ${sent.status} ${sent.text}`);
  return sent.body.message as Message;
}

/** Owner, admin, member (and an outsider) of a fresh group. */
export interface Cast {
  owner: TestUser;
  admin: TestUser;
  member: TestUser;
  outsider: TestUser;
  group: string;
}

/** Signs up four people and makes the group: the owner makes `admin` an admin. */
export async function castGroup(server: TestServer): Promise<Cast> {
  const [owner, admin, member, outsider] = await Promise.all(
    ['owner', 'admin', 'member', 'outsider'].map((name) => signUp(server.url, name)),
  );
  const group = await startGroup(server, owner!, [admin!, member!]);
  const made = await setRole(server, owner!, group, admin!.id, 'admin');
  if (made.status !== 200) throw new Error(`set role failed: ${made.status} ${made.text}`);
  return { owner: owner!, admin: admin!, member: member!, outsider: outsider!, group };
}
