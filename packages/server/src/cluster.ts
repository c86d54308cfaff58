/**
 * `chatwire-server --workers N`: N server processes on one machine sharing one port
 * (`node:cluster`). Each worker is a whole chatwire server; they share nothing in memory, only
 * PostgreSQL and Redis (config refuses `workers > 1` without both), so any request or socket may
 * land on any worker and no sticky sessions are needed.
 *
 * The primary only supervises:
 * - start-up is all or nothing: it prints "ready" once every worker listens, and if a worker exits
 *   before it ever listened (database unreachable, bad model config…) it stops the others and exits
 *   1 — never a half-started server;
 * - a worker that dies later (a crash, an OOM kill) is replaced after a short delay; its clients
 *   reconnect and resume on the others meanwhile. Deaths in a loop (5 within 30 s) stop everything;
 * - SIGINT/SIGTERM are passed to every worker, which shuts down gracefully (sockets closed with 1001
 *   so clients resume elsewhere, replies stored as `aborted`), and the primary exits when they have.
 */
import cluster, { type Worker } from 'node:cluster';

export interface PrimaryOptions {
  workers: number;
  /** Printed once every worker listens. */
  onReady: (address: { address: string; port: number }) => void;
  /** Human-readable lines (worker deaths, restarts). */
  log: (line: string) => void;
}

/** Delay before a dead worker is replaced, ms. */
const restartDelayMs = 1000;
/** How long a graceful stop may take before the primary exits anyway, ms. */
const stopTimeoutMs = 15_000;
const crashLoopDeaths = 5;
const crashLoopWindowMs = 30_000;

/** Whether this process is a worker started by {@link runPrimary}. */
export const isClusterWorker = (): boolean => cluster.isWorker;

/**
 * Forks the workers and supervises them until a signal stops them; the process exits from here.
 *
 * @example
 * ```ts
 * if (config.workers > 1 && cluster.isPrimary) runPrimary({ workers: config.workers, onReady, log: console.log });
 * else await startServer(config);
 * ```
 */
export function runPrimary(options: PrimaryOptions): void {
  /** Workers that have listened at least once. */
  const listened = new WeakSet<Worker>();
  let readyAnnounced = false;
  let stopping = false;
  let exitCode = 0;
  const deaths: number[] = [];

  const fork = () => cluster.fork();

  function stopAll(signal: NodeJS.Signals, code: number): void {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill(signal);
    setTimeout(() => {
      options.log(`workers did not stop within ${stopTimeoutMs} ms: exiting`);
      process.exit(1);
    }, stopTimeoutMs).unref();
  }

  cluster.on('listening', (worker, address) => {
    listened.add(worker);
    const all = Object.values(cluster.workers ?? {});
    if (!readyAnnounced && all.length === options.workers && all.every((w) => w && listened.has(w))) {
      readyAnnounced = true;
      options.onReady({ address: address.address ?? '127.0.0.1', port: address.port });
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!listened.has(worker)) {
      // It never served anything: its own message (stderr) says why; the others would fail alike.
      options.log(`a worker failed to start (${how}): stopping`);
      stopAll('SIGTERM', 1);
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && (deaths[0] as number) < now - crashLoopWindowMs) deaths.shift();
    if (deaths.length >= crashLoopDeaths) {
      options.log(`${deaths.length} workers died within ${crashLoopWindowMs / 1000} s: stopping`);
      stopAll('SIGTERM', 1);
      return;
    }
    options.log(`worker ${worker.process.pid} exited (${how}); starting another in ${restartDelayMs} ms`);
    setTimeout(() => {
      if (!stopping) replace(fork());
    }, restartDelayMs);
  });

  /** A replacement that cannot start counts as one more death (the crash-loop rule), not a failed start-up. */
  function replace(worker: Worker): void {
    listened.add(worker);
    worker.once('listening', () => options.log(`worker ${worker.process.pid} is serving`));
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(signal, 0));
  for (let i = 0; i < options.workers; i += 1) fork();
}
