/**
 * Environment → `AppOptions` + where to listen, validated with zod. A wrong value stops start-up
 * with a message that names the variable.
 */
import * as z from 'zod';
import { type AppOptionsInput, defaultOptions } from './options.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Accepts seconds (`900`) or a duration (`15m`, `12h`, `30d`). */
const duration = z.string().transform((value, ctx) => {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'Expected seconds or a duration such as 15m, 12h or 30d' });
    return z.NEVER;
  }
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
});

/** A duration in seconds as milliseconds (options count ms), `undefined` kept. */
const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);

const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

// A media type (`image/png`) or a wildcard (`image/*`, or every type).
const mediaTypeList = list.pipe(
  z
    .array(
      z
        .string()
        .regex(
          /^(\*\/\*|[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*))$/,
          'Expected media types such as image/png or image/*',
        ),
    )
    .min(1, 'Expected at least one media type'),
);

const EnvSchema = z.object({
  PORT: int(0, 65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  CHATWIRE_DATA_DIR: z.string().min(1).default(defaultOptions.dataDir),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL: duration.optional(),
  REFRESH_TOKEN_TTL: duration.optional(),
  BCRYPT_COST: int(4, 15).optional(),
  CORS_ORIGINS: list.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).optional(),
  HEADER_LIMIT_BYTES: int(1024, 1024 * 1024).optional(),
  BODY_LIMIT_BYTES: int(1024, 10 * 1024 * 1024).optional(),
  MESSAGE_MAX_BYTES: int(1, 1024 * 1024).optional(),
  RATE_LIMIT_AUTH_PER_MINUTE: int(1, 1_000_000).optional(),
  RATE_LIMIT_USER_PER_MINUTE: int(1, 1_000_000).optional(),
  RATE_LIMIT_WS_FRAMES_PER_SECOND: int(1, 100_000).optional(),
  RATE_LIMIT_WS_FRAME_BURST: int(1, 1_000_000).optional(),
  WS_PIPELINE_DEPTH: int(1, 1024).optional(),
  WS_FRAME_MAX_BYTES: int(1024, 16 * 1024 * 1024).optional(),
  WS_SEND_BUFFER_MAX_BYTES: int(64 * 1024, 1024 * 1024 * 1024).optional(),
  WS_AUTH_TIMEOUT: duration.pipe(z.number().min(1, 'Expected at least 1 second')).optional(),
  WS_REPLAY_EVENTS: int(0, 1_000_000).optional(),
  WS_REPLAY_MAX_AGE: duration.optional(),
  PRESENCE_MAX_CONVERSATION_SIZE: int(2, 1_000_000).optional(),
  READ_RECEIPTS_MAX_CONVERSATION_SIZE: int(2, 1_000_000).optional(),
  READY_PRESENCE_MAX: int(0, 100_000).optional(),
  CONTEXT_BUDGET_TOKENS: int(100, 2_000_000).optional(),
  ASSISTANT_PEOPLE_NAMED: int(1, 10_000).optional(),
  MODEL_IMAGE_MAX_BYTES: int(1, 5 * 1024 ** 3).optional(),
  CHATWIRE_MAX_STEPS: int(1, 100).optional(),
  CHATWIRE_TOOL_TIMEOUT: duration.pipe(z.number().min(1, 'Expected at least 1 second')).optional(),
  TOOL_OUTPUT_MAX_BYTES: int(1024, 16 * 1024 * 1024).optional(),
  CLIENT_TOOL_SCHEMA_MAX_BYTES: int(256, 1024 * 1024).optional(),
  REACTIONS_PER_MESSAGE: int(1, 1000).optional(),
  QUOTE_SNAPSHOT_CHARS: int(1, 16_384).optional(),
  THREADS_LISTED: int(1, 1000).optional(),
  PINS_PER_CONVERSATION: int(1, 10_000).optional(),
  CHATWIRE_TOOLS: z.string().trim().min(1, 'Expected the path of an ES module, e.g. ./tools.js').optional(),
  CHATWIRE_DEMO_TOOLS: z.enum(['true', 'false', '1', '0']).optional(),
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
      message: 'Expected a postgres:// URL, e.g. postgres://user:password@127.0.0.1:5432/chatwire',
    })
    .optional(),
  DATABASE_POOL_MAX: int(1, 1000).optional(),
  APPEND_BATCH_MAX: int(1, 1000).optional(),
  CHATWIRE_MIGRATE: z.enum(['auto', 'off']).default('auto'),
  REDIS_URL: z
    .string()
    .refine((value) => /^rediss?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
      message: 'Expected a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
    })
    .optional(),
  CHATWIRE_WORKERS: int(1, 256).default(1),
  UPLOAD_MAX_BYTES: int(1, 5 * 1024 ** 3).optional(),
  UPLOAD_MEDIA_TYPES: mediaTypeList.optional(),
  UPLOAD_QUOTA_BYTES: int(1, 2 ** 50).optional(),
  UPLOAD_TTL_SECONDS: duration.pipe(z.number().min(60, 'Expected at least 60 seconds')).optional(),
  FILE_URL_TTL_SECONDS: duration
    .pipe(
      z
        .number()
        .min(60, 'Expected at least 60 seconds')
        .max(7 * 86400, 'Expected at most 7 days'),
    )
    .optional(),
  RATE_LIMIT_UPLOADS_PER_MINUTE: int(1, 1_000_000).optional(),
  RATE_LIMIT_SEARCH_PER_MINUTE: int(1, 1_000_000).optional(),
  S3_BUCKET: z.string().trim().min(1).optional(),
  S3_ENDPOINT: z
    .string()
    .refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
      message: 'Expected an http(s):// URL, e.g. https://<account>.r2.cloudflarestorage.com',
    })
    .optional(),
  S3_REGION: z.string().trim().min(1).optional(),
  S3_FORCE_PATH_STYLE: flag.optional(),
  S3_PREFIX: z
    .string()
    .regex(
      /^(?!\/)(?!.*\.\.)[A-Za-z0-9/_.-]{1,256}$/,
      'Expected 1-256 characters of A-Z a-z 0-9 / _ . -, no leading / and no .., e.g. chatwire/',
    )
    .optional(),
  CHATWIRE_REDIS_PREFIX: z
    .string()
    .regex(/^[^\s]{1,64}$/, 'Expected 1-64 characters without spaces, e.g. chatwire:')
    .optional(),
});

