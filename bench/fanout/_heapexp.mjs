import { fork } from 'node:child_process';
import WebSocket from 'ws';
const N = 1000;
const child = fork(new URL('./chatwire-server.mjs', import.meta.url), [], { execArgv: ['--expose-gc'], env: { ...process.env, RECEIVERS: String(N) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const info = await new Promise((r) => child.on('message', (m) => m.type === 'listening' && r(m)));
let id = 0;
const heap = () => new Promise((r) => { const i = ++id; const f = (m) => { if (m.type === 'heap' && m.id === i) { child.off('message', f); r(m.heapUsed); } }; child.on('message', f); child.send({ type: 'heap', id: i }); });
const h0 = await heap();
const url = `${info.url.replace('http', 'ws')}/v1/realtime`;
const socks = [];
const mode = process.argv[2] ?? 'auth';
for (let s = 0; s < N; s += 100) {
  await Promise.all(info.tokens.slice(s, s + 100).map((token) => new Promise((res) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    socks.push(ws);
    ws.once('open', () => { if (mode === 'noauth') return res(); ws.send(JSON.stringify({ type: 'auth', token })); });
    ws.once('message', () => res());
  })));
}
await new Promise((r) => setTimeout(r, 500));
const h1 = await heap();
console.log(mode, 'per conn KiB', ((h1 - h0) / N / 1024).toFixed(2));
socks.forEach((s) => s.terminate());
child.send({ type: 'stop' });
