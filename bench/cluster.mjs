/**
 * Several chatwire processes behind one URL (PostgreSQL + Redis), against one process in the same
 * run. Every server is the built CLI (packages/server/dist/cli.js) in a process of its own, all on
 * one throw-away PostgreSQL schema (PGOPTIONS search_path) and each setup on a Redis key prefix of
 * its own under `chatwire-bench:<random>:`; both are removed at the end. The clients (WebSocket
 * receivers, HTTP senders) all live in this process.
 *
 * a. Fan-out of one message to N = 1,000 sockets (N users in one group; the sender POSTs
 *    `…/messages`: the CLI keeps the default WebSocket frame limit of 20/s, which a flood would hit):
 *    (i) 1 process, in-process broker — the baseline; (ii) 1 process, Redis broker — the broker's
 *    own cost; (iii) 2 processes, Redis, the receivers split evenly, the sender on the first.
 *    Flood: FLOOD messages (8 requests in flight), deliveries/s until all N × FLOOD have arrived;
 *    steady: RATE messages/s, p50/p99 of send → receive over every delivery. Unless given, RATE is
 *    a third of the rate (i) flooded at in the first round: latency at a load every setup sustains
 *    on this machine, not queueing (each message to the 1,001-member group is one durable append
 *    and one participant check). The three setups run at the same
 *    time (idle ones cost next to nothing) and take turns, ROUNDS times, so load from elsewhere on
 *    the machine falls on all three alike.
 * b. Throughput with 1, 2 and 4 processes (`--workers N`, one port): SENDERS concurrent loops of
 *    `POST …/messages` by random members of conversations of 2–10 people, every participant
 *    connected over WebSocket (spread over the workers by the cluster's round robin). Sends/s
 *    (acknowledged) and deliveries/s (until every acknowledged message reached every
 *    participant), relative to 1 process; the three clusters take turns, ROUNDS times. On a
 *    2-core machine that also runs PostgreSQL, Redis and these clients, more processes are not
 *    expected to be faster: the figures are reported as measured.
 * c. Redis memory: `MEMORY USAGE` of the shared events stream per published event (the difference
 *    between N/2 and N events, so fixed overhead drops out), against the entry's JSON size; and
 *    of the presence keys per online user (`createRedisPresence`, users joined from this process).
 * d. Resume on the same process vs another one (2 processes, Redis): a client that missed MISSED
 *    events reconnects with `auth { resumeFrom }`: time from `auth` to the last missed event, fresh
 *    users each try (so the other process has no buffer of theirs), the two cases alternating. And
 *    SSE re-attach (`GET …/messages/:id/stream?offset=`) to a reply still being generated (a fake
 *    OpenAI-compatible upstream here, slow on purpose), after dropping the request that started
 *    it: time to the first body byte, on the producing process vs the other one.
 *
 * Run after `pnpm build`, with both services:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     node bench/cluster.mjs
 * Env (defaults): CLUSTER_ONLY (fanout,throughput,memory,resume), CLUSTER_N (1000),
 * CLUSTER_FLOOD (100), CLUSTER_RATE (msg/s; default: see a.), CLUSTER_SECONDS (4), CLUSTER_ROUNDS (2),
 * CLUSTER_WORKERS (1,2,4), CLUSTER_USERS (216, in conversations of 2–10), CLUSTER_SENDERS (32),
 * CLUSTER_WINDOW (4 s), CLUSTER_POOL_MAX (4 connections per process: the database is shared),
 * CLUSTER_MEMORY_EVENTS (10000), CLUSTER_MEMORY_USERS (1000), CLUSTER_MISSED (100),
 * CLUSTER_TRIES (30). Without DATABASE_URL and REDIS_URL it says so and exits 0.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { content, createCounter, inBatches, openChatwire } from './fanout/clients.mjs';
import { fmt, json, loadParser, openAIChunk, startChild, summary, tempDir } from './lib.mjs';

const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
if (!DATABASE_URL || !REDIS_URL) {
  console.log(
    'bench/cluster: skipped, it needs DATABASE_URL and REDIS_URL (e.g. postgres://postgres@127.0.0.1:5432/test ' +
      'and redis://127.0.0.1:6379)',
  );
  process.exit(0);
}

const env = (name, fallback) => process.env[`CLUSTER_${name}`] ?? fallback;
const ONLY = env('ONLY', 'fanout,throughput,memory,resume').split(',').filter(Boolean);
const N = Number(env('N', 1000));
const FLOOD = Number(env('FLOOD', 100));
const GIVEN_RATE = env('RATE') === undefined ? undefined : Number(env('RATE'));
const SECONDS = Number(env('SECONDS', 4));
const ROUNDS = Number(env('ROUNDS', 2));
const WORKERS = env('WORKERS', '1,2,4').split(',').map(Number);
const USERS = Number(env('USERS', 216));
const SENDERS = Number(env('SENDERS', 32));
const WINDOW = Number(env('WINDOW', 4));
const POOL_MAX = env('POOL_MAX', '4');
const MEMORY_EVENTS = Number(env('MEMORY_EVENTS', 10_000));
const MEMORY_USERS = Number(env('MEMORY_USERS', 1000));
const MISSED = Number(env('MISSED', 100));
const TRIES = Number(env('TRIES', 30));
const IN_FLIGHT = 8;
const RESUME_WARMUP = 3;

const cli = new URL('../packages/server/dist/cli.js', import.meta.url).pathname;
const serverModule = new URL('../packages/server/dist/index.js', import.meta.url).href;
// pg and redis are the server's dependencies, not the bench's: resolve them from there.
const serverRequire = createRequire(new URL('../packages/server/package.json', import.meta.url));
const pg = serverRequire('pg');
const { createClient: createRedisClient } = serverRequire('redis');

const runId = randomBytes(6).toString('hex');
const schema = `chatwire_bench_${runId}`;
const prefix = `chatwire-bench:${runId}:`;
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (value) => `${fmt(value, 2)} ms`;
const ratio = (value, base) => `${fmt(value / base, 2)}×`;

// ---------------------------------------------------------------------------------------------
// Servers and clients.

let dataDir;
/** The CLI's environment: the shared schema, high rate limits; Redis when `redisPrefix` is given. */
function serverEnv(redisPrefix, extra = {}) {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    ACCESS_TOKEN_TTL: '1h',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    JWT_SECRET,
    CHATWIRE_DATA_DIR: dataDir,
    DATABASE_URL,
    PGOPTIONS: `-c search_path=${schema}`,
    DATABASE_POOL_MAX: POOL_MAX,
    ...(redisPrefix ? { REDIS_URL, CHATWIRE_REDIS_PREFIX: `${prefix}${redisPrefix}:` } : {}),
    ...extra,
  };
}

