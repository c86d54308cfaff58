import { describe, expect, it } from 'vitest';
import { ids, json } from '../client/fake-fetch.test-support.js';
import { fakeClient } from '../create-client.test-support.js';

describe('client.users', () => {
  it('searches by display name and walks every page', async () => {
    const { client, requests } = fakeClient([
      json(200, { items: [{ id: ids.user, displayName: 'Ada', online: true }], nextCursor: 'n' }),
      json(200, { items: [{ id: 'u2', displayName: 'Adam', online: false }], nextCursor: null }),
    ]);
    const names: string[] = [];
    for await (const person of client.users.search({ q: 'ad' })) names.push(person.displayName);
    expect(names).toEqual(['Ada', 'Adam']);
    expect(requests.map((r) => r.path)).toEqual(['/v1/users?q=ad', '/v1/users?q=ad&cursor=n']);
  });

  it('looks people up by id in one request, and asks nothing for none', async () => {
    const { client, requests } = fakeClient([
      json(200, { items: [{ id: ids.user, displayName: 'Ada', online: true }], nextCursor: null }),
    ]);
    expect(await client.users.get([])).toEqual([]);
    const people = await client.users.get([ids.user, ids.message]);
    expect(people.map((person) => person.displayName)).toEqual(['Ada']);
    expect(requests.map((r) => r.path)).toEqual([
      `/v1/users?ids=${encodeURIComponent(`${ids.user},${ids.message}`)}`,
    ]);
  });

  it('asks for more than 100 ids 100 a request, at once, and answers in the order asked', async () => {
    const wanted = Array.from(
      { length: 250 },
      (_, i) => `0190a1b2-c3d4-7e5f-8a9b-${String(i).padStart(12, '0')}`,
    );
    const unknown = wanted[150];
    let inFlight = 0;
    let mostInFlight = 0;
    const { client, requests } = fakeClient(async (request) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const asked = (new URL(request.url).searchParams.get('ids') ?? '').split(',');
      // The first slice answers last: the order must not follow the answers.
      await new Promise((resolve) => setTimeout(resolve, asked[0] === wanted[0] ? 20 : 0));
      inFlight--;
      const items = asked
        .filter((id) => id !== unknown)
        .map((id) => ({ id, displayName: `user ${id.slice(-3)}`, online: false }));
      return json(200, { items, nextCursor: null });
    });
    // A repeated id is asked for (and answered) once.
    const people = await client.users.get([...wanted, wanted[0] as string]);
    expect(people.map((person) => person.id)).toEqual(wanted.filter((id) => id !== unknown));
    const slices = requests.map((r) => new URL(r.url).searchParams.get('ids')?.split(','));
    expect(slices).toEqual([wanted.slice(0, 100), wanted.slice(100, 200), wanted.slice(200)]);
    expect(requests.every((r) => !new URL(r.url).searchParams.has('limit'))).toBe(true);
    expect(mostInFlight).toBe(3);
  });
});
