/**
 * Rate limits on @fastify/rate-limit's stores: per IP and per email on the auth routes, per user
 * on the rest. The plugin's own hooks run once per request, and we need two limits on one route,
 * so we call its limiters ourselves and answer with our envelope.
 */
import rateLimitPlugin from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SharedRateLimitStore } from '../rate-limit/redis-rate-limit-store.js';
import { HttpError } from './http-error.js';

export type RateCheck = (request: FastifyRequest, key: string) => Promise<void>;

export interface RateLimiters {
  /** Auth attempts per IP. */
  authByIp: RateCheck;
  /** Auth attempts per email. */
  authByEmail: RateCheck;
  /** Requests per signed-in user. */
  perUser: RateCheck;
  /** Uploads per signed-in user (drawn besides `perUser`). */
  uploads: RateCheck;
  /** Message searches per signed-in user (drawn besides `perUser`). */
  search: RateCheck;
}

interface LimitResult {
  isAllowed: boolean;
  isExceeded: boolean;
  ttlInSeconds: number;
}

export async function installRateLimits(
  app: FastifyInstance,
  limits: { authPerMinute: number; userPerMinute: number; uploadsPerMinute: number; searchPerMinute: number },
  /** Counts shared between processes (Redis); default: in memory. */
  shared?: SharedRateLimitStore,
): Promise<RateLimiters> {
  await app.register(rateLimitPlugin, { global: false, ...(shared ? { store: shared.Store } : {}) });
  const make = (max: number, name: string): RateCheck => {
    const keys = new WeakMap<FastifyRequest, string>();
    const limiter = app.createRateLimit({
      max,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => keys.get(request) ?? '',
    }) as (request: FastifyRequest) => Promise<LimitResult>;
    return async (request, key) => {
      keys.set(request, `${name}:${key}`);
      let result: LimitResult;
      try {
        result = await limiter(request);
      } catch (error) {
        // A shared store that fails (an embedder's own: the Redis one counts per process while
        // Redis is away instead, and never fails): refuse for now rather than serve unlimited.
        request.log.warn({ err: error }, 'rate limit store unavailable');
        throw new HttpError('unavailable', 'The service is briefly unavailable; try again shortly', {
          retryAfterSeconds: 5,
        });
      }
      if (!result.isAllowed && result.isExceeded) {
        throw new HttpError('rate_limited', `Too many requests; retry in ${result.ttlInSeconds} s`, {
          retryAfterSeconds: result.ttlInSeconds,
        });
      }
    };
  };
  return {
    authByIp: make(limits.authPerMinute, 'auth-ip'),
    authByEmail: make(limits.authPerMinute, 'auth-email'),
    perUser: make(limits.userPerMinute, 'user'),
    uploads: make(limits.uploadsPerMinute, 'uploads'),
    search: make(limits.searchPerMinute, 'search'),
  };
}
