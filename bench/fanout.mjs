// (4) Fan-out: one message to N = 1,000 connections, chatwire against a raw `ws` broadcast and a
// Socket.IO broadcast of the same payload to the same N, in one run. Each server runs in a child
// process (with --expose-gc, for the heap probes); the N receivers and the one sender live in this
// process, so that the two cores split server / clients. Per server:
//   - heap per idle connection: heap after gc with N+1 sockets connected, minus before any;
//     and the same once all the traffic below was delivered (what replay buffers keep);
//   - flood: FLOOD messages sent back to back, deliveries/s until all N × FLOOD have arrived, then
//     every receiver's messages checked: none missing, none twice (and, for chatwire, every send
//     acknowledged: stored durably before it was delivered);
//   - steady: at each rate of RATES (messages/s, default 20 and 100: one every 50 and 10 ms) for
//     SECONDS s, p50/p99 of send → receive latency over every delivery.
// chatwire's N sockets are N different users in one group conversation (see fanout/chatwire-server.mjs):
// each has its own replay buffer, the case a big group really is. FANOUT_CHATWIRE_BUILDS=
// "<label>=<path to a build's dist/index.js>,…" adds other builds (e.g. the one before a change) as
// more rows, to compare in one run: figures from different runs on a shared machine are not.
// FANOUT_STORES=lowdb,postgres adds a "chatwire on PostgreSQL" row (the current build storing in
// PostgreSQL, DATABASE_URL or the local test database, in-process broker) after the lowdb one; the
// default when DATABASE_URL is set.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { io as ioClient } from 'socket.io-client';
import WebSocket from 'ws';
import { content, createCounter, inBatches, openChatwire } from './fanout/clients.mjs';
import { fmt, percentile } from './lib.mjs';

const N = Number(process.env.FANOUT_N ?? 1000);
const FLOOD = Number(process.env.FANOUT_FLOOD ?? 200);
const RATES = (process.env.FANOUT_RATES ?? process.env.FANOUT_RATE ?? '20,100').split(',').map(Number);
const SECONDS = Number(process.env.FANOUT_SECONDS ?? 3);
const WARMUP = 20;

