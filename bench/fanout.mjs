// (4) Fan-out: one message to N = 1,000 connections, chatwire against a raw `ws` broadcast and a
// Socket.IO broadcast of the same payload to the same N, in one run. Each server runs in a child
// process (with --expose-gc, for the heap probes); the N receivers and the one sender live in this
// process, so that the two cores split server / clients. Per server:
//   - heap per idle connection: heap after gc with N+1 sockets connected, minus before any;
//     and the same once all the traffic below was delivered (what replay buffers keep);
//   - flood: FLOOD messages sent back to back, deliveries/s until all N × FLOOD have arrived;
//   - steady: RATE messages/s for SECONDS s, p50/p99 of send → receive latency over every delivery.
// chatwire's N sockets are N different users in one group conversation (see fanout/chatwire-server.mjs):
// each has its own replay buffer, the case a big group really is. FANOUT_CHATWIRE_BUILDS=
// "<label>=<path to a build's dist/index.js>,…" adds other builds (e.g. the one before a change) as
// more rows, to compare in one run: figures from different runs on a shared machine are not.
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
const RATE = Number(process.env.FANOUT_RATE ?? 100);
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

// The same bytes for every server: a chatwire `event` frame of a message.created, with the send
// time in the content (`~t=<ms>|`) for the receivers to read.
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
        content,
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
      const receivers = await inBatches(N, 100, () => openWs(info.url, counter.receive));
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
      const open = () =>
        new Promise((resolve, reject) => {
          const socket = ioClient(info.url, {
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
          });
          socket.on('msg', counter.receive);
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        });
      const receivers = await inBatches(N, 100, open);
      const sender = await open();
      sender.off('msg');
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
];

async function connectChatwire(info, counter) {
  const open = async (token, onText) => (await openChatwire(info.url, token, onText)).ws;
  const receivers = await inBatches(N, 100, (n) => open(info.tokens[n], counter.receive));
  const sender = await open(info.senderToken, () => {});
  let n = 0;
  return {
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

    const flood = counter.expect(N * FLOOD);
    const start = performance.now();
    for (let i = 0; i < FLOOD; i += 1) clients.send();
    await flood;
    const floodMs = performance.now() - start;

    await sleep(200);
    const total = RATE * SECONDS;
    const steady = counter.expect(N * total);
    const began = performance.now();
    for (let i = 0; i < total; i += 1) {
      clients.send();
      const next = began + ((i + 1) * 1000) / RATE;
      await sleep(Math.max(0, next - performance.now()));
    }
    const latencies = (await steady).sort((a, b) => a - b);
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
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
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
  console.log(
    `\n## Fan-out: 1 message → ${fmt(N)} connections (flood ${FLOOD} msgs; steady ${RATE} msg/s for ${SECONDS} s)`,
  );
  console.log(
    '| server | flood deliveries/s | flood time | steady p50 | steady p99 | heap / idle conn | heap / conn after traffic |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const others = otherBuilds.map((build) => rows[build.key]);
  for (const row of [ws, socketio, ...others, chatwire]) {
    console.log(
      `| ${row.name} | ${fmt(row.floodPerSecond)} | ${fmt(row.floodMs)} ms | ${fmt(row.p50, 1)} ms | ${fmt(row.p99, 1)} ms | ${fmt(row.heapPerConnection / 1024, 1)} KiB | ${fmt(row.heapPerConnectionAfterTraffic / 1024, 1)} KiB |`,
    );
  }
  const ratios = {
    floodVsSocketIo: chatwire.floodPerSecond / socketio.floodPerSecond,
    p99VsWs: chatwire.p99 / ws.p99,
    heapVsWs: chatwire.heapPerConnection / ws.heapPerConnection,
  };
  console.log(
    `\nchatwire: flood ${fmt(ratios.floodVsSocketIo, 2)}× Socket.IO's (target ≥ 1); steady p99 ${fmt(ratios.p99VsWs, 2)}× raw ws's (target ≤ 1.2); heap per idle connection ${fmt(ratios.heapVsWs, 2)}× raw ws's (target ≤ 1.3)`,
  );
  for (const row of others) {
    console.log(
      `${row.name}: flood ${fmt(row.floodPerSecond / socketio.floodPerSecond, 2)}× Socket.IO's; steady p99 ${fmt(row.p99 / ws.p99, 2)}× raw ws's; heap per idle connection ${fmt(row.heapPerConnection / ws.heapPerConnection, 2)}× raw ws's`,
    );
  }
  return { rows, ratios };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchFanout();
  process.exit(0);
}
