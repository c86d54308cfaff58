// The IPC side every fan-out server child shares: report where it listens (plus setup data),
// answer heap probes (after gc; the child runs with --expose-gc), and exit on request.
export function serve(url, extra = {}, onStop = async () => {}) {
  process.on('message', async (message) => {
    if (message.type === 'heap') {
      for (let i = 0; i < 3; i += 1) globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
      globalThis.gc?.();
      process.send({ type: 'heap', id: message.id, heapUsed: process.memoryUsage().heapUsed });
    } else if (message.type === 'stop') {
      await onStop();
      process.exit(0);
    }
  });
  process.send({ type: 'listening', url, ...extra });
}
