// Shared helpers for the benchmarks: child servers, autocannon runs, percentiles, SSE parsing and
// a fake OpenAI upstream's chunks.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import autocannon from 'autocannon';

export const root = new URL('..', import.meta.url).pathname;

function withoutServices(env) {
  const { DATABASE_URL: _database, REDIS_URL: _redis, ...rest } = env;
  return rest;
}

/**
 * Starts `node script ...args` with env; resolves with its URL once it prints `listening <url>`,
 * the pino line or the CLI's `chatwire is ready: <url>`. Also gives its `pid` (for its RSS).
 */
export async function startChild(script, env = {}, args = []) {
  // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to every child: a profile of
  // each server under the benchmark's load (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    // Benchmarks choose their storage explicitly: a DATABASE_URL in the shell must not leak in.
    env: { ...withoutServices(process.env), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffer = '';
  const url = await new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(buffer);
      if (match) resolve(match[1]);
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export const tempDir = (name) => mkdtemp(join(tmpdir(), `chatwire-bench-${name}-`));

export async function load(options) {
  const result = await autocannon({ connections: 32, duration: 8, ...options });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** `--key=value` flags of this process, as an object. */
export function parseArgs(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.map((arg) => {
      const [key, value] = arg.replace(/^--/, '').split('=');
      return [key, value];
    }),
  );
}

/** Messages per conversation: spread from 0.5× to 1.5× the mean, summing to `total`. */
export function spread(total, conversations) {
  const weights = Array.from({ length: conversations }, (_, i) => 0.5 + i / Math.max(1, conversations - 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((weight) => Math.floor((total * weight) / sum));
  let rest = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % conversations, rest--) counts[i] += 1;
  return counts;
}

/** p50 and p99 of unsorted latencies. */
export function summary(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export async function json(url, init = {}) {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url} → ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

export const fmt = (n, digits = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });

/** The SDK's own SSE parser, eventsource-parser's `createParser` (the SDK's dependency, not the bench's). */
export async function loadParser() {
  const sdkEntry = createRequire(import.meta.url).resolve('@chatwire/sdk');
  const parserEntry = createRequire(sdkEntry).resolve('eventsource-parser');
  return (await import(pathToFileURL(parserEntry).href)).createParser;
}

const chunkStart =
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1752134000,"model":"bench","choices":[';

/**
 * OpenAI's streamed chat completion, as the benches' fake upstreams write it: `head + text + tail`
 * is one delta's event; then `finish` (finish_reason stop), `usage` (asked for with
 * `stream_options.include_usage`) and `done`.
 */
export const openAIChunk = {
  head: `${chunkStart}{"index":0,"delta":{"content":"`,
  tail: '"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n',
  finish: `${chunkStart}{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n`,
  usage: `${chunkStart}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}\n\n`,
  done: 'data: [DONE]\n\n',
};

/**
 * In a worker thread: the chatwire server built in this process, its `fast` model pointed at the
 * fake upstream, with `extra` options (tools); tells the main thread its URL. `serverModule` (a
 * path or URL to another build's `dist/index.js`) runs that build instead: an A/B in one run.
 */
export async function serveChatwireInWorker({ upstream, dataDir, serverModule }, extra = {}) {
  const { buildApp, resolveModels } = await import(serverModule ?? '@chatwire/server');
  const app = await buildApp({
    dataDir,
    logger: false,
    jwtSecret: 'bench-secret-that-is-long-enough-for-hs256',
    bcryptCost: 4,
    rateLimits: { authPerMinute: 1_000_000, userPerMinute: 1_000_000_000 },
    models: resolveModels({ OPENAI_BASE_URL: `${upstream}/v1`, OPENAI_API_KEY: 'sk-bench' }),
    ...extra,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  parentPort.postMessage({ url: `http://127.0.0.1:${app.server.address().port}` });
}

/** Starts `script` (a module URL) in a worker with `data`; resolves once it has told its URL. */
export async function startWorker(script, data) {
  const worker = new Worker(script, { workerData: data });
  const [{ url }] = await once(worker, 'message');
  return { url, worker, stop: () => worker.terminate() };
}
