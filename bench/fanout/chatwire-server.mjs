// chatwire: the built server (`@chatwire/server`), one group conversation of RECEIVERS + 1 users
// (the sender owns it). Each receiver is its own user: the case a big group really is, with a
// replay buffer per user. CHATWIRE_SERVER_MODULE loads another build instead (an absolute path to
// its dist/index.js), so that a change can be measured against the build before it in one run.
// FANOUT_STORE=postgres stores in PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
// instead of lowdb, in a schema of its own made for the run and dropped at stop; the broker stays
// in-process either way. APPEND_BATCH_MAX sets the store's appendBatchMax (group commit).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from './child.mjs';

const serverModule = process.env.CHATWIRE_SERVER_MODULE
  ? pathToFileURL(process.env.CHATWIRE_SERVER_MODULE).href
  : import.meta.resolve('@chatwire/server');
const { buildApp, createPostgresStore } = await import(serverModule);

/** PostgreSQL in a fresh schema (the store's migrations create it), and how to drop it. */
async function openPostgres() {
  const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `chatwire_bench_${randomBytes(6).toString('hex')}`;
  // pg is the server's dependency, not the bench's: resolve it from the build being measured.
  const pg = createRequire(serverModule)('pg');
  const batchMax = process.env.APPEND_BATCH_MAX;
  const store = createPostgresStore({
    connectionString,
    schema,
    ...(batchMax ? { appendBatchMax: Number(batchMax) } : {}),
  });
  await store.init();
  const drop = async () => {
    await store.close();
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  };
  return { store, drop };
}

const receivers = Number(process.env.RECEIVERS ?? 1000);
const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-bench-fanout-'));
const postgres = process.env.FANOUT_STORE === 'postgres' ? await openPostgres() : null;
const app = await buildApp({
  dataDir,
  ...(postgres ? { store: postgres.store } : {}),
  logger: false,
  jwtSecret: 'bench-secret-that-is-long-enough-for-hs256',
  bcryptCost: 4,
  accessTokenTtlSeconds: 3600,
  rateLimits: { authPerMinute: 1e9, userPerMinute: 1e9 },
  // The bench's sender floods on purpose; everything else stays at its default.
  realtime: { framesPerSecond: 1e9, frameBurst: 1e9 },
});

async function inject(method, url, payload, token) {
  const response = await app.inject({
    method,
    url,
    payload,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (response.statusCode >= 300)
    throw new Error(`${method} ${url} → ${response.statusCode} ${response.body}`);
  return response.json();
}

const register = (n) =>
  inject('POST', '/v1/auth/register', {
    email: `fanout${n}@example.com`,
    password: 'Bench-pass-1',
    displayName: `Fanout ${n}`,
  });

const sender = await register('sender');
const users = [];
for (let start = 0; start < receivers; start += 50) {
  const batch = [];
  for (let n = start; n < Math.min(receivers, start + 50); n += 1) batch.push(register(n));
  users.push(...(await Promise.all(batch)));
}
const token = sender.tokens.accessToken;
// A group takes at most 100 participantIds per request: create it with the first 99, add the rest in batches.
const group = await inject(
  'POST',
  '/v1/conversations',
  { type: 'group', title: 'fan-out', participantIds: users.slice(0, 99).map((u) => u.user.id) },
  token,
);
for (let start = 99; start < users.length; start += 100) {
  await inject(
    'POST',
    `/v1/conversations/${group.id}/participants`,
    { userIds: users.slice(start, start + 100).map((u) => u.user.id) },
    token,
  );
}
await app.listen({ port: 0, host: '127.0.0.1' });
serve(
  `http://127.0.0.1:${app.server.address().port}`,
  { conversationId: group.id, senderToken: token, tokens: users.map((u) => u.tokens.accessToken) },
  async () => {
    await app.close();
    await postgres?.drop();
    await rm(dataDir, { recursive: true, force: true });
  },
);