function startServer(script, env = {}) {
  const child = fork(new URL(`./fanout/${script}`, import.meta.url), [], {
    execArgv: ['--expose-gc', ...(process.env.FANOUT_CHILD_ARGS ?? '').split(' ').filter(Boolean)],
    env: { ...process.env, RECEIVERS: String(N), ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  /** Sends `{ type, id, ...fields }` to the child; resolves with its answer of the same type and id. */
  const ask = (type, fields = {}) => {
    nextId += 1;
    const id = nextId;
    return new Promise((resolve) => {
      const onMessage = (message) => {
        if (message.type === type && message.id === id) {
          child.off('message', onMessage);
          resolve(message);
        }
      };
      child.on('message', onMessage);
      child.send({ type, id, ...fields });
    });
  };
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.on('message', (message) => {
      if (message.type === 'listening') resolve(message);
    });
  });
  return {
    ready,
    heap: async () => (await ask('heap')).heapUsed,
    /** Writes a heap snapshot (after gc) to `path`, for bench/fanout/heap-breakdown.mjs. */
    snapshot: (path) => ask('snapshot', { path }),
    async stop() {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

// The same bytes for every server: a chatwire `event` frame of a message.created, the message in
// the contract's shape of today (its text part, reactions, mentions, thread and pin fields: ~790
// bytes), with the send time in the content (`~t=<ms>|`) for the receivers to read.
const conversationId = randomUUID();
function payloadJson(content) {
  return JSON.stringify({
    type: 'event',
    seq: Date.now() * 1000,
    event: {
      type: 'message.created',
      conversationId,
      message: {
        id: randomUUID(),
        conversationId,
        senderId: randomUUID(),
        role: 'user',
        parts: [{ type: 'text', text: content }],
        content,
        status: 'complete',
        clientMessageId: randomUUID(),
        model: null,
        usage: null,
        finishReason: null,
        stale: false,
        reactions: [],
        createdAt: new Date().toISOString(),
        editedAt: null,
        mentions: [],
        parentId: null,
        thread: null,
        alsoInConversation: false,
        quoted: null,
        pinnedAt: null,
        pinnedBy: null,
      },
    },
  });
}
function openWs(url, onText) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data) => onText(data.toString()));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const targets = {
  ws: {
    label: 'raw ws broadcast',
    script: 'ws-server.mjs',
    async connect(info, counter) {
      const receivers = await inBatches(N, 100, (n) => openWs(info.url, counter.receiverFor(n)));
      const sender = await openWs(info.url, () => {});
      return {
        send: () => sender.send(payloadJson(content())),
        close: () => {
          for (const ws of [...receivers, sender]) ws.terminate();
        },
      };
    },
  },
  socketio: {
    label: 'Socket.IO broadcast',
    script: 'socketio-server.mjs',
    async connect(info, counter) {
      const open = (onText) =>
        new Promise((resolve, reject) => {
          const socket = ioClient(info.url, {
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
          });
          socket.on('msg', onText);
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        });
      const receivers = await inBatches(N, 100, (n) => open(counter.receiverFor(n)));
      const sender = await open(() => {});
      return {
        send: () => sender.emit('msg', payloadJson(content())),
        close: () => {
          for (const socket of [...receivers, sender]) socket.disconnect();
        },
      };
    },
  },
  chatwire: {
    label: 'chatwire (N users, 1 group)',
    script: 'chatwire-server.mjs',
    connect: connectChatwire,
  },
};
/** The extra chatwire builds of FANOUT_CHATWIRE_BUILDS, measured before the current one. */
const otherBuilds = (process.env.FANOUT_CHATWIRE_BUILDS ?? '')
  .split(',')
  .filter(Boolean)
  .map((spec) => {
    const [label, path] = spec.split('=');
    return { key: `chatwire:${label}`, label: `chatwire, ${label}`, path };
  });
/** `[key, target]` in the order they run: the baselines, the other builds, the current build last. */
const { chatwire: currentBuild, ...baselines } = targets;
const runOrder = [
  ...Object.entries(baselines),
  ...otherBuilds.map((build) => [
    build.key,
    {
      label: build.label,
      script: 'chatwire-server.mjs',
      env: { CHATWIRE_SERVER_MODULE: build.path },
      connect: connectChatwire,
    },
  ]),
  ['chatwire', currentBuild],
  ...postgresRows(),
];

/**
 * The PostgreSQL rows FANOUT_STORES (or FANOUT_STORE) names: `postgres`, or `postgres@<n>` for a
 * store with appendBatchMax n (e.g. `postgres@1,postgres`: group commit off, then on).
 */
function postgresRows() {
  // PostgreSQL by default where one is configured (CI, a developer's machine with DATABASE_URL).
  const fallback = process.env.DATABASE_URL ? 'lowdb,postgres' : 'lowdb';
  const stores = (process.env.FANOUT_STORES ?? process.env.FANOUT_STORE ?? fallback).split(',');
  return stores
    .filter((store) => store === 'postgres' || store.startsWith('postgres@'))
    .map((store) => {
      const batchMax = store.split('@')[1];
      const target = {
        label: batchMax ? `chatwire on PostgreSQL, appendBatchMax ${batchMax}` : 'chatwire on PostgreSQL',
        script: 'chatwire-server.mjs',
        env: { FANOUT_STORE: 'postgres', ...(batchMax ? { APPEND_BATCH_MAX: batchMax } : {}) },
        connect: connectChatwire,
      };
      return [`chatwire:${store}`, target];
    });
}

async function connectChatwire(info, counter) {
  const open = async (token, onText) => (await openChatwire(info.url, token, onText)).ws;
  const receivers = await inBatches(N, 100, (n) => open(info.tokens[n], counter.receiverFor(n)));
  let acks = 0;
  const sender = await open(info.senderToken, (text) => {
    if (text.startsWith('{"type":"ack"')) acks += 1;
  });
  let n = 0;
  return {
    /** Sends acknowledged so far: each was stored before its ack (and its delivery). */
    get acks() {
      return acks;
    },
    send: () =>
      sender.send(
        JSON.stringify({
          type: 'message.send',
          conversationId: info.conversationId,
          content: content(),
          clientMessageId: `b${n++}`,
        }),
      ),
    close: () => {
      for (const ws of [...receivers, sender]) ws.terminate();
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * With FANOUT_HEAP_SNAPSHOTS=<dir>: `snapshot(stage)` writes <dir>/<server>-<stage>.heapsnapshot
 * (before any socket, idle, after the traffic); compare two with bench/fanout/heap-breakdown.mjs.
 */
function heapSnapshots(server, target) {
  const dir = process.env.FANOUT_HEAP_SNAPSHOTS;
  const name = target.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return async (stage) => {
    if (dir) await server.snapshot(`${dir}/${name}-${stage}.heapsnapshot`);
  };
}

async function measure(target) {
  const server = startServer(target.script, target.env);
  const info = await server.ready;
  try {
    const snapshot = heapSnapshots(server, target);
    await snapshot('before');
    const before = await server.heap();
    const counter = createCounter();
    const clients = await target.connect(info, counter);
    await sleep(300);
    const after = await server.heap();
    await snapshot('idle');

    const warm = counter.expect(N * WARMUP);
    for (let i = 0; i < WARMUP; i += 1) {
      clients.send();
      await sleep(10);
    }
    await warm;

    const acksBefore = clients.acks ?? 0;
    const flood = counter.expect(N * FLOOD);
    const start = performance.now();
    for (let i = 0; i < FLOOD; i += 1) clients.send();
    await flood;
    const floodMs = performance.now() - start;
    await sleep(200);
    const { missing, duplicates } = counter.check(FLOOD);
    const unacknowledged = clients.acks === undefined ? 0 : FLOOD - (clients.acks - acksBefore);
    if (missing + duplicates + unacknowledged > 0)
      throw new Error(
        `${target.label}: flood lost ${missing} deliveries, duplicated ${duplicates}, ${unacknowledged} sends unacknowledged`,
      );

    const steady = {};
    for (const rate of RATES) {
      await sleep(200);
      const total = rate * SECONDS;
      const arrived = counter.expect(N * total);
      const began = performance.now();
      for (let i = 0; i < total; i += 1) {
        clients.send();
        const next = began + ((i + 1) * 1000) / rate;
        await sleep(Math.max(0, next - performance.now()));
      }
      const latencies = (await arrived).sort((a, b) => a - b);
      steady[rate] = { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
    }
    // Still connected, every event delivered: what the replay buffers (and the like) hold on to.
    await sleep(200);
    const afterTraffic = await server.heap();
    await snapshot('traffic');
    clients.close();
    return {
      name: target.label,
      heapPerConnection: (after - before) / (N + 1),
      heapPerConnectionAfterTraffic: (afterTraffic - before) / (N + 1),
      floodPerSecond: (N * FLOOD) / (floodMs / 1000),
      floodMs,
      steady,
    };
  } finally {
    await server.stop();
  }
}

/** Runs the fan-out bench; prints a table and returns the rows and ratios. */
export async function benchFanout() {
  const rows = {};
  const only = (process.env.FANOUT_ONLY ?? '').split(',').filter(Boolean);
  for (const [key, target] of runOrder) {
    if (only.length === 0 || only.includes(key)) rows[key] = await measure(target);
  }
  if (only.length > 0) {
    console.log(rows);
    return { rows };
  }
  const { ws, socketio, chatwire } = rows;
  const every = (rate) => `${fmt(1000 / rate)} ms`;
  console.log(
    `\n## Fan-out: 1 message → ${fmt(N)} connections (flood ${FLOOD} msgs, none lost or twice; steady: one every ${RATES.map(every).join(' / ')} for ${SECONDS} s)`,
  );
  const steadyHeads = RATES.map((rate) => `steady p50 / p99 (${every(rate)})`);
  console.log(
    `| server | flood deliveries/s | flood time | ${steadyHeads.join(' | ')} | heap / idle conn | heap / conn after traffic |`,
  );
  console.log(`| --- | ---: | ---: | ${RATES.map(() => '---:').join(' | ')} | ---: | ---: |`);
  const others = otherBuilds.map((build) => rows[build.key]);
  const postgres = postgresRows().map(([key]) => rows[key]);
  for (const row of [ws, socketio, ...others, chatwire, ...postgres]) {
    const steadyCells = RATES.map(
      (rate) => `${fmt(row.steady[rate].p50, 1)} / ${fmt(row.steady[rate].p99, 1)} ms`,
    );
    console.log(
      `| ${row.name} | ${fmt(row.floodPerSecond)} | ${fmt(row.floodMs)} ms | ${steadyCells.join(' | ')} | ${fmt(row.heapPerConnection / 1024, 1)} KiB | ${fmt(row.heapPerConnectionAfterTraffic / 1024, 1)} KiB |`,
    );
  }
  const ratiosOf = (row) => ({
    floodVsSocketIo: row.floodPerSecond / socketio.floodPerSecond,
    p99VsWs: Object.fromEntries(RATES.map((rate) => [rate, row.steady[rate].p99 / ws.steady[rate].p99])),
    heapVsWs: row.heapPerConnection / ws.heapPerConnection,
  });
  const describe = (row, ratios) =>
    `${row.name}: flood ${fmt(ratios.floodVsSocketIo, 2)}× Socket.IO's (target ≥ 1.1); steady p99 ${RATES.map((rate) => `${fmt(ratios.p99VsWs[rate], 2)}× (${every(rate)})`).join(', ')} raw ws's (target ≤ 1.1); heap per idle connection ${fmt(ratios.heapVsWs, 2)}× raw ws's (target ≤ 1.3)`;
  const ratios = ratiosOf(chatwire);
  console.log(`\n${describe(chatwire, ratios)}`);
  for (const row of [...others, ...postgres]) console.log(describe(row, ratiosOf(row)));
  const postgresRatios = Object.fromEntries(postgres.map((row) => [row.name, ratiosOf(row)]));
  return { rows, ratios, postgresRatios };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchFanout();
  process.exit(0);
}