/** Redis settings when `REDIS_URL` is set: the broker connects processes instead of staying in-process. */
export interface RedisConfig {
  url: string;
  /** Key prefix; processes serving one URL share it. */
  prefix?: string;
}

/** PostgreSQL settings when `DATABASE_URL` is set. */
export interface DatabaseConfig {
  connectionString: string;
  poolMax?: number;
  /** Most appends to one conversation sharing a transaction (group commit); 1 turns it off. */
  appendBatchMax?: number;
  migrate: 'auto' | 'off';
}

/** Where the CLI gets server tools from. */
export interface ToolsConfig {
  /** An ES module whose exports are tools (`CHATWIRE_TOOLS`, `--tools`), as given (relative to the working directory). */
  module?: string;
  /** Whether to register the demo tools (`CHATWIRE_DEMO_TOOLS=1`). */
  demo: boolean;
}

export interface ServerConfig {
  port: number;
  host: string;
  /** Server processes on this machine sharing the port (`CHATWIRE_WORKERS`, `--workers`); 1 = no cluster. */
  workers: number;
  app: AppOptionsInput;
  /** Set when `DATABASE_URL` is: storage is PostgreSQL instead of lowdb. */
  database?: DatabaseConfig;
  /** Set when `REDIS_URL` is: the broker is Redis instead of in-process. */
  redis?: RedisConfig;
  /** Tools for the CLI to load (the module is imported at start-up, not here). */
  tools: ToolsConfig;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads the server's configuration from `env`; throws {@link ConfigError} naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // Never echo a value back: DATABASE_URL and JWT_SECRET hold secrets.
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // Several processes are what Redis is for, and lowdb files belong to one process.
  if (e.REDIS_URL && !e.DATABASE_URL)
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL: several processes cannot share lowdb files — set DATABASE_URL',
    );
  if (e.CHATWIRE_WORKERS > 1 && !(e.DATABASE_URL && e.REDIS_URL))
    throw new ConfigError(
      'Invalid configuration:\n  CHATWIRE_WORKERS: several processes cannot share lowdb files or an in-process broker — set DATABASE_URL and REDIS_URL',
    );
  // Each process would otherwise generate a secret of its own (or race for the data dir's file):
  // behind a balancer, a token signed by one would be refused by the others.
  if (e.REDIS_URL && !e.JWT_SECRET)
    throw new ConfigError(
      'Invalid configuration:\n  JWT_SECRET: required with REDIS_URL — set the same secret (at least 32 characters) on every process, so that each accepts the tokens of the others',
    );
  const s3Settings = ['S3_ENDPOINT', 'S3_REGION', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX'] as const;
  const orphan = s3Settings.find((name) => e[name] !== undefined);
  if (orphan && !e.S3_BUCKET)
    throw new ConfigError(
      `Invalid configuration:\n  ${orphan}: set S3_BUCKET too (without it, files stay on the disk)`,
    );
  return {
    port: e.PORT,
    host: e.HOST,
    workers: e.CHATWIRE_WORKERS,
    tools: {
      ...(e.CHATWIRE_TOOLS ? { module: e.CHATWIRE_TOOLS } : {}),
      demo: e.CHATWIRE_DEMO_TOOLS === 'true' || e.CHATWIRE_DEMO_TOOLS === '1',
    },
    ...(e.DATABASE_URL
      ? {
          database: {
            connectionString: e.DATABASE_URL,
            migrate: e.CHATWIRE_MIGRATE,
            ...(e.DATABASE_POOL_MAX ? { poolMax: e.DATABASE_POOL_MAX } : {}),
            ...(e.APPEND_BATCH_MAX ? { appendBatchMax: e.APPEND_BATCH_MAX } : {}),
          },
        }
      : {}),
    ...(e.REDIS_URL
      ? {
          redis: {
            url: e.REDIS_URL,
            ...(e.CHATWIRE_REDIS_PREFIX ? { prefix: e.CHATWIRE_REDIS_PREFIX } : {}),
          },
        }
      : {}),
    app: {
      dataDir: e.CHATWIRE_DATA_DIR,
      appendBatchMax: e.APPEND_BATCH_MAX,
      jwtSecret: e.JWT_SECRET,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL,
      bcryptCost: e.BCRYPT_COST,
      corsOrigins: e.CORS_ORIGINS,
      trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
      contextBudgetTokens: e.CONTEXT_BUDGET_TOKENS,
      assistantPeopleNamed: e.ASSISTANT_PEOPLE_NAMED,
      modelImageMaxBytes: e.MODEL_IMAGE_MAX_BYTES,
      maxSteps: e.CHATWIRE_MAX_STEPS,
      toolTimeoutMs: seconds(e.CHATWIRE_TOOL_TIMEOUT),
      logger: e.LOG_LEVEL === 'silent' ? false : { level: e.LOG_LEVEL },
      fileUrlTtlSeconds: e.FILE_URL_TTL_SECONDS,
      ...(e.S3_BUCKET
        ? {
            s3: {
              bucket: e.S3_BUCKET,
              ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
              ...(e.S3_REGION ? { region: e.S3_REGION } : {}),
              ...(e.S3_FORCE_PATH_STYLE !== undefined ? { forcePathStyle: e.S3_FORCE_PATH_STYLE } : {}),
              ...(e.S3_PREFIX ? { prefix: e.S3_PREFIX } : {}),
            },
          }
        : {}),
      uploads: {
        maxBytes: e.UPLOAD_MAX_BYTES,
        mediaTypes: e.UPLOAD_MEDIA_TYPES,
        quotaBytes: e.UPLOAD_QUOTA_BYTES,
        ttlSeconds: e.UPLOAD_TTL_SECONDS,
      },
      limits: {
        headerBytes: e.HEADER_LIMIT_BYTES,
        bodyBytes: e.BODY_LIMIT_BYTES,
        messageBytes: e.MESSAGE_MAX_BYTES,
        wsFrameBytes: e.WS_FRAME_MAX_BYTES,
        toolOutputBytes: e.TOOL_OUTPUT_MAX_BYTES,
        clientToolSchemaBytes: e.CLIENT_TOOL_SCHEMA_MAX_BYTES,
        reactionsPerMessage: e.REACTIONS_PER_MESSAGE,
        readReceiptsMaxConversationSize: e.READ_RECEIPTS_MAX_CONVERSATION_SIZE,
        quoteSnapshotChars: e.QUOTE_SNAPSHOT_CHARS,
        threadsListed: e.THREADS_LISTED,
        pinsPerConversation: e.PINS_PER_CONVERSATION,
      },
      rateLimits: {
        authPerMinute: e.RATE_LIMIT_AUTH_PER_MINUTE,
        userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
        uploadsPerMinute: e.RATE_LIMIT_UPLOADS_PER_MINUTE,
        searchPerMinute: e.RATE_LIMIT_SEARCH_PER_MINUTE,
      },
      realtime: {
        framesPerSecond: e.RATE_LIMIT_WS_FRAMES_PER_SECOND,
        frameBurst: e.RATE_LIMIT_WS_FRAME_BURST,
        pipelineDepth: e.WS_PIPELINE_DEPTH,
        maxBufferedBytes: e.WS_SEND_BUFFER_MAX_BYTES,
        authTimeoutMs: seconds(e.WS_AUTH_TIMEOUT),
        replayEvents: e.WS_REPLAY_EVENTS,
        replayMaxAgeMs: seconds(e.WS_REPLAY_MAX_AGE),
        presenceMaxConversationSize: e.PRESENCE_MAX_CONVERSATION_SIZE,
        readyPresenceMax: e.READY_PRESENCE_MAX,
      },
    },
  };
}
