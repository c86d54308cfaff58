/**
 * Message search over REST on each store, against a real server: ranked hits with highlights,
 * prefixes and diacritics, only the conversations a user is in now (not one they left; an
 * outsider's `conversationId` is the 404 of a missing one), edited and deleted messages, pages
 * without duplicates or gaps while messages arrive, and bad queries in the error envelope.
 */
import { randomUUID } from 'node:crypto';
import { call, signUp, type TestUser } from '@chatwire/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { describeOnEachStore } from '../support/stores.js';
import { found, group, marked, type SearchAnswer, say, search } from './support.js';

describeOnEachStore('message search over REST', (server) => {
  let ada: TestUser;
  let bob: TestUser;
  let carl: TestUser;

  beforeAll(async () => {
    [ada, bob, carl] = await Promise.all([
      signUp(server().url, 'ada'),
      signUp(server().url, 'bob'),
      signUp(server().url, 'carl'),
    ]);
  });

  it('ranks hits by how often the words occur, then newest, with the matching words highlighted', async () => {
    const chat = await group(server(), ada, [bob]);
    await say(server(), ada, chat, 'The café opens at nine');
    const best = await say(server(), bob, chat, 'Cafe cafe CAFÉ: the best');
    await say(server(), ada, chat, 'tea time');
    await say(server(), bob, chat, 'the cafeteria menu');

    const answer = await search(server(), ada, { q: 'cafe' });
    expect(answer.status).toBe(200);
    const { items, nextCursor } = answer.body;
    expect(items.map((hit) => hit.message.content)).toEqual([
      'Cafe cafe CAFÉ: the best',
      'the cafeteria menu',
      'The café opens at nine',
    ]);
    expect(items[0]).toMatchObject({ conversationId: chat, message: { id: best.id, senderId: bob.id } });
    expect(items[0]!.score).toBeGreaterThan(items[1]!.score);
    expect(items[0]!.highlights).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 9 },
      { start: 10, end: 14 },
    ]);
    expect(items.map(marked)).toEqual([['Cafe', 'cafe', 'CAFÉ'], ['cafeteria'], ['café']]);
    expect(nextCursor).toBeNull();

    // Every word must occur; only the last one is a prefix.
    expect(await found(server(), bob, 'café nin')).toEqual(['The café opens at nine']);
    expect(await found(server(), bob, 'caf nine')).toEqual([]);
    const [dessert] = (await search(server(), ada, { q: 'CREME brul' })).body.items;
    expect(dessert).toBeUndefined();
    await say(server(), ada, chat, 'Crème brûlée, s’il vous plaît');
    const [sweet] = (await search(server(), bob, { q: 'CREME brul' })).body.items;
    expect(sweet && marked(sweet)).toEqual(['Crème', 'brûlée']);
  });

  it('searches only the conversations I am in now: one I left is gone at once', async () => {
    const chat = await group(server(), ada, [bob, carl]);
    await say(server(), bob, chat, 'quarterly numbers attached');
    expect(await found(server(), carl, 'quarterly')).toEqual(['quarterly numbers attached']);
    expect(await found(server(), carl, 'quarterly', { conversationId: chat })).toEqual([
      'quarterly numbers attached',
    ]);

    const left = await call(`${server().url}/v1/conversations/${chat}/participants/${carl.id}`, {
      method: 'DELETE',
      token: carl.token,
    });
    expect(left.status).toBe(204);
    expect(await found(server(), carl, 'quarterly')).toEqual([]);
    const scoped = await search(server(), carl, { q: 'quarterly', conversationId: chat });
    expect(scoped.status).toBe(404);
    expect(scoped.body.error.code).toBe('not_found');
    // Those still in find it.
    expect(await found(server(), ada, 'quarterly')).toEqual(['quarterly numbers attached']);
  });

  it("answers an outsider's conversationId with the same 404 as a missing one", async () => {
    const chat = await group(server(), ada, [bob]);
    await say(server(), ada, chat, 'private matter');
    const outsider = await search(server(), carl, { q: 'private', conversationId: chat });
    const missing = await search(server(), carl, { q: 'private', conversationId: randomUUID() });
    expect(outsider.status).toBe(404);
    expect(missing.status).toBe(404);
    const { requestId: _a, ...outsiderError } = outsider.body.error;
    const { requestId: _b, ...missingError } = missing.body.error;
    expect(outsiderError).toEqual(missingError);
    expect(await found(server(), carl, 'private')).toEqual([]);
  });

  it('finds the current text of an edited message and never a deleted one', async () => {
    const chat = await group(server(), ada, [bob]);
    const message = await say(server(), ada, chat, 'meet at the harbour');
    const doomed = await say(server(), ada, chat, 'burn after reading');
    const edited = await call(`${server().url}/v1/conversations/${chat}/messages/${message.id}`, {
      method: 'PATCH',
      token: ada.token,
      body: { content: 'meet at the station' },
    });
    expect(edited.status).toBe(200);
    expect(await found(server(), bob, 'harbour')).toEqual([]);
    const [hit] = (await search(server(), bob, { q: 'station' })).body.items;
    expect(hit?.message).toMatchObject({ id: message.id, content: 'meet at the station' });
    expect(hit?.message.editedAt).not.toBeNull();

    const deleted = await call(`${server().url}/v1/conversations/${chat}/messages/${doomed.id}`, {
      method: 'DELETE',
      token: ada.token,
    });
    expect(deleted.status).toBe(200);
    expect(await found(server(), bob, 'burn')).toEqual([]);
  });

  it('pages through every hit once, without gaps, while new messages arrive', async () => {
    const [dana, eve] = await Promise.all([signUp(server().url, 'dana'), signUp(server().url, 'eve')]);
    const chat = await group(server(), dana, [eve]);
    const sent = [];
    for (let index = 0; index < 12; index++) {
      sent.push(await say(server(), dana, chat, `ledger ${'entry '.repeat((index % 3) + 1)}${index}`));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: { status: number; body: SearchAnswer } = await search(server(), eve, {
        q: 'ledger entr',
        limit: 5,
        ...(cursor && { cursor }),
      });
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items.map((hit) => hit.message.id));
      cursor = answer.body.nextCursor;
      pages++;
      // A match arrives between pages, ranking among those still to come (one word, newest):
      // it waits for a new search.
      await say(server(), dana, chat, `ledger entry late ${pages}`);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect([...seen].sort()).toEqual(sent.map((message) => message.id).sort());
    // A new search sees the late ones.
    expect(
      (await found(server(), eve, 'ledger entr')).filter((content) => content.includes('late')),
    ).toHaveLength(3);
  });

  it('refuses bad queries with the error envelope, changing nothing', async () => {
    const bad: Record<string, string | number>[] = [
      { q: '' },
      { q: '   ' },
      { q: '?!…' },
      { q: 'x'.repeat(201) },
      { q: 'ok', limit: 51 },
      { q: 'ok', limit: 0 },
      { q: 'ok', conversationId: 'not-an-id' },
      { q: 'ok', cursor: 'not-a-cursor' },
      // Well-formed JSON, tampered: a time and an id that are not.
      {
        q: 'ok',
        cursor: Buffer.from(
          JSON.stringify({ q: ['ok'], asOf: 'soon', s: 1, c: 'x', i: 'y', w: null }),
        ).toString('base64url'),
      },
    ];
    for (const query of bad) {
      const answer = await search(server(), ada, query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
      expect(answer.body.error.message).toEqual(expect.any(String));
    }
    // A cursor of one search does not continue another.
    const chat = await group(server(), ada, [carl]);
    for (let index = 0; index < 3; index++) await say(server(), ada, chat, `cursor test ${index}`);
    const first = await search(server(), ada, { q: 'cursor', limit: 2 });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const other = await search(server(), ada, { q: 'test', cursor: first.body.nextCursor! });
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('validation_failed');
    // Signed out: 401.
    const anonymous = await call(`${server().url}/v1/search/messages?q=cursor`);
    expect(anonymous.status).toBe(401);
  });
});

describeOnEachStore(
  'message search rate limit',
  (server) => {
    it('answers 429 with Retry-After past the per-user budget; others are not affected', async () => {
      const [ada, bob] = await Promise.all([signUp(server().url, 'ada'), signUp(server().url, 'bob')]);
      for (let index = 0; index < 3; index++) {
        expect((await search(server(), ada, { q: `word${index}` })).status).toBe(200);
      }
      const limited = await search(server(), ada, { q: 'more' });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await search(server(), bob, { q: 'more' })).status).toBe(200);
      // Other routes draw from their own budget.
      expect((await call(`${server().url}/v1/conversations`, { token: ada.token })).status).toBe(200);
    });
  },
  { rateLimits: { searchPerMinute: 3 } },
);
