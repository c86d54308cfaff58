import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../client/errors.js';
import { errorResponse, ids, json } from '../client/fake-fetch.test-support.js';
import { fakeClient as setup } from '../create-client.test-support.js';

const conversation = { id: ids.conversation, type: 'group', title: 'Team' };
const base = `/v1/conversations/${ids.conversation}`;

describe('client.conversations', () => {
  it('calls each route with its method, path and body', async () => {
    const { client, requests } = setup((request) =>
      request.method === 'DELETE' || request.path.endsWith('/read')
        ? new Response(null, { status: 204 })
        : json(200, conversation),
    );
    await expect(client.conversations.create({ type: 'group', participantIds: [ids.user] })).resolves.toEqual(
      conversation,
    );
    await client.conversations.get(ids.conversation);
    await client.conversations.update(ids.conversation, { title: null });
    await expect(client.conversations.delete(ids.conversation)).resolves.toBeUndefined();
    await client.conversations.addParticipants(ids.conversation, { userIds: [ids.user] });
    await expect(client.conversations.removeParticipant(ids.conversation, ids.user)).resolves.toBeUndefined();
    await expect(
      client.conversations.markRead(ids.conversation, { messageId: ids.message }),
    ).resolves.toBeUndefined();
    expect(requests.map((r) => [r.method, r.path, r.body && JSON.parse(r.body)])).toEqual([
      ['POST', '/v1/conversations', { type: 'group', participantIds: [ids.user] }],
      ['GET', base, ''],
      ['PATCH', base, { title: null }],
      ['DELETE', base, ''],
      ['POST', `${base}/participants`, { userIds: [ids.user] }],
      ['DELETE', `${base}/participants/${ids.user}`, ''],
      ['POST', `${base}/read`, { messageId: ids.message }],
    ]);
    expect(requests.every((r) => r.headers.get('authorization') === 'Bearer access-a')).toBe(true);
  });

  it('lists page by page, passing limit and each nextCursor', async () => {
    const { client, requests } = setup([
      json(200, { items: [{ id: 'c1' }, { id: 'c2' }], nextCursor: 'p2' }),
      json(200, { items: [{ id: 'c3' }], nextCursor: 'p3' }),
      json(200, { items: [{ id: 'c4' }], nextCursor: null }),
    ]);
    const seen: string[] = [];
    for await (const item of client.conversations.list({ limit: 2 })) seen.push(item.id);
    expect(seen).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(requests.map((r) => r.path)).toEqual([
      '/v1/conversations?limit=2',
      '/v1/conversations?limit=2&cursor=p2',
      '/v1/conversations?limit=2&cursor=p3',
    ]);
  });

  it('rejects with NotFoundError for a conversation the caller is not in', async () => {
    const { client } = setup([errorResponse(404, 'not_found', 'No such conversation')]);
    await expect(client.conversations.get(ids.conversation)).rejects.toBeInstanceOf(NotFoundError);
  });
});
