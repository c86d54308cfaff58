/**
 * Everything `buildApp` can be told, with the documented defaults.
 */
import { limits as contractLimits } from '@chatwire/sdk/contracts';
import type { FastifyServerOptions } from 'fastify';
import type { Broker } from './broker/broker.js';
import type { FileStorageConfig } from './files/default-storage.js';
import type { FileStorage } from './files/file-storage.js';
import type { PresenceDirectory } from './presence/presence-directory.js';
import type { ModelRegistry } from './providers/registry.js';
import type { SharedRateLimitStore } from './rate-limit/redis-rate-limit-store.js';
import type { ReplyDirectory } from './replies/reply-directory.js';
import type { Store } from './store/store.js';
import type { ToolDefinition } from './tools/define-tool.js';

export interface Limits {
  /**
   * Largest request head (request line with the query string, and headers), bytes; answered
   * 431 over it. Default 16 KiB (Node's).
   */
  headerBytes: number;
  /** Largest request body, bytes. Default 64 KiB. */
  bodyBytes: number;
  /** Largest message content, UTF-8 bytes. Default 16 KiB. */
  messageBytes: number;
  /** Largest WebSocket frame, bytes. Default 64 KiB. */
  wsFrameBytes: number;
  /**
   * Largest output of a tool, bytes of JSON: a server tool's bigger one ends the call
   * `output-error` (the model is told); a client's bigger result (`POST …/tool-results`) is
   * refused with 400 and the call still waits. Default 64 KiB.
   */
  toolOutputBytes: number;
  /** Largest input JSON Schema of a client tool declared with a send, bytes of JSON. Default 8 KiB. */
  clientToolSchemaBytes: number;
  /**
   * Most distinct emoji on one message: a new one past it is refused with 409 `conflict` (joining
   * an emoji already there always works). Default 20 (`limits.reactionsPerMessage` of the contracts).
   */
  reactionsPerMessage: number;
  /**
   * `read` events (read receipts) go to every participant of conversations up to this size; in a
   * bigger one only to the reader's own connections (everyone's markers still come with the
   * conversation over REST). Default 250, as presence.
   */
  readReceiptsMaxConversationSize: number;
  /** Characters of a quoted message's text kept in the quote's snapshot (cut past it). Default 200. */
  quoteSnapshotChars: number;
  /** Most threads `GET …/threads` lists (the newest replies first; older ones left out). Default 100. */
  threadsListed: number;
  /** Most pinned messages in one conversation: one more is refused with 409 `conflict`. Default 50. */
  pinsPerConversation: number;
}

export interface RateLimits {
  /** Login / register / token / refresh attempts per minute, per IP and per email (password changes: per account). Default 10. */
  authPerMinute: number;
  /** Requests per minute per signed-in user on every other route. Default 600. */
  userPerMinute: number;
  /** Uploads (`POST /v1/uploads`, direct uploads started or completed) per minute per user, besides the per-user bucket. Default 20. */
  uploadsPerMinute: number;
  /** Message searches (`GET /v1/search/messages`) per minute per user, besides the per-user bucket. Default 60. */
  searchPerMinute: number;
}

/** What uploads the server accepts, and how long an unattached one lives. */
export interface UploadLimits {
  /** Largest file, bytes; over it an upload is refused with 413 and nothing is kept. Default 20 MiB. */
  maxBytes: number;
  /**
   * Media types accepted, as sniffed from the bytes (`image/*` wildcards allowed); others are
   * refused with 415. Default: PNG, JPEG, GIF, WebP, PDF, plain text, Markdown, CSV, JSON.
   */
  mediaTypes: string[];
  /** Bytes of files one user may have, attached or not; over it an upload is refused with 403 `quota_exceeded`. Default 200 MiB. */
  quotaBytes: number;
  /** How long an upload no message uses is kept, seconds; then it is swept. Default 86,400 (24 h). */
  ttlSeconds: number;
  /**
   * How long a direct upload's presigned PUT is valid, seconds; one not completed within it (and
   * ten minutes more) is swept. Default 900.
   */
  directTtlSeconds: number;
  /** How often expired unattached uploads are swept, ms. Default 60,000. */
  sweepIntervalMs: number;
}

