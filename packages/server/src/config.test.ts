import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8787, host: '127.0.0.1', app: { dataDir: './.chatwire' } });
    expect(config.database).toBeUndefined();
  });

  it('reads durations, lists and numbers', () => {
    const config = loadConfig({
      ACCESS_TOKEN_TTL: '5m',
      REFRESH_TOKEN_TTL: '7d',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      BCRYPT_COST: '12',
      RATE_LIMIT_AUTH_PER_MINUTE: '20',
    });
    expect(config.app).toMatchObject({
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 604800,
      corsOrigins: ['https://a.example', 'https://b.example'],
      bcryptCost: 12,
      rateLimits: { authPerMinute: 20 },
    });
  });

  it('names every bad variable, and never echoes a secret back', () => {
    const secret = 'postgres://user:hunter2@db/x y';
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', JWT_SECRET: 'short', DATABASE_URL: secret, ACCESS_TOKEN_TTL: 'soon' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'JWT_SECRET', 'DATABASE_URL', 'ACCESS_TOKEN_TTL'])
      expect(message).toContain(name);
    expect(message).not.toContain('hunter2');
  });

  it('selects the Redis broker with REDIS_URL (and its prefix), only together with DATABASE_URL', () => {
    const database = 'postgres://postgres@127.0.0.1:5432/test';
    expect(loadConfig({ DATABASE_URL: database }).redis).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: database, REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
    });
    expect(
      loadConfig({
        DATABASE_URL: database,
        REDIS_URL: 'rediss://:secret@cache.example:6380/2',
        CHATWIRE_REDIS_PREFIX: 'staging:',
      }).redis,
    ).toEqual({ url: 'rediss://:secret@cache.example:6380/2', prefix: 'staging:' });
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /REDIS_URL: several processes cannot share lowdb files — set DATABASE_URL/,
    );
  });

  it('runs several workers only with both PostgreSQL and Redis', () => {
    const database = 'postgres://postgres@127.0.0.1:5432/test';
    const redis = 'redis://127.0.0.1:6379';
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ DATABASE_URL: database, REDIS_URL: redis, CHATWIRE_WORKERS: '4' }).workers).toBe(4);
    for (const env of [{}, { DATABASE_URL: database }])
      expect(() => loadConfig({ ...env, CHATWIRE_WORKERS: '2' })).toThrow(
        /CHATWIRE_WORKERS: several processes cannot share lowdb files or an in-process broker — set DATABASE_URL and REDIS_URL/,
      );
    expect(() => loadConfig({ CHATWIRE_WORKERS: '0' })).toThrow(/CHATWIRE_WORKERS/);
  });

  it('refuses a malformed REDIS_URL or prefix, naming the variable without echoing the value', () => {
    for (const url of ['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis://:hunter2@host/x y']) {
      let error: unknown;
      try {
        loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', REDIS_URL: url });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('REDIS_URL');
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(() =>
      loadConfig({
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
        REDIS_URL: 'redis://127.0.0.1:6379',
        CHATWIRE_REDIS_PREFIX: 'has space',
      }),
    ).toThrow(/CHATWIRE_REDIS_PREFIX/);
  });

  it('selects PostgreSQL with DATABASE_URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      DATABASE_POOL_MAX: '4',
    });
    expect(config.database).toEqual({
      connectionString: 'postgres://postgres@127.0.0.1:5432/test',
      migrate: 'auto',
      poolMax: 4,
    });
  });
});
