import { describe, expect, it } from 'vitest';
import {
  errorResponse,
  type fakeFetch,
  ids,
  json,
  recordingSleep,
} from '../client/fake-fetch.test-support.js';
import { fakeClient } from '../create-client.test-support.js';

function setup(script: Parameters<typeof fakeFetch>[0]) {
  const { delays, sleep } = recordingSleep();
  return { ...fakeClient(script, { retry: { sleep, random: () => 0 } }), delays };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const base = `/v1/conversations/${ids.conversation}/messages`;
const stored = { message: { id: ids.message }, reply: null };

describe('client.messages', () => {
  it('send fills in a clientMessageId and reuses it when it retries', async () => {
    const { client, requests, delays } = setup([
      errorResponse(503, 'unavailable', 'down', { 'retry-after': '1' }),
      () => Promise.reject(new TypeError('fetch failed')),
      json(201, stored),
    ]);
    await expect(client.messages.send(ids.conversation, { content: 'Hello' })).resolves.toEqual(stored);
    const bodies = requests.map((r) => JSON.parse(r.body) as { content: string; clientMessageId: string });
    expect(bodies).toHaveLength(3);
    expect(bodies[0]?.clientMessageId).toMatch(uuid);
    expect(new Set(bodies.map((body) => body.clientMessageId)).size).toBe(1);
    expect(bodies[0]?.content).toBe('Hello');
    expect(requests[0]?.path).toBe(base);
    expect(delays).toEqual([1000, 0]);
  });

  it("send keeps the caller's clientMessageId and model", async () => {
    const { client, requests } = setup([json(200, stored)]);
    await client.messages.send(ids.conversation, { content: 'Hi', clientMessageId: 'mine-1', model: 'fast' });
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      content: 'Hi',
      clientMessageId: 'mine-1',
      model: 'fast',
    });
  });

  it('a new clientMessageId per send', async () => {
    const { client, requests } = setup(() => json(201, stored));
    await client.messages.send(ids.conversation, { content: 'one' });
    await client.messages.send(ids.conversation, { content: 'two' });
    const [first, second] = requests.map(
      (r) => (JSON.parse(r.body) as { clientMessageId: string }).clientMessageId,
    );
    expect(first).not.toBe(second);
  });

  it('list starts at the newest page and follows nextCursor towards older messages', async () => {
    const { client, requests } = setup([
      json(200, { items: [{ id: 'm3' }, { id: 'm4' }], nextCursor: 'older' }),
      json(200, { items: [{ id: 'm1' }, { id: 'm2' }], nextCursor: null }),
    ]);
    const first = await client.messages.list(ids.conversation, { limit: 2 });
    expect(first.items.map((m) => m.id)).toEqual(['m3', 'm4']);
    const older = await first.getNextPage();
    expect(older.items.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(older.hasNextPage()).toBe(false);
    expect(requests.map((r) => r.path)).toEqual([`${base}?limit=2`, `${base}?limit=2&cursor=older`]);
  });

  it('edit, delete and stop hit the message', async () => {
    const { client, requests } = setup(() => json(200, { id: ids.message }));
    await client.messages.edit(ids.conversation, ids.message, { content: 'fixed' });
    await client.messages.delete(ids.conversation, ids.message);
    await expect(client.messages.stop(ids.conversation, ids.message)).resolves.toEqual({ id: ids.message });
    expect(requests.map((r) => [r.method, r.path, r.body, r.headers.get('content-type')])).toEqual([
      ['PATCH', `${base}/${ids.message}`, '{"content":"fixed"}', 'application/json'],
      ['DELETE', `${base}/${ids.message}`, '', null],
      ['POST', `${base}/${ids.message}/stop`, '', null],
    ]);
  });

  it('react posts the emoji; unreact puts it, URI-encoded, in the path', async () => {
    const { client, requests } = setup(() => json(200, { id: ids.message, reactions: [] }));
    await client.messages.react(ids.conversation, ids.message, '👍🏽');
    await client.messages.unreact(ids.conversation, ids.message, '👍🏽');
    await client.messages.unreact(ids.conversation, ids.message, 'party_parrot');
    expect(requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', `${base}/${ids.message}/reactions`, '{"emoji":"👍🏽"}'],
      ['DELETE', `${base}/${ids.message}/reactions/${encodeURIComponent('👍🏽')}`, ''],
      ['DELETE', `${base}/${ids.message}/reactions/party_parrot`, ''],
    ]);
    expect(requests[1]?.path).toContain('%F0%9F%91%8D');
  });
});
