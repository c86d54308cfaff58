/**
 * appendMessage latency through the Store, PostgreSQL vs lowdb in the same run, at 1k and 100k
 * messages across 1,000 conversations: 2,000 appends to random conversations per store and size,
 * p50/p99 and their ratio to the same store's 1k figure (both should stay flat as data grows).
 *
 * - PostgreSQL is seeded with bulk SQL (generate_series), lowdb with `importConversation`: a
 *   hundred thousand `appendMessage` calls would take far longer than the measurement.
 * - The four runs are interleaved (one append to each in turn), so load from anything else on
 *   the machine falls on all of them alike and the ratios stay meaningful.
 * - A "floor" row times one bare single-row INSERT that commits on its own, in the same loop: an
 *   append (one transaction, four round trips) cannot beat the commit's WAL flush. Read the
 *   PostgreSQL p50 against it.
 * - Each PostgreSQL size lives in its own throw-away schema (`chatwire_bench_<random>`), dropped
 *   at the end; nothing else in the database is touched.
 *
 * Then the same through HTTP: `POST /v1/conversations/:id/messages` latency on each seeded store,
 * through a real server (`buildApp` on that store, listening on 127.0.0.1, port 0), requests sent
 * one at a time from this process over a keep-alive connection (fetch), interleaved across the
 * four servers as above. Reported against the same store's 1k figure (flat as data grows?) and
 * against the store-level append (what the HTTP path — auth, validation, participant check,
 * publish, JSON — adds). The seeded users get bare accounts (the server refuses a token whose
 * account it does not have) and their access tokens are minted here with jose, with the claims
 * and secret the server's own tokens use (services/access-tokens.ts), so the server takes them as
 * its own; registering 2,000 users through the API would only add seeding time (bcrypt).
 *
 * Run after `pnpm build`, with a database:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/store-postgres.mjs
 *     [--appends=2000] [--warmup=200] [--sizes=1000,100000] [--server=path/to/server/index.js]
 *     [--posts=2000] [--post-warmup=200]
 * Without DATABASE_URL it says so and exits 0 (a plain `pnpm bench` needs no services).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import { parseArgs, summary } from './lib.mjs';
import { appendOnce, BASE_TIME, CONTENT, importPlan, plan, verify } from './seed-records.mjs';

const args = parseArgs();
const DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL) {
  console.log(
    'bench/store-postgres: skipped, DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)',
  );
  process.exit(0);
}

const serverPath = args.server
  ? pathToFileURL(resolve(args.server)).href
  : new URL('../packages/server/dist/index.js', import.meta.url).href;
const { buildApp, createLowdbStore, createPostgresStore, importConversation } = await import(serverPath);
if (typeof createPostgresStore !== 'function' || typeof importConversation !== 'function') {
  throw new Error(
    `bench/store-postgres: ${serverPath} must export createPostgresStore, createLowdbStore and ` +
      'importConversation; run `pnpm build` first',
  );
}
// pg is the server's dependency, not the bench's: resolve it from there.
const pg = createRequire(new URL('../packages/server/package.json', import.meta.url))('pg');

const CONVERSATIONS = 1_000;
const APPENDS = Number(args.appends ?? 2_000);
const WARMUP = Number(args.warmup ?? 200);
const POSTS = Number(args.posts ?? 2_000);
const POST_WARMUP = Number(args['post-warmup'] ?? 200);
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const SIZES = (args.sizes ?? '1000,100000').split(',').map(Number);
/** A schema of its own, migrated by the store, then filled by four set-based statements. */
async function preparePostgres(total, cleanup) {
  const conversations = plan(total, CONVERSATIONS);
  const schema = `chatwire_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await admin.connect();
  cleanup.push(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  const store = createPostgresStore({ connectionString: DATABASE_URL, schema, poolMax: 4 });
  await store.init(); // creates the schema and applies the migrations
  const started = performance.now();
  const ids = conversations.map((c) => c.id);
  const firsts = conversations.map((c) => c.users[0]);
  const seconds = conversations.map((c) => c.users[1]);
  const counts = conversations.map((c) => c.count);
  const base = new Date(BASE_TIME).toISOString();
  await admin.query('BEGIN');
  await admin.query(
    `INSERT INTO conversations (id, type, created_at, updated_at, direct_key, last_activity_at)
     SELECT c.id, 'direct', $4, $4, least(c.a::text, c.b::text) || ':' || greatest(c.a::text, c.b::text), $4
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS c(id, a, b)`,
    [ids, firsts, seconds, base],
  );
  await admin.query(
    `INSERT INTO participants (conversation_id, user_id, position, role, joined_at)
     SELECT c.id, u.user_id, u.position, 'member', $4
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS c(id, a, b),
       LATERAL (VALUES (c.a, 1), (c.b, 2)) AS u(user_id, position)`,
    [ids, firsts, seconds, base],
  );
  await admin.query(
    `INSERT INTO messages (conversation_id, id, conv_seq, sender_id, role, content, status,
       client_message_id, created_at)
     SELECT c.id, gen_random_uuid(), s, CASE WHEN s % 2 = 1 THEN c.a ELSE c.b END, 'user',
       'Message number ' || s || ': ' || $5, 'complete', gen_random_uuid()::text,
       $6::timestamptz + s * interval '1 second'
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::integer[]) AS c(id, a, b, n),
       generate_series(1, c.n) AS s`,
    [ids, firsts, seconds, counts, CONTENT, base],
  );
  await admin.query(
    `UPDATE conversations c SET message_count = m.conv_seq, last_message_id = m.id,
       last_activity_at = m.created_at
     FROM messages m
     WHERE m.conversation_id = c.id
       AND m.conv_seq = (SELECT max(conv_seq) FROM messages WHERE conversation_id = c.id)`,
  );
  await admin.query('COMMIT');
  await admin.query('ANALYZE');
  const seedMs = performance.now() - started;
  await verify(store, conversations, total);
  console.error(
    `… postgres: seeded ${total.toLocaleString('en')} messages in ${(seedMs / 1000).toFixed(1)} s`,
  );
  return { kind: 'postgres', total, conversations, store, seedMs, latencies: [], appended: 0, admin };
}

/** The commit floor: one autocommitted single-row INSERT on an open connection. */
async function floorProbe(admin) {
  await admin.query('CREATE TABLE bench_floor (n integer)');
  let n = 0;
  return {
    latencies: [],
    async run() {
      n += 1;
      const started = performance.now();
      await admin.query('INSERT INTO bench_floor VALUES ($1)', [n]);
      return performance.now() - started;
    },
  };
}

async function prepareLowdb(total, cleanup) {
  const conversations = plan(total, CONVERSATIONS);
  const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-bench-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const started = performance.now();
  // Numbered from 1, as the PostgreSQL seed's generate_series.
  await importPlan(importConversation, dataDir, conversations, { first: 1 });
  const seedMs = performance.now() - started;
  const store = createLowdbStore({ dataDir });
  await store.init();
  await verify(store, conversations, total);
  console.error(`… lowdb: seeded ${total.toLocaleString('en')} messages in ${(seedMs / 1000).toFixed(1)} s`);
  return { kind: 'lowdb', total, conversations, store, seedMs, latencies: [], appended: 0 };
}

/** An access token the server accepts as its own: the claims of services/access-tokens.ts. */
const jwtKey = new TextEncoder().encode(JWT_SECRET);
const accessToken = (userId) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('chatwire')
    .setAudience('chatwire')
    .setSubject(userId)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime('1h')
    .sign(jwtKey);

/** A server on the run's store (the store stays the bench's to close), and a token per user. */
async function attachServer(run) {
  const app = await buildApp({
    store: run.store,
    dataDir: tmpdir(), // unused: the store and the secret are given
    jwtSecret: JWT_SECRET,
    logger: false,
    rateLimits: { authPerMinute: 1e9, userPerMinute: 1e9 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  run.app = app;
  run.url = `http://127.0.0.1:${app.server.address().port}`;
  run.tokens = new Map();
  const createdAt = new Date(BASE_TIME).toISOString();
  for (const { users } of run.conversations)
    for (const user of users) {
      const email = `${user}@bench.example`;
      // No password signs in as them (not a bcrypt hash): the minted token is their only way in.
      await run.store.createUser({
        id: user,
        email,
        emailKey: email,
        displayName: `bench ${user.slice(0, 8)}`,
        passwordHash: '-',
        createdAt,
      });
      run.tokens.set(user, await accessToken(user));
    }
  run.postLatencies = [];
  run.posted = 0;
}

