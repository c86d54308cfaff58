/**
 * Starts a real chatwire server on 127.0.0.1 with a fresh temp data dir, for tests; on
 * PostgreSQL + Redis instead of lowdb + in-process when `CHATWIRE_TEST_STACK=services`
 * (services-stack.ts), unless the test passes its own store or broker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import type { AppOptionsInput } from '../options.js';
import { resolveModels } from '../providers/registry.js';
import { openServicesStack, servicesStackRequested } from './services-stack.js';

/** A running test server. */
export interface TestServer {
  /** The Fastify app, for `app.inject()` or a look at its decorations. */
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>`: the SDK's `baseUrl`. */
  url: string;
  /** The server's data dir (a fresh temp dir unless the options gave one). */
  dataDir: string;
  /** Closes the server; `keepData` leaves the data dir for a restart. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** The JWT secret every test server signs with (see `createAccessTokens` to forge tokens). */
export const testSecret = 'test-secret-that-is-long-enough-for-hs256!';

/**
 * Starts a real server on 127.0.0.1 (a free port) in a fresh temp data dir: lowdb, the `echo`
 * model without its pacing, bcrypt cost 4, rate limits out of the way, no logs. `options` are
 * {@link AppOptionsInput} and override those defaults (`models`, `store`, `corsOrigins`, …).
 *
 * With `CHATWIRE_TEST_STACK=services` (and `DATABASE_URL` + `REDIS_URL`) it runs on PostgreSQL
 * and Redis instead, unless `options` bring their own store or broker.
 *
 * @example
 * ```ts
 * const server = await startTestServer();
 * const client = createClient({ baseUrl: server.url });
 * // …
 * await server.close();
 * ```
 */
export async function startTestServer(options: AppOptionsInput = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'chatwire-test-')));
  const stack =
    servicesStackRequested && !options.store && !options.broker
      ? await openServicesStack(dataDir)
      : undefined;
  const app = await buildApp({
    ...stack?.options,
    logger: false,
    jwtSecret: testSecret,
    bcryptCost: 4,
    disconnectGraceMs: 0,
    // The echo model without its human pacing: tests wait for nothing.
    models: resolveModels({}, { echo: { chunkDelayMs: 0, firstChunkDelayMs: 0 } }),
    ...options,
    rateLimits: {
      authPerMinute: 10_000,
      userPerMinute: 100_000,
      uploadsPerMinute: 100_000,
      searchPerMinute: 100_000,
      ...options.rateLimits,
    },
    dataDir,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    dataDir,
    async close({ keepData = false } = {}) {
      await app.close();
      await stack?.close(keepData);
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
