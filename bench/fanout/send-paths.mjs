// The server-side cost of one publish to N sockets, by send path: the part of fan-out that the
// frame encoding decides, without the store, the broker or the clients' parsing (all of which the
// end-to-end bench in ../fanout.mjs includes, on the same two cores). One process: a `ws` server,
// N `ws` clients on 127.0.0.1; only the synchronous send loop is timed, then the clients read
// before the next publish. The paths run interleaved (round robin), so that a machine whose load
// changes during the run affects them alike. `node bench/fanout/send-paths.mjs` (N, PUBLISHES env).
//   per-user string: a frame string built per recipient (its own seq), sent as a string: ws
//     UTF-8-encodes and frames it per socket (chatwire before stream seqs);
//   shared buffer:   one Buffer per publish, `socket.send(buffer)`: ws frames it per socket (what a
//     raw `ws` broadcast does);
//   shared frame:    header + payload framed once per publish with ws's `Sender.frame`, the same
//     bytes written to every socket's TCP socket (chatwire now; engine.io's pre-encoded frames).
import { performance } from 'node:perf_hooks';
import WebSocket, { Sender, WebSocketServer } from 'ws';
import { summary } from '../lib.mjs';
import { inBatches } from './clients.mjs';

const N = Number(process.env.N ?? 1000);
const PUBLISHES = Number(process.env.PUBLISHES ?? 200);

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
await new Promise((resolve) => wss.once('listening', resolve));
const servers = [];
wss.on('connection', (socket) => servers.push(socket));
let received = 0;
const clients = await inBatches(
  N,
  100,
  () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`, { perMessageDeflate: false });
      ws.on('message', () => {
        received += 1;
      });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    }),
);
while (servers.length < N) await new Promise((resolve) => setTimeout(resolve, 10));

const eventJson = JSON.stringify({
  type: 'message.created',
  conversationId: '0190a0c0-0000-7000-8000-000000000001',
  message: {
    id: '0190a0c0-0000-7000-8000-000000000002',
    conversationId: '0190a0c0-0000-7000-8000-000000000001',
    senderId: '0190a0c0-0000-7000-8000-000000000003',
    role: 'user',
    content: 'A message of ordinary length for the fan-out benchmark, with an accent: é.',
    status: 'complete',
    clientMessageId: 'b1',
    model: null,
    usage: null,
    finishReason: null,
    stale: false,
    createdAt: new Date().toISOString(),
    editedAt: null,
  },
});
const frameOf = (seq) => `{"type":"event","seq":${seq},"event":${eventJson}}`;
const frameOptions = { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false };
let seq = Date.now() * 1000;

const paths = {
  'per-user string': () => {
    for (const socket of servers) {
      seq += 1;
      socket.send(frameOf(seq), { compress: false });
    }
  },
  'shared buffer': () => {
    seq += 1;
    const payload = Buffer.from(frameOf(seq));
    for (const socket of servers) socket.send(payload, { compress: false, binary: false });
  },
  'shared frame': () => {
    seq += 1;
    const wire = Buffer.concat(Sender.frame(Buffer.from(frameOf(seq)), frameOptions));
    for (const socket of servers) socket._socket.write(wire);
  },
};

const times = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
for (let round = 0; round < PUBLISHES; round += 1) {
  for (const [name, publish] of Object.entries(paths)) {
    const expected = received + N;
    const start = performance.now();
    publish();
    times[name].push(performance.now() - start);
    while (received < expected) await new Promise((resolve) => setImmediate(resolve));
  }
}

const base = summary(times['shared buffer']).p50;
console.log(`\n## Server-side cost of one publish to ${N} sockets (median of ${PUBLISHES}, interleaved)`);
console.log('| send path | ms / publish | µs / delivery | vs shared buffer (raw ws) |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, values] of Object.entries(times)) {
  const ms = summary(values).p50;
  console.log(
    `| ${name} | ${ms.toFixed(2)} | ${((ms * 1000) / N).toFixed(2)} | ${(ms / base).toFixed(2)}× |`,
  );
}
for (const ws of clients) ws.terminate();
wss.close();
