// (9) Uploads: `POST /v1/uploads` of a 20 MiB file (multipart, streamed through the sniffing, a
// SHA-256 and the disk storage's temp file + fsync + rename), against writing the same bytes to a
// file with a bare `fs.createWriteStream` (fsynced too: the storage's durability is part of what
// is measured, not a handicap of the baseline). Then the server's RSS while 10 such uploads run at
// once: streamed, it must not grow by their size (200 MiB).
// The server runs in a child process (its RSS is its own); the client sends from this one.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fmt, json, root, startChild, tempDir } from './lib.mjs';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.UPLOADS_SIZE_MIB ?? 20) * MiB;
const RUNS = Number(process.env.UPLOADS_RUNS ?? 8);
const PARALLEL = Number(process.env.UPLOADS_PARALLEL ?? 10);
const CHUNK = 64 * 1024;

/** The server CLI in a child process, with its pid (for its RSS). */
const startServer = (dataDir) =>
  startChild(join(root, 'packages/server/dist/cli.js'), {
    PORT: '0',
    CHATWIRE_DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_UPLOADS_PER_MINUTE: '1000000',
    UPLOAD_QUOTA_BYTES: String(1024 * 1024 * MiB),
  });

/** Resident set size of `pid`, bytes (Linux `/proc`). */
async function rssOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

/** The file's bytes as a stream of 64 KiB chunks: what a client reading a file from disk sends. */
function chunksOf(bytes) {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.length; offset += CHUNK)
        yield bytes.subarray(offset, offset + CHUNK);
    })(),
    { objectMode: false },
  );
}

const boundary = 'chatwire-bench-boundary';

const agent = new Agent({ keepAlive: true });

/**
 * POSTs `parts` (buffers) to `url` with `node:http` (1 MiB writes, honouring back-pressure), as
 * `curl` would send a file: the fastest client at hand, so that the server is what is measured.
 */
function post(url, headers, parts) {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  return new Promise((resolve, reject) => {
    const { hostname, port, pathname } = new URL(url);
    const req = request(
      {
        host: hostname,
        port,
        path: pathname,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': length },
      },
      async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        resolve({ status: res.statusCode, text });
      },
    );
    req.on('error', reject);
    (async () => {
      for (const part of parts)
        for (let offset = 0; offset < part.length; offset += MiB)
          if (!req.write(part.subarray(offset, offset + MiB))) await once(req, 'drain');
      req.end();
    })().catch(reject);
  });
}

/** One multipart upload, as `curl -F file=@…` sends it. */
async function upload(url, token, bytes, name) {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const { status, text } = await post(
    `${url}/v1/uploads`,
    { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    [head, bytes, tail],
  );
  if (status !== 201) throw new Error(`upload → ${status} ${text}`);
  return JSON.parse(text);
}

/** A bare `node:http` server that streams each request body into a file (fsynced): HTTP's own cost. */
async function startBareServer(dir) {
  let n = 0;
  const server = createServer(async (req, res) => {
    await pipeline(req, createWriteStream(join(dir, `bare-${n++}`), { flush: true }));
    res.end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function writeBaseline(dir, bytes, n) {
  await pipeline(chunksOf(bytes), createWriteStream(join(dir, `baseline-${n}`), { flush: true }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(run) {
  const times = [];
  for (let n = 0; n < RUNS; n += 1) {
    const start = performance.now();
    await run(n);
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function benchUploads() {
  const dataDir = await tempDir('uploads');
  const baselineDir = await tempDir('uploads-baseline');
  const server = await startServer(dataDir);
  try {
    const me = await json(`${server.url}/v1/auth/register`, {
      method: 'POST',
      body: { email: 'bench-uploads@example.com', password: 'Bench-pass-1', displayName: 'Bench' },
    });
    const token = me.tokens.accessToken;
    // Text: no signature to sniff, valid UTF-8 — the inspection's longest path.
    const bytes = Buffer.alloc(SIZE, 'chatwire bench '.repeat(4));
    await upload(server.url, token, bytes, 'warm-up.txt');
    await writeBaseline(baselineDir, bytes, 'warm-up');

    const bare = await startBareServer(baselineDir);
    await post(bare.url, {}, [bytes]);
    const baselineMs = await timed((n) => writeBaseline(baselineDir, bytes, n));
    const bareMs = await timed(() => post(bare.url, {}, [bytes]));
    const uploadMs = await timed((n) => upload(server.url, token, bytes, `file-${n}.txt`));
    bare.close();
    const mib = SIZE / MiB;
    const line = (label, ms) =>
      console.log(
        `  ${label.padEnd(38)} ${fmt(ms, 1).padStart(6)} ms  ${fmt((mib * 1000) / ms).padStart(5)} MiB/s`,
      );
    console.log(`upload of ${fmt(mib)} MiB (median of ${RUNS}):`);
    line('fs.createWriteStream (flush)', baselineMs);
    line('bare node:http → createWriteStream', bareMs);
    line('POST /v1/uploads (chatwire)', uploadMs);
    console.log(`  chatwire vs fs.createWriteStream       ${fmt(baselineMs / uploadMs, 2)}× (target ≥ 0.7×)`);
    console.log(`  chatwire vs bare HTTP                  ${fmt(bareMs / uploadMs, 2)}×`);

    const idle = await rssOf(server.pid);
    let peak = idle;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssOf(server.pid));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: PARALLEL }, (_, n) => upload(server.url, token, bytes, `parallel-${n}.txt`)),
    );
    const parallelMs = performance.now() - start;
    sampling = false;
    await sampler;
    const total = PARALLEL * mib;
    console.log(
      `${PARALLEL} parallel uploads of ${fmt(mib)} MiB (${fmt(total)} MiB) in ${fmt(parallelMs)} ms:`,
    );
    console.log(
      `  server RSS ${fmt(idle / MiB, 1)} MiB idle → ${fmt(peak / MiB, 1)} MiB peak (+${fmt((peak - idle) / MiB, 1)} MiB, ${fmt(((peak - idle) / (total * MiB)) * 100, 1)} % of the bytes sent)`,
    );
  } finally {
    await server.stop();
    agent.destroy();
    await rm(dataDir, { recursive: true, force: true });
    await rm(baselineDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchUploads();
