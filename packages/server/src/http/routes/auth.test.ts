import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newAccount } from '../../testing/http.js';
import { startTestServer, type TestServer, testSecret } from '../../testing/start-server.js';

let server: TestServer;
let url: (path: string) => string;
beforeAll(async () => {
  server = await startTestServer();
  url = (path) => `${server.url}${path}`;
});
afterAll(() => server.close());

async function register(account = newAccount()) {
  const response = await call(url('/v1/auth/register'), { body: account });
  expect(response.status).toBe(201);
  return { account, ...response.body };
}

describe('register', () => {
  it('creates an account and hands out tokens', async () => {
    const account = newAccount('ada');
    const { user, tokens } = await register(account);
    expect(user).toMatchObject({ email: account.email, displayName: account.displayName });
    expect(user).not.toHaveProperty('passwordHash');
    expect(tokens).toMatchObject({ tokenType: 'bearer', expiresIn: 900 });
    const me = await call(url('/v1/auth/me'), { token: tokens.accessToken });
    expect(me.body).toEqual(user);
  });

  it('reports every unmet password rule', async () => {
    const response = await call(url('/v1/auth/register'), {
      body: { email: newAccount().email, password: 'short' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    const messages = response.body.error.details.map((detail: { message: string }) => detail.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Password must be at least 8 bytes long',
        'Password must contain an upper-case letter',
        'Password must contain a digit',
        'Password must contain a symbol',
      ]),
    );
    expect(response.body.error.details[0].path).toEqual(['body', 'password']);
  });

  it('rejects a password over 72 bytes (bcrypt would ignore the rest)', async () => {
    const response = await call(url('/v1/auth/register'), {
      body: { email: newAccount().email, password: `Aa1!${'é'.repeat(40)}` },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { message: string }) => d.message)).toContain(
      'Password must be at most 72 bytes long',
    );
  });

  it('treats emails case-insensitively', async () => {
    const account = newAccount();
    await register(account);
    const again = await call(url('/v1/auth/register'), {
      body: { ...account, email: account.email.toUpperCase() },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
    const login = await call(url('/v1/auth/login'), {
      body: { email: account.email.toUpperCase(), password: account.password },
    });
    expect(login.status).toBe(200);
  });
});

describe('login', () => {
  it('answers unknown email and wrong password identically', async () => {
    const { account } = await register();
    const wrong = await call(url('/v1/auth/login'), {
      body: { email: account.email, password: 'Wrong-pass-1' },
    });
    const unknown = await call(url('/v1/auth/login'), {
      body: { email: `nobody-${account.email}`, password: account.password },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (body: { error: { requestId?: string } }) => ({ ...body.error, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });
});

describe('refresh tokens', () => {
  it('rotate: the old one is spent, and reusing it revokes the whole family', async () => {
    const { tokens } = await register();
    const first = await call(url('/v1/auth/refresh'), { body: { refreshToken: tokens.refreshToken } });
    expect(first.status).toBe(200);
    const rotated = first.body.tokens.refreshToken;
    expect(rotated).not.toBe(tokens.refreshToken);

    const reuse = await call(url('/v1/auth/refresh'), { body: { refreshToken: tokens.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('unauthorized');
    // The reuse revoked the family: the token rotated from it is dead too.
    const after = await call(url('/v1/auth/refresh'), { body: { refreshToken: rotated } });
    expect(after.status).toBe(401);
  });

  it('logout revokes the family', async () => {
    const { tokens } = await register();
    expect((await call(url('/v1/auth/logout'), { body: { refreshToken: tokens.refreshToken } })).status).toBe(
      204,
    );
    const refresh = await call(url('/v1/auth/refresh'), { body: { refreshToken: tokens.refreshToken } });
    expect(refresh.status).toBe(401);
  });

  it('one login session does not revoke another', async () => {
    const { account, tokens } = await register();
    const other = await call(url('/v1/auth/login'), {
      body: { email: account.email, password: account.password },
    });
    await call(url('/v1/auth/logout'), { body: { refreshToken: tokens.refreshToken } });
    const refresh = await call(url('/v1/auth/refresh'), {
      body: { refreshToken: other.body.tokens.refreshToken },
    });
    expect(refresh.status).toBe(200);
  });
});

describe('OAuth2 token endpoint', () => {
  const form = (fields: Record<string, string>) => ({
    raw: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

  it('grants with a password and with a refresh token', async () => {
    const { account } = await register();
    const granted = await call(url('/v1/auth/token'), {
      method: 'POST',
      ...form({ grant_type: 'password', username: account.email, password: account.password }),
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    const me = await call(url('/v1/auth/me'), { token: granted.body.access_token });
    expect(me.body.email).toBe(account.email);
    const refreshed = await call(url('/v1/auth/token'), {
      method: 'POST',
      ...form({ grant_type: 'refresh_token', refresh_token: granted.body.refresh_token }),
    });
    expect(refreshed.status).toBe(200);
  });

  it('refuses JSON (OAuth2 clients send forms)', async () => {
    const response = await call(url('/v1/auth/token'), { body: { grant_type: 'password' } });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('unsupported_media_type');
  });
});

describe('access tokens', () => {
  const key = new TextEncoder().encode(testSecret);
  const sign = (claims: { exp: number; iss?: string; aud?: string }, sub: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer(claims.iss ?? 'chatwire')
      .setAudience(claims.aud ?? 'chatwire')
      .setIssuedAt(claims.exp - 60)
      .setJti('x')
      .setExpirationTime(claims.exp)
      .sign(key);

  it('an expired one answers token_expired', async () => {
    const { user } = await register();
    const token = await sign({ exp: Math.floor(Date.now() / 1000) - 10 }, user.id);
    const response = await call(url('/v1/auth/me'), { token });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('token_expired');
  });

  it('a wrong audience, a tampered signature or no token answers unauthorized', async () => {
    const { user, tokens } = await register();
    const wrongAudience = await sign({ exp: Math.floor(Date.now() / 1000) + 60, aud: 'other' }, user.id);
    const tampered = `${tokens.accessToken.slice(0, -2)}xx`;
    for (const token of [wrongAudience, tampered]) {
      const response = await call(url('/v1/auth/me'), { token });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
    const none = await call(url('/v1/auth/me'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
  });
});
