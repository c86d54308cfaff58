import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** Several processes must share one secret: REDIS_URL is refused without it. */
const JWT_SECRET = 'config-test-secret-that-is-long-enough-0123';

/** The ConfigError `env` is refused with (fails the test if it is accepted). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

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
    expect(
      loadConfig({ DATABASE_URL: database, REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET }).redis,
    ).toEqual({
      url: 'redis://127.0.0.1:6379',
    });
    expect(
      loadConfig({
        DATABASE_URL: database,
        JWT_SECRET,
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
    expect(
      loadConfig({ DATABASE_URL: database, REDIS_URL: redis, JWT_SECRET, CHATWIRE_WORKERS: '4' }).workers,
    ).toBe(4);
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
        loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', REDIS_URL: url, JWT_SECRET });
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
        JWT_SECRET,
        CHATWIRE_REDIS_PREFIX: 'has space',
      }),
    ).toThrow(/CHATWIRE_REDIS_PREFIX/);
  });

  it('refuses REDIS_URL without JWT_SECRET (one process and --workers alike), naming it', () => {
    // Each process would make a secret of its own, and refuse the others' tokens behind a balancer.
    const shared = {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    for (const env of [shared, { ...shared, CHATWIRE_WORKERS: '3' }])
      expect(refusal(env)).toMatch(/JWT_SECRET: required with REDIS_URL/);
    expect(refusal({ ...shared, JWT_SECRET: 'short' })).toContain('JWT_SECRET');
    expect(loadConfig({ ...shared, JWT_SECRET }).app.jwtSecret).toBe(JWT_SECRET);
    // One process without Redis may still keep a generated secret in its data dir.
    expect(loadConfig({ DATABASE_URL: shared.DATABASE_URL }).app.jwtSecret).toBeUndefined();
  });

  it('reads the request-head and WebSocket limits: frame rate and burst, frame size, send buffer, auth timeout, replay, presence', () => {
    const config = loadConfig({
      RATE_LIMIT_WS_FRAMES_PER_SECOND: '5',
      RATE_LIMIT_WS_FRAME_BURST: '15',
      WS_FRAME_MAX_BYTES: '32768',
      WS_SEND_BUFFER_MAX_BYTES: '2097152',
      WS_AUTH_TIMEOUT: '30s',
      WS_REPLAY_EVENTS: '500',
      WS_REPLAY_MAX_AGE: '5m',
      PRESENCE_MAX_CONVERSATION_SIZE: '50',
      HEADER_LIMIT_BYTES: '32768',
    });
    expect(config.app.realtime).toEqual({
      framesPerSecond: 5,
      frameBurst: 15,
      maxBufferedBytes: 2097152,
      authTimeoutMs: 30_000,
      replayEvents: 500,
      replayMaxAgeMs: 300_000,
      presenceMaxConversationSize: 50,
    });
    expect(config.app.limits).toMatchObject({ wsFrameBytes: 32768, headerBytes: 32768 });
    // Unset: the options' defaults apply (undefined is dropped by resolveOptions).
    expect(Object.values(loadConfig({}).app.realtime ?? {}).every((value) => value === undefined)).toBe(true);
  });

  it('refuses a bad limit, naming the variable', () => {
    const bad = {
      RATE_LIMIT_WS_FRAMES_PER_SECOND: '0',
      RATE_LIMIT_WS_FRAME_BURST: 'lots',
      WS_FRAME_MAX_BYTES: '10',
      WS_SEND_BUFFER_MAX_BYTES: '-1',
      WS_AUTH_TIMEOUT: '0',
      WS_REPLAY_EVENTS: '1.5',
      WS_REPLAY_MAX_AGE: 'forever',
      PRESENCE_MAX_CONVERSATION_SIZE: '1',
      HEADER_LIMIT_BYTES: '16',
    };
    const message = refusal(bad);
    for (const name of Object.keys(bad)) expect(message).toContain(name);
  });

  it('reads the tool settings: steps, timeout, size limits, a tools module and the demo tools', () => {
    const config = loadConfig({
      CHATWIRE_MAX_STEPS: '8',
      CHATWIRE_TOOL_TIMEOUT: '2m',
      TOOL_OUTPUT_MAX_BYTES: '131072',
      CLIENT_TOOL_SCHEMA_MAX_BYTES: '4096',
      CHATWIRE_TOOLS: ' ./tools.js ',
      CHATWIRE_DEMO_TOOLS: '1',
    });
    expect(config.app).toMatchObject({
      maxSteps: 8,
      toolTimeoutMs: 120_000,
      limits: { toolOutputBytes: 131072, clientToolSchemaBytes: 4096 },
    });
    expect(config.tools).toEqual({ module: './tools.js', demo: true });
    expect(loadConfig({ CHATWIRE_TOOL_TIMEOUT: '45' }).app.toolTimeoutMs).toBe(45_000);
    expect(loadConfig({ CHATWIRE_DEMO_TOOLS: 'true' }).tools.demo).toBe(true);
    // Unset: no tools, and the options' defaults (5 steps, 30 s, 64 KiB, 8 KiB) apply.
    const defaults = loadConfig({});
    expect(defaults.tools).toEqual({ demo: false });
    expect(defaults.app).toMatchObject({ maxSteps: undefined, toolTimeoutMs: undefined });
    expect(defaults.app.limits).toMatchObject({
      toolOutputBytes: undefined,
      clientToolSchemaBytes: undefined,
    });
  });

  it('refuses bad tool settings, naming the variable', () => {
    const bad = {
      CHATWIRE_MAX_STEPS: '0',
      CHATWIRE_TOOL_TIMEOUT: 'a while',
      TOOL_OUTPUT_MAX_BYTES: '12',
      CLIENT_TOOL_SCHEMA_MAX_BYTES: 'big',
      CHATWIRE_TOOLS: '  ',
      CHATWIRE_DEMO_TOOLS: 'yes please',
    };
    const message = refusal(bad);
    for (const name of Object.keys(bad)) expect(message).toContain(name);
    expect(message).toContain('CHATWIRE_TOOLS: Expected the path of an ES module, e.g. ./tools.js');
    expect(refusal({ CHATWIRE_TOOL_TIMEOUT: '0' })).toContain(
      'CHATWIRE_TOOL_TIMEOUT: Expected at least 1 second',
    );
    expect(refusal({ CHATWIRE_MAX_STEPS: '101' })).toContain('CHATWIRE_MAX_STEPS');
  });

  it('reads the reactions limit, and refuses one out of range', () => {
    expect(loadConfig({ REACTIONS_PER_MESSAGE: '5' }).app.limits).toMatchObject({ reactionsPerMessage: 5 });
    expect(loadConfig({ QUOTE_SNAPSHOT_CHARS: '50', THREADS_LISTED: '7' }).app.limits).toMatchObject({
      quoteSnapshotChars: 50,
      threadsListed: 7,
    });
    // Unset: the options' default (the contracts' 20) applies.
    expect(loadConfig({}).app.limits?.reactionsPerMessage).toBeUndefined();
    for (const bad of ['0', '1001', 'many'])
      expect(refusal({ REACTIONS_PER_MESSAGE: bad })).toContain('REACTIONS_PER_MESSAGE');
  });

  it('reads how many people an assistant between people names, and refuses one out of range', () => {
    expect(loadConfig({ ASSISTANT_PEOPLE_NAMED: '7' }).app).toMatchObject({ assistantPeopleNamed: 7 });
    expect(loadConfig({}).app.assistantPeopleNamed).toBeUndefined();
    for (const bad of ['0', '10001', 'all'])
      expect(refusal({ ASSISTANT_PEOPLE_NAMED: bad })).toContain('ASSISTANT_PEOPLE_NAMED');
  });

  it('reads the read-receipt and presence-snapshot limits, and refuses ones out of range', () => {
    const config = loadConfig({ READ_RECEIPTS_MAX_CONVERSATION_SIZE: '40', READY_PRESENCE_MAX: '0' }).app;
    expect(config.limits).toMatchObject({ readReceiptsMaxConversationSize: 40 });
    expect(config.realtime).toMatchObject({ readyPresenceMax: 0 });
    expect(loadConfig({}).app.realtime?.readyPresenceMax).toBeUndefined();
    expect(refusal({ READ_RECEIPTS_MAX_CONVERSATION_SIZE: '1' })).toContain(
      'READ_RECEIPTS_MAX_CONVERSATION_SIZE',
    );
    expect(refusal({ READY_PRESENCE_MAX: '-1' })).toContain('READY_PRESENCE_MAX');
  });

  it('reads the pins limit, and refuses one out of range', () => {
    expect(loadConfig({ PINS_PER_CONVERSATION: '7' }).app.limits).toMatchObject({ pinsPerConversation: 7 });
    expect(loadConfig({}).app.limits?.pinsPerConversation).toBeUndefined();
    for (const bad of ['0', '10001', 'lots'])
      expect(refusal({ PINS_PER_CONVERSATION: bad })).toContain('PINS_PER_CONVERSATION');
  });

  it('reads the upload limits, the signed URL lifetime and the uploads rate limit', () => {
    const config = loadConfig({
      UPLOAD_MAX_BYTES: '1048576',
      UPLOAD_MEDIA_TYPES: 'image/*, application/pdf',
      UPLOAD_QUOTA_BYTES: '10485760',
      UPLOAD_TTL_SECONDS: '12h',
      FILE_URL_TTL_SECONDS: '600',
      RATE_LIMIT_UPLOADS_PER_MINUTE: '5',
    });
    expect(config.app).toMatchObject({
      uploads: {
        maxBytes: 1048576,
        mediaTypes: ['image/*', 'application/pdf'],
        quotaBytes: 10485760,
        ttlSeconds: 43200,
      },
      fileUrlTtlSeconds: 600,
      rateLimits: { uploadsPerMinute: 5 },
    });
    expect(config.app.s3).toBeUndefined();
    // Unset, they fall back to the defaults.
    expect(loadConfig({}).app.uploads).toEqual({
      maxBytes: undefined,
      mediaTypes: undefined,
      quotaBytes: undefined,
      ttlSeconds: undefined,
    });
  });

  it('puts files in S3 with S3_BUCKET, and refuses the other S3 settings without it', () => {
    const config = loadConfig({
      S3_BUCKET: 'chatwire-files',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_REGION: 'auto',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: 'staging/',
    });
    expect(config.app.s3).toEqual({
      bucket: 'chatwire-files',
      endpoint: 'http://127.0.0.1:9000',
      region: 'auto',
      forcePathStyle: true,
      prefix: 'staging/',
    });
    expect(loadConfig({ S3_BUCKET: 'b' }).app.s3).toEqual({ bucket: 'b' });
    expect(refusal({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toContain('S3_ENDPOINT: set S3_BUCKET too');
  });

  it('refuses bad upload settings, naming the variable', () => {
    const bad = {
      UPLOAD_MAX_BYTES: '0',
      UPLOAD_MEDIA_TYPES: 'images',
      UPLOAD_QUOTA_BYTES: 'lots',
      UPLOAD_TTL_SECONDS: '10',
      FILE_URL_TTL_SECONDS: '30d',
      RATE_LIMIT_UPLOADS_PER_MINUTE: '0',
      S3_BUCKET: 'b',
      S3_ENDPOINT: 'minio:9000',
      S3_FORCE_PATH_STYLE: 'maybe',
      S3_PREFIX: '../up',
    };
    const message = refusal(bad);
    for (const name of Object.keys(bad).filter((name) => name !== 'S3_BUCKET'))
      expect(message).toContain(name);
    expect(message).toContain('UPLOAD_MEDIA_TYPES.0: Expected media types such as image/png or image/*');
    expect(refusal({ UPLOAD_MEDIA_TYPES: ' , ' })).toContain(
      'UPLOAD_MEDIA_TYPES: Expected at least one media type',
    );
  });

  it('selects PostgreSQL with DATABASE_URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      DATABASE_POOL_MAX: '4',
      APPEND_BATCH_MAX: '8',
    });
    expect(config.database).toEqual({
      connectionString: 'postgres://postgres@127.0.0.1:5432/test',
      migrate: 'auto',
      poolMax: 4,
      appendBatchMax: 8,
    });
    // The same variable sets lowdb's group commit, for the default store buildApp opens.
    expect(loadConfig({ APPEND_BATCH_MAX: '8' }).app.appendBatchMax).toBe(8);
  });
});
