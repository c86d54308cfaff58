import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newAccount } from '../../testing/http.js';
import { startTestServer, type TestServer } from '../../testing/start-server.js';

/** `GET /v1/users?ids=`: names (and presence) of people known by id, e.g. a conversation's participants. */
describe('looking users up by id', () => {
  let server: TestServer;
  let token: string;
  const people: { id: string; displayName: string }[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    for (const name of ['ada', 'bob', 'cy']) {
      const { body } = await call(`${server.url}/v1/auth/register`, { body: newAccount(name) });
      people.push(body.user);
      token ??= body.tokens.accessToken;
    }
  });
  afterAll(() => server.close());

  it('answers the users asked for, in that order, each once; unknown ids are left out', async () => {
    const [ada, bob, cy] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    const unknown = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d';
    const ids = [cy.id, unknown, ada.id.toUpperCase(), cy.id].join(',');
    const { status, body } = await call(`${server.url}/v1/users?ids=${ids}`, { token });
    expect(status).toBe(200);
    expect(body).toEqual({
      items: [
        {
          id: cy.id,
          displayName: cy.displayName,
          avatarUrl: null,
          statusText: null,
          online: false,
          deleted: false,
        },
        {
          id: ada.id,
          displayName: ada.displayName,
          avatarUrl: null,
          statusText: null,
          online: false,
          deleted: false,
        },
      ],
      nextCursor: null,
    });
    expect(body.items.some((user: { id: string }) => user.id === bob.id)).toBe(false);
    expect(JSON.stringify(body)).not.toContain('@example.com');
  });

  it('refuses malformed ids and more than 100, in the error envelope', async () => {
    const bad = await call(`${server.url}/v1/users?ids=not-an-id`, { token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const many = Array.from({ length: 101 }, () => people[0]?.id).join(',');
    expect((await call(`${server.url}/v1/users?ids=${many}`, { token })).status).toBe(400);
  });

  it('needs a signed-in user', async () => {
    expect((await call(`${server.url}/v1/users?ids=${people[0]?.id}`)).status).toBe(401);
  });
});