const running = new Set();
async function startServer(redisPrefix, { workers = 1, extra = {} } = {}) {
  const args = workers > 1 ? ['--workers', String(workers)] : [];
  const server = await startChild(cli, serverEnv(redisPrefix, extra), args);
  running.add(server);
  return {
    url: server.url,
    async stop() {
      running.delete(server);
      await server.stop();
    },
  };
}

const auth = (token) => ({ authorization: `Bearer ${token}` });

/** `POST …/messages`; resolves once acknowledged (2xx), throws otherwise. */
async function post(url, token, conversationId, text = content()) {
  const response = await fetch(`${url}/v1/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(token) },
    body: JSON.stringify({ content: text, clientMessageId: randomUUID() }),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`POST …/messages → ${response.status}`);
}

/** `count` sends, `inFlight` at a time. */
async function sendMany(count, inFlight, send) {
  let next = 0;
  const loop = async () => {
    while (next < count) {
      next += 1;
      await send();
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, loop));
}

async function register(url, n) {
  const { user, tokens } = await json(`${url}/v1/auth/register`, {
    method: 'POST',
    body: {
      email: `cluster${n}-${runId}@example.com`,
      password: 'Bench-pass-1',
      displayName: `Cluster ${n}`,
    },
  });
  return { id: user.id, token: tokens.accessToken };
}

/** A group owned by `owner` with `members` (added 100 at a time: the API's bound per request). */
async function createGroup(url, owner, members, title) {
  const group = await json(`${url}/v1/conversations`, {
    method: 'POST',
    headers: auth(owner.token),
    body: { type: 'group', title, participantIds: members.slice(0, 99).map((u) => u.id) },
  });
  for (let start = 99; start < members.length; start += 100) {
    await json(`${url}/v1/conversations/${group.id}/participants`, {
      method: 'POST',
      headers: auth(owner.token),
      body: { userIds: members.slice(start, start + 100).map((u) => u.id) },
    });
  }
  return group.id;
}

async function createConversation(url, owner, others, title) {
  if (others.length > 1) return createGroup(url, owner, others, title);
  const direct = await json(`${url}/v1/conversations`, {
    method: 'POST',
    headers: auth(owner.token),
    body: { type: 'direct', participantIds: [others[0].id] },
  });
  return direct.id;
}

/** Resolves when `check()` holds, polling; rejects after `timeoutMs`. */
async function until(check, timeoutMs, what) {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------------------------
// a. Fan-out.

async function benchFanout(users) {
  const owner = users.at(-1);
  const receivers = users.slice(0, N);
  const memory = await startServer(undefined);
  const [redis1, redis2a, redis2b] = await Promise.all([
    startServer('a1'),
    startServer('a2'),
    startServer('a2'),
  ]);
  const servers = [memory, redis1, redis2a, redis2b];
  try {
    const groupId = await createGroup(memory.url, owner, receivers, 'fan-out');
    const setups = [
      { label: '(i) 1 process, in-process broker', send: memory.url, at: () => memory.url },
      { label: '(ii) 1 process, Redis broker', send: redis1.url, at: () => redis1.url },
      {
        label: '(iii) 2 processes, Redis broker',
        send: redis2a.url,
        at: (n) => (n < N / 2 ? redis2a.url : redis2b.url),
      },
    ];
    const sockets = [];
    for (const setup of setups) {
      setup.counter = createCounter();
      setup.floodMs = 0;
      setup.floodDeliveries = 0;
      setup.latencies = [];
      const opened = await inBatches(N, 100, (n) =>
        openChatwire(setup.at(n), receivers[n].token, setup.counter.receive),
      );
      sockets.push(...opened.map((socket) => socket.ws));
    }
    const sendTo = (setup) => () => post(setup.send, owner.token, groupId);
    console.error(`… fan-out: ${fmt(N)} receivers connected to each of ${setups.length} setups`);

    for (const setup of setups) {
      const warm = setup.counter.expect(N * 10);
      await sendMany(10, 2, sendTo(setup));
      await warm;
    }
    const floodEach = Math.max(1, Math.round(FLOOD / ROUNDS));
    let rate = GIVEN_RATE;
    let steadyEach = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const setup of setups) {
        const flood = setup.counter.expect(N * floodEach);
        const start = performance.now();
        await sendMany(floodEach, IN_FLIGHT, sendTo(setup));
        await flood;
        setup.floodMs += performance.now() - start;
        setup.floodDeliveries += N * floodEach;
        await sleep(200);
      }
      if (rate === undefined) {
        const baseline = setups[0];
        rate = Math.max(1, Math.round(baseline.floodDeliveries / N / (baseline.floodMs / 1000) / 3));
      }
      steadyEach = Math.max(1, Math.round((rate * SECONDS) / ROUNDS));
      for (const setup of setups) {
        const steady = setup.counter.expect(N * steadyEach);
        const began = performance.now();
        const sends = [];
        for (let i = 0; i < steadyEach; i += 1) {
          sends.push(sendTo(setup)());
          await sleep(Math.max(0, began + ((i + 1) * 1000) / rate - performance.now()));
        }
        await Promise.all(sends);
        setup.latencies.push(...(await steady));
        await sleep(200);
      }
    }
    for (const ws of sockets) ws.terminate();

    const rows = setups.map((setup) => ({
      ...setup,
      perSecond: setup.floodDeliveries / (setup.floodMs / 1000),
      ...summary(setup.latencies),
    }));
    console.log(
      `\n## Fan-out: 1 message → ${fmt(N)} sockets (flood ${floodEach * ROUNDS} msgs; steady ${rate} msg/s, ` +
        `${steadyEach * ROUNDS} msgs; ${ROUNDS} interleaved rounds; sends: POST …/messages)`,
    );
    console.log('| setup | flood deliveries/s | vs (i) | steady p50 | vs (i) | steady p99 | vs (i) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    const first = rows[0];
    for (const row of rows) {
      console.log(
        `| ${row.label} | ${fmt(row.perSecond)} | ${ratio(row.perSecond, first.perSecond)} | ${ms(row.p50)} | ` +
          `${ratio(row.p50, first.p50)} | ${ms(row.p99)} | ${ratio(row.p99, first.p99)} |`,
      );
    }
    return rows;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

// ---------------------------------------------------------------------------------------------
// b. Throughput with 1, 2 and 4 processes.

/** Conversations of 2, 3, … 10 people, in turn, over `users` (each user in one). */
function smallConversations(users) {
  const plan = [];
  let size = 2;
  for (let at = 0; at + size <= users.length; at += size) {
    plan.push(users.slice(at, at + size));
    size = size === 10 ? 2 : size + 1;
  }
  return plan;
}

async function benchThroughput(users) {
  const plan = smallConversations(users.slice(0, USERS));
  const clusters = [];
  try {
    for (const workers of WORKERS)
      clusters.push({ workers, server: await startServer(`b${workers}`, { workers }) });
    const conversations = [];
    for (const [n, members] of plan.entries()) {
      const id = await createConversation(clusters[0].server.url, members[0], members.slice(1), `small ${n}`);
      conversations.push({ id, members });
    }
    const connected = conversations.flatMap((c) => c.members);
    const sockets = [];
    for (const cluster of clusters) {
      cluster.counter = createCounter();
      cluster.sends = 0;
      cluster.sendMs = 0;
      cluster.deliveries = 0;
      cluster.deliveryMs = 0;
      cluster.errors = 0;
      const opened = await inBatches(connected.length, 100, (n) =>
        openChatwire(cluster.server.url, connected[n].token, cluster.counter.receive),
      );
      sockets.push(...opened.map((socket) => socket.ws));
    }
    console.error(
      `… throughput: ${conversations.length} conversations of 2–10, ${connected.length} sockets per cluster, ` +
        `${SENDERS} senders`,
    );

    const window = async (cluster, seconds) => {
      const before = cluster.counter.total;
      let sends = 0;
      let expected = 0;
      let errors = 0;
      const start = performance.now();
      const end = start + seconds * 1000;
      let lastAck = start;
      const loop = async () => {
        while (performance.now() < end) {
          const { id, members } = conversations[Math.floor(Math.random() * conversations.length)];
          const sender = members[Math.floor(Math.random() * members.length)];
          try {
            await post(cluster.server.url, sender.token, id);
            sends += 1;
            expected += members.length;
            lastAck = performance.now();
          } catch {
            errors += 1;
          }
        }
      };
      await Promise.all(Array.from({ length: SENDERS }, loop));
      await until(() => cluster.counter.total - before >= expected, 60_000, 'the deliveries');
      return {
        sends,
        sendMs: lastAck - start,
        deliveries: cluster.counter.total - before,
        deliveryMs: cluster.counter.lastAt - start,
        errors,
      };
    };
    for (const cluster of clusters) await window(cluster, 1); // warm-up
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const cluster of clusters) {
        const result = await window(cluster, WINDOW);
        cluster.sends += result.sends;
        cluster.sendMs += result.sendMs;
        cluster.deliveries += result.deliveries;
        cluster.deliveryMs += result.deliveryMs;
        cluster.errors += result.errors;
        await sleep(300);
      }
    }
    for (const ws of sockets) ws.terminate();

    console.log(
      `\n## Throughput: ${SENDERS} concurrent POST …/messages senders, ${conversations.length} conversations of 2–10 ` +
        `people, every participant connected (${ROUNDS} interleaved rounds of ${WINDOW} s; PostgreSQL + Redis)`,
    );
    console.log('| processes | sends/s | vs 1 | deliveries/s | vs 1 | errors |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    const rate = (cluster) => ({
      sends: cluster.sends / (cluster.sendMs / 1000),
      deliveries: cluster.deliveries / (cluster.deliveryMs / 1000),
    });
    const base = rate(clusters[0]);
    for (const cluster of clusters) {
      const r = rate(cluster);
      console.log(
        `| ${cluster.workers} | ${fmt(r.sends)} | ${ratio(r.sends, base.sends)} | ${fmt(r.deliveries)} | ` +
          `${ratio(r.deliveries, base.deliveries)} | ${cluster.errors} |`,
      );
    }
    console.log(
      'This machine has 2 cores shared by the server processes, PostgreSQL, Redis and the clients: ' +
        'more processes are not expected to be faster here.',
    );
  } finally {
    await Promise.all(clusters.map((cluster) => cluster.server.stop()));
  }
}

