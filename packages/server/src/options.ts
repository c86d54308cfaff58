/**
 * Everything `buildApp` can be told, with the documented defaults.
 */
import type { FastifyServerOptions } from 'fastify';
import type { Broker } from './events/broker.js';
import type { ModelRegistry } from './providers/registry.js';
import type { Store } from './store/store.js';

export interface Limits {
  /** Largest request body, bytes. Default 64 KiB. */
  bodyBytes: number;
  /** Largest message content, UTF-8 bytes. Default 16 KiB. */
  messageBytes: number;
  /** Largest WebSocket frame, bytes. Default 64 KiB. */
  wsFrameBytes: number;
}

export interface RateLimits {
  /** Login / register / token / refresh attempts per minute, per IP and per email. Default 10. */
  authPerMinute: number;
  /** Requests per minute per signed-in user on every other route. Default 600. */
  userPerMinute: number;
}

export interface AppOptions {
  /** Where lowdb keeps its files (and the generated JWT secret). Default `./.chatwire`. */
  dataDir: string;
  /** A storage implementation; default: lowdb under `dataDir`. */
  store?: Store;
  /** Event fan-out between processes; default: in-process. */
  broker?: Broker;
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
  /** Models the server offers; default: only the built-in `echo` model (the CLI resolves them from the environment). */
  models?: ModelRegistry;
  /** How long an assistant reply nobody follows any more keeps generating (for a reload to re-attach), ms. Default 5,000. */
  disconnectGraceMs: number;
  /** Approximate token budget of the context sent to a model. Default 8,000. */
  contextBudgetTokens: number;
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
  limits: { bodyBytes: 64 * 1024, messageBytes: 16 * 1024, wsFrameBytes: 64 * 1024 },
  rateLimits: { authPerMinute: 10, userPerMinute: 600 },
  contextBudgetTokens: 8000,
  disconnectGraceMs: 5000,
  logger: { level: 'info' },
  trustProxy: false,
  version: '0.1.0',
};

/** Options as given to `buildApp`: every field optional, nested ones too. */
export type AppOptionsInput = Partial<Omit<AppOptions, 'limits' | 'rateLimits'>> & {
  limits?: Partial<Limits>;
  rateLimits?: Partial<RateLimits>;
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
  };
}