/** The WebSocket gateway (`GET /v1/realtime`). Every timing and limit here is injectable in tests. */
export interface RealtimeOptions {
  /** How long a new socket has to send its `auth` frame, ms; closed with 4401 after. Default 10,000. */
  authTimeoutMs: number;
  /**
   * Browser origins allowed to open a socket (`['*']` for any). Default: whatever `corsOrigins`
   * allows. A request without `Origin` (not a browser) is always let through: the token decides.
   */
  allowedOrigins?: string[];
  /** Ping interval, ms; a socket that has not answered the previous ping is terminated. Default 30,000. */
  heartbeatMs: number;
  /** Frames a connection may send per second, on average (token bucket refill). Default 20. */
  framesPerSecond: number;
  /** Frames a connection may send in a burst (bucket size). Default 60. */
  frameBurst: number;
  /**
   * Consecutive `message.send` frames of one connection handled at once (their appends share
   * writes; seqs and answers stay in the order sent). Past it a send waits for an earlier one to
   * finish. 1 handles every frame one after the other. Default 32.
   */
  pipelineDepth: number;
  /**
   * Send buffer (bytes not yet written to the network) over which a connection is a slow consumer
   * and is closed with 4008; it resumes with `resumeFrom` once it reads again. Default 1 MiB.
   */
  maxBufferedBytes: number;
  /** Events kept per user for `resumeFrom`. Default 1,000. */
  replayEvents: number;
  /** How long an event stays replayable (and a disconnected user's log is kept), ms. Default 120,000. */
  replayMaxAgeMs: number;
  /** How long a user with no open connection still counts as online (a reload does not flap), ms. Default 3,000. */
  presenceGraceMs: number;
  /**
   * Presence is announced to the people of conversations up to this size only: in a bigger group
   * every online/offline change would cost a frame per member (N² as N members connect), for
   * little use. Direct conversations always count. Default 250.
   */
  presenceMaxConversationSize: number;
  /**
   * Most ids in the `ready` frame's `presence` snapshot (who among the user's contacts is online);
   * past it the rest arrive as `presence` events only when they change. Default 500.
   */
  readyPresenceMax: number;
  /** How long a `typing start` lasts without a `stop`, ms: the server then publishes `stop`. Default 6,000. */
  typingTtlMs: number;
  /** On shutdown, how long sockets get to answer the 1001 close before they are cut, ms. Default 1,000. */
  closeTimeoutMs: number;
}

export interface AppOptions {
  /** Where lowdb keeps its files (and the generated JWT secret). Default `./.chatwire`. */
  dataDir: string;
  /** A storage implementation, already initialised (the caller closes it); default: lowdb under `dataDir`. */
  store?: Store;
  /**
   * The default lowdb store's group commit: most appends to one conversation that share one
   * segment write (those arriving while its previous write is in flight). Default 64; 1 writes
   * each alone. (The PostgreSQL store takes its own `appendBatchMax`.)
   */
  appendBatchMax?: number;
  /** Event fan-out between processes (the caller closes it); default: in-process. */
  broker?: Broker;
  /**
   * Assistant replies being generated by any process (e.g. `createRedisReplyDirectory`; the caller
   * closes it, after the app): re-attach and stop work on any process, and a reply whose process
   * died ends as `error`. Default: this process only.
   */
  replies?: ReplyDirectory;
  /**
   * Who is online across processes (e.g. `createRedisPresence`; the caller closes it, after the
   * app); default: in-process.
   */
  presence?: PresenceDirectory;
  /**
   * Rate-limit counts shared between processes (e.g. `createRedisRateLimitStore`; the caller
   * closes it); default: in this process's memory.
   */
  rateLimitStore?: SharedRateLimitStore;
  /**
   * Where uploads' bytes live (the caller closes it); default: the disk under `dataDir/files`, or
   * the S3 bucket of `s3`.
   */
  fileStorage?: FileStorage;
  /**
   * S3-compatible storage for uploads (AWS S3, Cloudflare R2, MinIO), credentials from the usual
   * AWS variables; with it, browsers may upload straight to the bucket. Default: none (disk).
   */
  s3?: FileStorageConfig['s3'];
  uploads: UploadLimits;
  /** How long a signed file URL (what a message's `file` part carries) is valid, seconds. Default 3,600. */
  fileUrlTtlSeconds: number;
  /** HS256 secret for access tokens, ≥ 32 characters; default: generated once and kept in `dataDir`. */
  jwtSecret?: string;
  /** Default 900 (15 minutes). */
  accessTokenTtlSeconds: number;
  /** Default 2,592,000 (30 days). */
  refreshTokenTtlSeconds: number;
  /** bcrypt cost. Default 10 (≈75 ms a hash on a 2-core machine, measured). */
  bcryptCost: number;
  /** Allowed browser origins; `['*']` for any, `[]` for none (default). */
  corsOrigins: string[];
  limits: Limits;
  rateLimits: RateLimits;
  realtime: RealtimeOptions;
  /** Models the server offers; default: only the built-in `echo` model (the CLI resolves them from the environment). */
  models?: ModelRegistry;
  /** How long an assistant reply nobody follows any more keeps generating (for a reload to re-attach), ms. Default 5,000. */
  disconnectGraceMs: number;
  /**
   * How often an assistant reply's deltas are published to participants' WebSockets, ms (they
   * are joined in between; the SSE requester still gets every chunk). `0` publishes each. Default 30.
   */
  realtimeDeltaIntervalMs: number;
  /** Approximate token budget of the context sent to a model. Default 8,000. */
  contextBudgetTokens: number;
  /**
   * How many participants of a direct or group conversation its assistant's system prompt names
   * (the rest are counted, "and 12 others"): a thousand-member group costs one bounded user read
   * per reply, not a thousand names. Default 50.
   */
  assistantPeopleNamed: number;
  /**
   * Largest image given to a model, bytes (its base64 is a third larger): a bigger one is only
   * mentioned, so ten 20 MiB images do not make every reply hundreds of MB. Default 5 MiB.
   */
  modelImageMaxBytes: number;
  /** Server tools the models may call (`defineTool` results). Default: none. */
  tools?: readonly ToolDefinition[];
  /** Model round trips in one reply at most (each after the previous one's tool results). Default 5. */
  maxSteps: number;
  /**
   * How long a server tool's call may run, ms, for a tool without a `timeoutMs` of its own; past
   * it, its `ctx.signal` aborts and the call ends `output-error`. Default 30,000.
   */
  toolTimeoutMs: number;
  /** Pino logger options, or `false`. Default `{ level: 'info' }`. */
  logger: FastifyServerOptions['logger'];
  /** Trust `X-Forwarded-*` from a reverse proxy (for client IPs in rate limits). Default false. */
  trustProxy: boolean;
  /** Reported by `/health`. */
  version: string;
}

