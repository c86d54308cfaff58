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
