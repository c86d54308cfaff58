import { describe, expect, it } from 'vitest';
import { createClient } from '../client/create-client.js';
import { fakeFetch, ids, json, tokens } from '../client/fake-fetch.test-support.js';
import { memoryTokenStore } from '../client/token-store.js';

describe('client.users', () => {
  it('searches by display name and walks every page', async () => {
    const fake = fakeFetch([
      json(200, { items: [{ id: ids.user, displayName: 'Ada', online: true }], nextCursor: 'n' }),
      json(200, { items: [{ id: 'u2', displayName: 'Adam', online: false }], nextCursor: null }),
    ]);
    const client = createClient({
      baseUrl: 'https://api.test',
      fetch: fake.fetch,
      tokenStore: memoryTokenStore(tokens('a')),
    });
    const names: string[] = [];
    for await (const person of client.users.search({ q: 'ad' })) names.push(person.displayName);
    expect(names).toEqual(['Ada', 'Adam']);
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/users?q=ad', '/v1/users?q=ad&cursor=n']);
  });

  it('looks people up by id in one request, and asks nothing for none', async () => {
    const fake = fakeFetch([
      json(200, { items: [{ id: ids.user, displayName: 'Ada', online: true }], nextCursor: null }),
    ]);
    const client = createClient({
      baseUrl: 'https://api.test',
      fetch: fake.fetch,
      tokenStore: memoryTokenStore(tokens('a')),
    });
    expect(await client.users.get([])).toEqual([]);
    const people = await client.users.get([ids.user, ids.message]);
    expect(people.map((person) => person.displayName)).toEqual(['Ada']);
    expect(fake.requests.map((r) => r.path)).toEqual([
      `/v1/users?ids=${encodeURIComponent(`${ids.user},${ids.message}`)}&limit=100`,
    ]);
  });
});