export const defaultOptions: AppOptions = {
  dataDir: './.chatwire',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  bcryptCost: 10,
  corsOrigins: [],
  limits: {
    headerBytes: 16 * 1024,
    bodyBytes: 64 * 1024,
    messageBytes: 16 * 1024,
    wsFrameBytes: 64 * 1024,
    toolOutputBytes: 64 * 1024,
    clientToolSchemaBytes: 8 * 1024,
    reactionsPerMessage: contractLimits.reactionsPerMessage,
    readReceiptsMaxConversationSize: 250,
    quoteSnapshotChars: 200,
    threadsListed: 100,
    pinsPerConversation: 50,
  },
  rateLimits: { authPerMinute: 10, userPerMinute: 600, uploadsPerMinute: 20, searchPerMinute: 60 },
  uploads: {
    maxBytes: 20 * 1024 * 1024,
    mediaTypes: [
      'image/png',
      'image/jpeg',
      'image/gif',
      'image/webp',
      'application/pdf',
      'text/plain',
      'text/markdown',
      'text/csv',
      'application/json',
    ],
    quotaBytes: 200 * 1024 * 1024,
    ttlSeconds: 86_400,
    directTtlSeconds: 900,
    sweepIntervalMs: 60_000,
  },
  fileUrlTtlSeconds: 3600,
  realtime: {
    authTimeoutMs: 10_000,
    heartbeatMs: 30_000,
    framesPerSecond: 20,
    frameBurst: 60,
    pipelineDepth: 32,
    maxBufferedBytes: 1024 * 1024,
    replayEvents: 1000,
    replayMaxAgeMs: 120_000,
    presenceGraceMs: 3000,
    presenceMaxConversationSize: 250,
    readyPresenceMax: 500,
    typingTtlMs: 6000,
    closeTimeoutMs: 1000,
  },
  contextBudgetTokens: 8000,
  assistantPeopleNamed: 50,
  modelImageMaxBytes: 5 * 1024 * 1024,
  maxSteps: 5,
  toolTimeoutMs: 30_000,
  disconnectGraceMs: 5000,
  realtimeDeltaIntervalMs: 30,
  logger: { level: 'info' },
  trustProxy: false,
  version: '0.1.0',
};

/** Options as given to `buildApp`: every field optional, nested ones too. */
export type AppOptionsInput = Partial<Omit<AppOptions, 'limits' | 'rateLimits' | 'realtime' | 'uploads'>> & {
  limits?: Partial<Limits>;
  rateLimits?: Partial<RateLimits>;
  realtime?: Partial<RealtimeOptions>;
  uploads?: Partial<UploadLimits>;
};

/** Drops `undefined` values so that they fall back to the defaults instead of erasing them. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Fills in the defaults. */
export function resolveOptions(input: AppOptionsInput = {}): AppOptions {
  return {
    ...defaultOptions,
    ...defined(input),
    limits: { ...defaultOptions.limits, ...defined(input.limits) },
    rateLimits: { ...defaultOptions.rateLimits, ...defined(input.rateLimits) },
    realtime: { ...defaultOptions.realtime, ...defined(input.realtime) },
    uploads: { ...defaultOptions.uploads, ...defined(input.uploads) },
  };
}