async function postOnce(run) {
  const { id, users } = run.conversations[Math.floor(Math.random() * run.conversations.length)];
  const sender = users[run.posted % 2];
  run.posted += 1;
  const body = JSON.stringify({
    content: `Posted number ${run.posted}: ${CONTENT}`,
    clientMessageId: randomUUID(),
  });
  const started = performance.now();
  const response = await fetch(`${run.url}/v1/conversations/${id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${run.tokens.get(sender)}` },
    body,
  });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`POST …/messages → ${response.status} on ${run.kind}`);
  return elapsed;
}

const cleanup = [];
const runs = [];
try {
  for (const total of SIZES) runs.push(await preparePostgres(total, cleanup));
  for (const total of SIZES) runs.push(await prepareLowdb(total, cleanup));
  const floor = await floorProbe(runs[0].admin);

  for (let i = 0; i < WARMUP + APPENDS; i++) {
    for (const run of runs) {
      const elapsed = await appendOnce(run, 1);
      if (i >= WARMUP) run.latencies.push(elapsed);
    }
    const elapsed = await floor.run();
    if (i >= WARMUP) floor.latencies.push(elapsed);
  }

  const ms = (value) => `${value.toFixed(3)} ms`;
  console.log(
    `appendMessage through the Store, ${CONVERSATIONS.toLocaleString('en')} conversations, ` +
      `${APPENDS} appends per store and size, interleaved`,
  );
  const rows = runs.map((run) => {
    const smallest = summary(runs.find((other) => other.kind === run.kind).latencies);
    const { p50, p99 } = summary(run.latencies);
    return {
      store: run.kind,
      messages: run.total.toLocaleString('en'),
      'seed (s)': (run.seedMs / 1000).toFixed(1),
      p50: ms(p50),
      p99: ms(p99),
      'p50 ÷ 1k': (p50 / smallest.p50).toFixed(2),
      'p99 ÷ 1k': (p99 / smallest.p99).toFixed(2),
    };
  });
  const bare = summary(floor.latencies);
  rows.push({ store: 'floor: 1 autocommitted INSERT', p50: ms(bare.p50), p99: ms(bare.p99) });
  console.table(rows);
  const p50Of = (kind) => summary(runs.filter((run) => run.kind === kind).at(-1).latencies).p50;
  console.log(
    `largest size, p50: postgres ${ms(p50Of('postgres'))} vs lowdb ${ms(p50Of('lowdb'))} ` +
      `(postgres ÷ lowdb ${(p50Of('postgres') / p50Of('lowdb')).toFixed(2)})`,
  );

  // Through HTTP: the same stores, now behind a server each, interleaved again.
  if (POSTS > 0) {
    for (const run of runs) await attachServer(run);
    for (let i = 0; i < POST_WARMUP + POSTS; i++) {
      for (const run of runs) {
        const elapsed = await postOnce(run);
        if (i >= POST_WARMUP) run.postLatencies.push(elapsed);
      }
    }
    console.log(
      `\nPOST /v1/conversations/:id/messages through a server on each store, ${POSTS} sequential ` +
        'requests per store and size (keep-alive), interleaved',
    );
    console.table(
      runs.map((run) => {
        const smallest = summary(runs.find((other) => other.kind === run.kind).postLatencies);
        const store = summary(run.latencies);
        const { p50, p99 } = summary(run.postLatencies);
        return {
          store: run.kind,
          messages: run.total.toLocaleString('en'),
          p50: ms(p50),
          p99: ms(p99),
          'p50 ÷ 1k': (p50 / smallest.p50).toFixed(2),
          'p99 ÷ 1k': (p99 / smallest.p99).toFixed(2),
          'p50 ÷ store append': (p50 / store.p50).toFixed(2),
        };
      }),
    );
    const postP50Of = (kind) => summary(runs.filter((run) => run.kind === kind).at(-1).postLatencies).p50;
    console.log(
      `largest size, POST p50: postgres ${ms(postP50Of('postgres'))} vs lowdb ${ms(postP50Of('lowdb'))} ` +
        `(postgres ÷ lowdb ${(postP50Of('postgres') / postP50Of('lowdb')).toFixed(2)})`,
    );
  }
} finally {
  for (const run of runs) await run.app?.close().catch(() => undefined);
  for (const run of runs) await run.store.close().catch(() => undefined);
  for (const step of cleanup.reverse()) await step().catch((error) => console.error(error));
}
