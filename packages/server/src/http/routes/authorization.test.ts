import { type RouteName, routes } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newAccount } from '../../testing/http.js';
import { startTestServer, type TestServer } from '../../testing/start-server.js';

/**
 * Every route that names a conversation, tried by someone who is not in it: each answers 404
 * (never 403: an outsider must not learn the conversation exists) and changes nothing.
 */
let server: TestServer;
let owner: { token: string; id: string };
let member: { token: string; id: string };
let outsider: { token: string; id: string };
const conversations: Record<string, { id: string; messageId: string }> = {};

async function signUp() {
  const session = (await call(`${server.url}/v1/auth/register`, { body: newAccount() })).body;
  return { token: session.tokens.accessToken as string, id: session.user.id as string };
}

beforeAll(async () => {
  server = await startTestServer();
  [owner, member, outsider] = [await signUp(), await signUp(), await signUp()];
  const kinds = {
    group: { type: 'group', title: 'secret plans', participantIds: [member.id] },
    direct: { type: 'direct', participantIds: [member.id] },
    assistant: { type: 'assistant' },
  };
  for (const [kind, body] of Object.entries(kinds)) {
    const conversation = (await call(`${server.url}/v1/conversations`, { token: owner.token, body })).body;
    const sent = await call(`${server.url}/v1/conversations/${conversation.id}/messages`, {
      token: owner.token,
      body: { content: 'hello' },
    });
    const messageId = kind === 'assistant' ? sent.body.reply.id : sent.body.message.id;
    conversations[kind] = { id: conversation.id, messageId };
  }
});
afterAll(() => server.close());

/** A valid body for each route, so that only authorization can fail. */
const bodies: Partial<Record<RouteName, unknown>> = {
  updateConversation: { title: 'mine now' },
  addParticipants: { userIds: [] as string[] },
  markRead: { messageId: '' },
  sendMessage: { content: 'let me in' },
  editMessage: { content: 'edited by a stranger' },
  regenerate: {},
  submitToolResult: { toolCallId: 'call_1', output: { ok: true } },
  approveToolCall: { toolCallId: 'call_1', approved: true },
  addReaction: { emoji: '👍' },
  setParticipantRole: { role: 'admin' },
};

const scoped = (Object.entries(routes) as [RouteName, (typeof routes)[RouteName]][]).filter(([, route]) =>
  route.path.includes(':id'),
);

describe.each(['group', 'direct', 'assistant'])('an outsider to a %s conversation', (kind) => {
  it.each(scoped.map(([name]) => name))('gets 404 from %s', async (name) => {
    const route = routes[name];
    const { id, messageId } = conversations[kind]!;
    const path = route.path
      .replace(':id', id)
      .replace(':messageId', messageId)
      .replace(':userId', member.id)
      .replace(':emoji', encodeURIComponent('👍'));
    let body = bodies[name];
    if (name === 'addParticipants') body = { userIds: [outsider.id] };
    if (name === 'markRead' || name === 'pinMessage') body = { messageId };
    const response = await call(`${server.url}${path}`, {
      method: route.method,
      token: outsider.token,
      ...(body !== undefined ? { body } : {}),
    });
    expect(response.status, response.text).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('changed nothing, and the conversation is not in their list', async () => {
    const { id, messageId } = conversations[kind]!;
    const seen = await call(`${server.url}/v1/conversations/${id}`, { token: owner.token });
    expect(seen.status).toBe(200);
    expect(seen.body.participants.map((p: { userId: string }) => p.userId)).not.toContain(outsider.id);
    const page = await call(`${server.url}/v1/conversations/${id}/messages`, { token: owner.token });
    const message = page.body.items.find((m: { id: string }) => m.id === messageId);
    expect(message.status).not.toBe('deleted');
    expect(message.content).not.toBe('edited by a stranger');
    expect(message.reactions).toEqual([]);
    const list = await call(`${server.url}/v1/conversations`, { token: outsider.token });
    expect(list.body.items).toEqual([]);
  });
});
