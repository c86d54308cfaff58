import { describe, expect, it } from 'vitest';
import type { AuthChange } from '../client/auth-session.js';
import { AuthenticationError, ValidationError } from '../client/errors.js';
import { errorResponse, ids, json, tokens, user } from '../client/fake-fetch.test-support.js';
import { memoryTokenStore } from '../client/token-store.js';
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

  it('changes my profile with PATCH /v1/users/me and answers me as I am now', async () => {
    const changed = { ...user, statusText: 'Away', avatarUrl: null };
    const { client, requests } = fakeClient([json(200, changed)]);
    expect(await client.users.updateMe({ statusText: 'Away', avatarUrl: null })).toEqual(changed);
    expect(requests.map((r) => [r.method, r.path, r.headers.get('authorization')])).toEqual([
      ['PATCH', '/v1/users/me', 'Bearer access-a'],
    ]);
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ statusText: 'Away', avatarUrl: null });
  });

  it("surfaces the server's refusal of a profile as ValidationError", async () => {
    const { client } = fakeClient([errorResponse(400, 'validation_failed')]);
    await expect(client.users.updateMe({ avatarUrl: 'http://example.com/a.png' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('changes my password and goes on with the new tokens it stores', async () => {
    const store = memoryTokenStore(tokens('old'));
    const { client, requests } = fakeClient([json(200, tokens('new')), json(200, user)], {
      tokenStore: store,
    });
    const changes: AuthChange[] = [];
    client.auth.onChange((change) => changes.push(change));
    const body = { currentPassword: 'S3cure!pass', newPassword: 'N3w-S3cure!pass' };
    expect(await client.users.changePassword(body)).toEqual(tokens('new'));
    expect(await store.get()).toEqual(tokens('new'));
    expect(changes).toEqual([{ type: 'refreshed', tokens: tokens('new') }]);
    await client.auth.me();
    expect(requests.map((r) => [r.method, r.path, r.headers.get('authorization')])).toEqual([
      ['POST', '/v1/users/me/password', 'Bearer access-old'],
      ['GET', '/v1/auth/me', 'Bearer access-new'],
    ]);
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual(body);
  });

  it('keeps the session and its tokens when the current password is wrong', async () => {
    const store = memoryTokenStore(tokens('old'));
    const { client } = fakeClient([errorResponse(401, 'invalid_credentials')], { tokenStore: store });
    await expect(
      client.users.changePassword({ currentPassword: 'wrong', newPassword: 'N3w-S3cure!pass' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(await store.get()).toEqual(tokens('old'));
  });

  it('a refresh refused because the password change revoked its token leaves the new session', async () => {
    let refuse: () => void = () => {};
    const refused = new Promise<void>((resolve) => {
      refuse = resolve;
    });
    const store = memoryTokenStore(tokens('old'));
    const { client } = fakeClient(
      async (request) => {
        if (request.path !== '/v1/auth/refresh') return json(200, tokens('new'));
        await refused;
        return errorResponse(401, 'unauthorized');
      },
      { tokenStore: store },
    );
    const changes: string[] = [];
    client.auth.onChange((change) => changes.push(change.type));
    const refreshing = client.auth.refresh();
    await client.users.changePassword({ currentPassword: 'S3cure!pass', newPassword: 'N3w-S3cure!pass' });
    refuse();
    await expect(refreshing).resolves.toEqual(tokens('new'));
    expect(await store.get()).toEqual(tokens('new'));
    expect(changes).toEqual(['refreshed']);
  });
});
