// The IPC side every fan-out server child shares: report where it listens (plus setup data),
// answer heap probes (after gc; the child runs with --expose-gc) and heap-snapshot requests (to
// see where the bytes per socket are: bench/fanout/heap-breakdown.mjs), and exit on request.
import { writeHeapSnapshot } from 'node:v8';

async function collectGarbage() {
  for (let i = 0; i < 3; i += 1) globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
  globalThis.gc?.();
}

export function serve(url, extra = {}, onStop = async () => {}) {
  process.on('message', async (message) => {
    if (message.type === 'heap') {
      await collectGarbage();
      process.send({ type: 'heap', id: message.id, heapUsed: process.memoryUsage().heapUsed });
    } else if (message.type === 'snapshot') {
      await collectGarbage();
      writeHeapSnapshot(message.path);
      process.send({ type: 'snapshot', id: message.id });
    } else if (message.type === 'stop') {
      await onStop();
      process.exit(0);
    }
  });
  process.send({ type: 'listening', url, ...extra });
}