// ---------------------------------------------------------------------------------------------
// c. Redis memory.

/** Sum of `MEMORY USAGE` (every element counted: SAMPLES 0) over the keys matching `pattern`. */
async function memoryOf(redis, pattern) {
  let bytes = 0;
  for await (const batch of redis.scanIterator({ MATCH: pattern, COUNT: 500 })) {
    for (const key of Array.isArray(batch) ? batch : [batch])
      bytes += Number((await redis.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0'])) ?? 0);
  }
  return bytes;
}

async function benchMemory(redis) {
  const { createRedisBroker, createRedisPresence } = await import(serverModule);
  const memoryPrefix = `${prefix}c:`;
  const broker = await createRedisBroker({ url: REDIS_URL, prefix: memoryPrefix });
  const eventsKey = `${memoryPrefix}events`;
  const conversationId = randomUUID();
  const senderId = randomUUID();
  const event = (n) => {
    const recipients = [senderId, ...Array.from({ length: 1 + (n % 9) }, () => randomUUID())];
    return {
      recipients,
      event: {
        type: 'message.created',
        conversationId,
        message: {
          id: randomUUID(),
          conversationId,
          senderId,
          role: 'user',
          content: `Message ${n}: a sentence or two, about the length people type in a chat.`,
          status: 'complete',
          clientMessageId: randomUUID(),
          model: null,
          usage: null,
          finishReason: null,
          stale: false,
          createdAt: new Date().toISOString(),
          editedAt: null,
        },
      },
    };
  };
  let payloadBytes = 0;
  const publish = async (from, to) => {
    for (let start = from; start < to; start += 100) {
      const batch = [];
      for (let n = start; n < Math.min(to, start + 100); n += 1) {
        const message = event(n);
        payloadBytes += Buffer.byteLength(JSON.stringify(message));
        batch.push(broker.publish(message));
      }
      await Promise.all(batch);
    }
  };
  const half = Math.floor(MEMORY_EVENTS / 2);
  let perEvent;
  let payloadPerEvent;
  try {
    await publish(0, half);
    const atHalf = await memoryOf(redis, eventsKey);
    payloadBytes = 0;
    await publish(half, MEMORY_EVENTS);
    const atFull = await memoryOf(redis, eventsKey);
    perEvent = (atFull - atHalf) / (MEMORY_EVENTS - half);
    payloadPerEvent = payloadBytes / (MEMORY_EVENTS - half);
  } finally {
    await broker.close();
  }

  let perUser;
  let presence;
  try {
    presence = await createRedisPresence({ url: REDIS_URL, prefix: memoryPrefix });
    const before = await memoryOf(redis, `${memoryPrefix}presence:*`);
    await inBatches(MEMORY_USERS, 100, () => presence.join(randomUUID()));
    const after = await memoryOf(redis, `${memoryPrefix}presence:*`);
    perUser = (after - before) / MEMORY_USERS;
  } catch (error) {
    console.error(`… presence memory not measured: ${error.message}`);
  } finally {
    await presence?.close().catch(() => undefined);
  }

  console.log(`\n## Redis memory (MEMORY USAGE … SAMPLES 0)`);
  console.log('| what | bytes | vs |');
  console.log('| --- | ---: | ---: |');
  console.log(
    `| events stream, per published event (message.created to 2–10 recipients; ${fmt(MEMORY_EVENTS)} published) | ` +
      `${fmt(perEvent)} | ${ratio(perEvent, payloadPerEvent)} its JSON (${fmt(payloadPerEvent)} B) |`,
  );
  if (perUser !== undefined)
    console.log(
      `| presence keys, per online user (${fmt(MEMORY_USERS)} joined on one process) | ${fmt(perUser)} | ` +
        `${ratio(perUser, perEvent)} one stream entry |`,
    );
  console.log(
    `At the stream's default bound (MAXLEN ~ 100,000 entries) the events stream holds ≈ ${fmt((perEvent * 100_000) / 2 ** 20, 1)} MiB.`,
  );
}

// ---------------------------------------------------------------------------------------------
// d. Resume and SSE re-attach, same process vs another one.

/** An OpenAI-compatible upstream streaming a delta every 50 ms for 10 s: replies are still generating when re-attached. */
async function startSlowUpstream() {
  const { head, tail } = openAIChunk;
  const server = createServer(async (request, response) => {
    for await (const _chunk of request);
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    const timer = setInterval(() => response.write(`${head} word${tail}`), 50);
    const stop = () => clearInterval(timer);
    response.on('close', stop);
    setTimeout(() => {
      stop();
      response.end(openAIChunk.finish + openAIChunk.done);
    }, 10_000);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Reads an SSE response (with eventsource-parser's `createParser`) until `pick(event)` returns a value. */
async function readSseUntil(createParser, response, pick) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let found;
  const parser = createParser({
    onEvent: ({ data }) => {
      if (found === undefined) found = pick(JSON.parse(data));
    },
  });
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended first');
    parser.feed(decoder.decode(value, { stream: true }));
    if (found !== undefined) {
      await reader.cancel().catch(() => undefined);
      return found;
    }
  }
}

const withTimeout = (promise, timeoutMs, what) =>
  Promise.race([
    promise,
    sleep(timeoutMs).then(() => {
      throw new Error(`${what}: nothing within ${timeoutMs} ms`);
    }),
  ]);

async function benchResume(users) {
  const createParser = await loadParser();
  const upstream = await startSlowUpstream();
  const extra = { OPENAI_BASE_URL: `${upstream.url}/v1`, OPENAI_API_KEY: 'sk-bench' };
  const [a, b] = await Promise.all([startServer('d', { extra }), startServer('d', { extra })]);
  const sender = users.at(-1);
  const pool = users.slice(0, 2 * (TRIES + RESUME_WARMUP));
  try {
    // Resume: each try a fresh user with a direct conversation with the sender.
    const tries = [];
    for (const [n, user] of pool.entries())
      tries.push({
        user,
        conversationId: await createConversation(a.url, sender, [user]),
        other: n % 2 === 1,
      });
    const resume = { same: [], other: [], resyncs: 0 };
    for (const [n, { user, conversationId, other }] of tries.entries()) {
      const { ws, ready } = await openChatwire(a.url, user.token, () => {});
      ws.close();
      await once(ws, 'close');
      await sendMany(MISSED, 4, () => post(a.url, sender.token, conversationId));
      let authAt = 0;
      let got = 0;
      let resynced = false;
      let done;
      const last = new Promise((resolve) => {
        done = resolve;
      });
      const again = await openChatwire(
        other ? b.url : a.url,
        user.token,
        (text) => {
          if (text.includes('"type":"resync"')) {
            resynced = true;
            done(Number.NaN);
          }
          if (!text.includes('"message.created"')) return;
          got += 1;
          if (got === MISSED) done(performance.now());
        },
        { resumeFrom: ready.seq, onAuthSent: (at) => (authAt = at) },
      );
      const elapsed = (await withTimeout(last, 10_000, 'the missed events')) - authAt;
      again.ws.terminate();
      if (resynced) resume.resyncs += 1;
      else if (n >= 2 * RESUME_WARMUP) (other ? resume.other : resume.same).push(elapsed);
    }

    // SSE re-attach: start a reply on a, drop that request after its first delta, re-attach.
    const reattach = { same: [], other: [], failed: 0 };
    for (let n = 0; n < 2 * (TRIES + RESUME_WARMUP); n += 1) {
      const other = n % 2 === 1;
      const chat = await json(`${a.url}/v1/conversations`, {
        method: 'POST',
        headers: auth(sender.token),
        body: { type: 'assistant', title: `re-attach ${n}` },
      });
      const controller = new AbortController();
      const started = await fetch(`${a.url}/v1/conversations/${chat.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...auth(sender.token) },
        body: JSON.stringify({ content: 'Tell me a long story', clientMessageId: randomUUID() }),
        signal: controller.signal,
      });
      if (!started.ok) throw new Error(`POST …/messages (SSE) → ${started.status}`);
      const delta = await withTimeout(
        readSseUntil(createParser, started, (event) => (event.type === 'message.delta' ? event : undefined)),
        10_000,
        'the first delta',
      );
      controller.abort();
      const offset = delta.offset + delta.delta.length;
      try {
        const begin = performance.now();
        const response = await fetch(
          `${other ? b.url : a.url}/v1/conversations/${chat.id}/messages/${delta.messageId}/stream?offset=${offset}`,
          { headers: { accept: 'text/event-stream', ...auth(sender.token) } },
        );
        if (!response.ok) throw new Error(`re-attach → ${response.status}`);
        const reader = response.body.getReader();
        await withTimeout(reader.read(), 5000, 're-attach');
        const elapsed = performance.now() - begin;
        await reader.cancel().catch(() => undefined);
        if (n >= 2 * RESUME_WARMUP) (other ? reattach.other : reattach.same).push(elapsed);
      } catch (error) {
        reattach.failed += 1;
        if (reattach.failed === 1)
          console.error(`… re-attach on ${other ? 'another' : 'the same'} process: ${error.message}`);
      }
    }

    const p50 = (values) => summary(values).p50;
    console.log(
      `\n## Resume and re-attach: the same process vs another (2 processes, PostgreSQL + Redis; ${TRIES} tries each, alternating)`,
    );
    console.log('| what | same process p50 | other process p50 | other ÷ same | not resumed |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    if (resume.same.length > 0 && resume.other.length > 0)
      console.log(
        `| auth { resumeFrom } → ${MISSED}th missed event | ${ms(p50(resume.same))} | ${ms(p50(resume.other))} | ` +
          `${ratio(p50(resume.other), p50(resume.same))} | ${resume.resyncs} resync |`,
      );
    else console.log(`| auth { resumeFrom } | — | — | — | ${resume.resyncs} resync (every try) |`);
    if (reattach.same.length > 0 && reattach.other.length > 0)
      console.log(
        `| SSE re-attach (…/stream?offset=) → first byte | ${ms(p50(reattach.same))} | ${ms(p50(reattach.other))} | ` +
          `${ratio(p50(reattach.other), p50(reattach.same))} | ${reattach.failed} failed |`,
      );
    else console.log(`| SSE re-attach | — | — | — | ${reattach.failed} failed |`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    upstream.close();
  }
}

// ---------------------------------------------------------------------------------------------

const admin = new pg.Client({ connectionString: DATABASE_URL });
const redis = createRedisClient({ url: REDIS_URL });
redis.on('error', () => undefined);
await admin.connect();
await redis.connect();
try {
  dataDir = await tempDir('cluster');
  await admin.query(`CREATE SCHEMA ${schema}`);
  const needsUsers = ONLY.some((part) => part !== 'memory');
  let users = [];
  if (needsUsers) {
    // The first process migrates the schema; everyone registers through it.
    const seed = await startServer(undefined);
    try {
      const count = Math.max(ONLY.includes('fanout') ? N : 0, USERS, 2 * (TRIES + RESUME_WARMUP)) + 1;
      const started = performance.now();
      users = await inBatches(count, 50, (n) => register(seed.url, n));
      console.error(`… registered ${fmt(count)} users in ${fmt((performance.now() - started) / 1000, 1)} s`);
    } finally {
      await seed.stop();
    }
  }
  const parts = {
    fanout: benchFanout,
    throughput: benchThroughput,
    memory: benchMemory,
    resume: benchResume,
  };
  for (const [name, part] of Object.entries(parts)) {
    if (!ONLY.includes(name)) continue;
    const started = performance.now();
    await part(name === 'memory' ? redis : users);
    console.error(`… ${name}: ${fmt((performance.now() - started) / 1000, 1)} s`);
  }
} finally {
  await Promise.all([...running].map((server) => server.stop().catch(() => undefined)));
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((error) => console.error(error));
  await admin.end();
  const keys = [];
  for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
    keys.push(...(Array.isArray(batch) ? batch : [batch]));
  for (let start = 0; start < keys.length; start += 500) await redis.del(keys.slice(start, start + 500));
  await redis.quit();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
