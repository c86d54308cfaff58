/**
 * A token signed with the right secret for an account this server does not have (its data was
 * reset with the secret kept, an operator removed the user) is refused everywhere: 401
 * `unauthorized` with RFC 6750's `invalid_token` challenge on every authenticated route, and the
 * bad-token refusal on the socket (`error` frame, close 4401).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RouteContract, routes } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../realtime/close-codes.js';
import { createAccessTokens } from '../services/access-tokens.js';
import { createLowdbStore } from '../store/lowdb/index.js';
import { type Store, StoreUnavailableError } from '../store/store.js';
import { call, newAccount } from '../testing/http.js';
import { startTestServer, type TestServer, testSecret } from '../testing/start-server.js';
import { connectRealtime } from '../testing/ws-client.js';

let first: TestServer;
let second: TestServer;
let token: string;
beforeAll(async () => {
  // Both sign with the same secret (testSecret); the second has a fresh, empty store.
  first = await startTestServer();
  second = await startTestServer();
  token = (await call(`${first.url}/v1/auth/register`, { body: newAccount() })).body.tokens.accessToken;
});
afterAll(async () => {
  await first?.close();
  await second?.close();
});

const someId = '11111111-1111-4111-8111-111111111111';
const authenticated = (Object.entries(routes) as [string, RouteContract][]).filter(([, route]) => route.auth);

describe('a token whose account does not exist', () => {
  it('is accepted where its account exists', async () => {
    expect((await call(`${first.url}/v1/conversations`, { token })).status).toBe(200);
  });

  it('is refused with 401 unauthorized on every authenticated route', async () => {
    expect(authenticated.length).toBeGreaterThan(15);
    const answers = await Promise.all(
      authenticated.map(async ([name, route]) => {
        const path = route.path.replace(/:[A-Za-z]+/g, someId);
        const hasBody = route.method === 'POST' || route.method === 'PATCH';
        const response = await call(`${second.url}${path}`, {
          method: route.method,
          token,
          ...(hasBody ? { body: { type: 'assistant', content: 'hello' } } : {}),
        });
        return {
          name,
          status: response.status,
          code: response.body?.error?.code,
          challenge: response.headers.get('www-authenticate'),
        };
      }),
    );
    for (const answer of answers)
      expect(answer, answer.name).toEqual({
        name: answer.name,
        status: 401,
        code: 'unauthorized',
        challenge: 'Bearer error="invalid_token"',
      });
    // Nothing was created on the way.
    const fresh = (await call(`${second.url}/v1/auth/register`, { body: newAccount() })).body.tokens
      .accessToken;
    expect((await call(`${second.url}/v1/conversations`, { token: fresh })).body.items).toEqual([]);
  });

  it('is refused on the socket like a bad token: error frame, then close 4401', async () => {
    const socket = await connectRealtime(second.url);
    socket.send({ type: 'auth', token });
    expect(await socket.waitFor((frame) => frame.type === 'error')).toMatchObject({ code: 'unauthorized' });
    expect(await socket.closed).toEqual({ code: CloseCode.unauthorized, reason: 'unauthorized' });
    expect(socket.frames.some((frame) => frame.type === 'ready')).toBe(false);
  });

  it('keeps the challenges apart: none sent → Bearer; a bad or expired one → invalid_token', async () => {
    const none = await call(`${second.url}/v1/auth/me`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const bad = await call(`${second.url}/v1/auth/me`, { token: 'not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const me = (await call(`${first.url}/v1/auth/me`, { token })).body;
    const { token: stale } = await createAccessTokens(testSecret, -60).issue(me.id);
    const expired = await call(`${first.url}/v1/auth/me`, { token: stale });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('token_expired');
    expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });
});

describe('when the account cannot be looked up (storage unreachable)', () => {
  it('answers 503 unavailable over REST and 1013 on the socket: nobody is signed out', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-lookup-'));
    const lowdb = createLowdbStore({ dataDir });
    await lowdb.init();
    const store: Store = Object.create(lowdb, {
      getUser: {
        value: async () => {
          throw new StoreUnavailableError('connection refused');
        },
      },
    });
    const down = await startTestServer({ store, dataDir });
    try {
      const rest = await call(`${down.url}/v1/conversations`, { token });
      expect(rest.status).toBe(503);
      expect(rest.body.error.code).toBe('unavailable');
      expect(rest.headers.get('retry-after')).toBeTruthy();
      const socket = await connectRealtime(down.url);
      socket.send({ type: 'auth', token });
      expect(await socket.waitFor((frame) => frame.type === 'error')).toMatchObject({ code: 'unavailable' });
      expect((await socket.closed).code).toBe(CloseCode.tryAgainLater);
    } finally {
      await down.close();
      await lowdb.close();
    }
  });
});
