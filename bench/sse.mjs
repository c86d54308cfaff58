// (3) Streaming replies: what chatwire adds between a client and an OpenAI-compatible upstream,
// against the same client reading that upstream directly, in one run:
//   - time to first delta (TTFD), one stream at a time (p50 / p99, and the difference);
//   - one long stream of tiny deltas (upstream writes them as fast as the socket takes them):
//     deltas/s, and the cost per delta chatwire adds;
//   - many concurrent streams on one server: total time, p50 / p99 TTFD.
// The fake upstream (below: OpenAI's chunk format, `[DONE]`, a usage chunk) and the chatwire server
// each run in a worker thread, the clients in the main thread: three event loops on their own
// threads, as three processes would be. Both clients parse SSE with eventsource-parser (the SDK's
// parser); the direct one JSON-parses each chunk, the SDK also validates each event.
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  fmt,
  loadParser,
  openAIChunk,
  percentile,
  serveChatwireInWorker,
  startWorker,
  tempDir,
} from './lib.mjs';

const TTFD_RUNS = Number(process.env.SSE_TTFD_RUNS ?? 200);
const LONG_DELTAS = Number(process.env.SSE_LONG_DELTAS ?? 200_000);
const LONG_RUNS = Number(process.env.SSE_LONG_RUNS ?? 3);
const CONCURRENT = Number(process.env.SSE_CONCURRENT ?? 200);
const CONCURRENT_DELTAS = Number(process.env.SSE_CONCURRENT_DELTAS ?? 50);
const SHORT_DELTAS = 5;
// Another build's server (`…/packages/server/dist/index.js`): its streams are measured too,
// interleaved with this build's, so that both see the same machine (an A/B in one run).
const BASELINE_SERVER = process.env.SSE_BASELINE_SERVER;

// ---------------------------------------------------------------------------------------------
// Worker side: the fake upstream, and the chatwire server.

/** An OpenAI-compatible `/v1/chat/completions` that streams `deltas:N` tiny deltas (from the prompt). */
async function serveUpstream() {
  const { head, tail } = openAIChunk;
  const end = openAIChunk.finish + openAIChunk.usage + openAIChunk.done;
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const prompt = JSON.parse(body).messages.at(-1).content;
    const deltas = Number(/deltas:(\d+)/.exec(prompt)?.[1] ?? SHORT_DELTAS);
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    // The first delta leaves on its own, so that batching below never delays the first token.
    response.write(`${head}t${tail}`);
    let batch = '';
    for (let n = 1; n < deltas; n += 1) {
      batch += `${head} x${tail}`;
      if (batch.length >= 64 * 1024) {
        if (!response.write(batch)) await once(response, 'drain');
        batch = '';
      }
    }
    response.end(batch + end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  parentPort.postMessage({ url: `http://127.0.0.1:${server.address().port}` });
}

if (!isMainThread) {
  if (workerData.role === 'upstream') await serveUpstream();
  else await serveChatwireInWorker(workerData);
}

// ---------------------------------------------------------------------------------------------
// Main thread: the clients.

/** Reads one completion straight from the upstream, as a hand-written OpenAI client would. */
function directStream(createParser, upstream) {
  return async (deltas) => {
    const start = performance.now();
    let first = 0;
    let count = 0;
    const response = await fetch(`${upstream}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: `deltas:${deltas}` }],
      }),
    });
    const parser = createParser({
      onEvent: ({ data }) => {
        if (data === '[DONE]') return;
        const content = JSON.parse(data).choices[0]?.delta?.content;
        if (!content) return;
        if (count === 0) first = performance.now() - start;
        count += 1;
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
    if (count !== deltas) throw new Error(`direct: expected ${deltas} deltas, got ${count}`);
    return { ttfd: first, total: performance.now() - start };
  };
}

/** Streams one reply through chatwire with the SDK, in a conversation of its own. */
function chatwireStream(client, conversations) {
  return async (deltas) => {
    const chatId = conversations.pop();
    const start = performance.now();
    let first = 0;
    let count = 0;
    const stream = client.messages.stream(chatId, { content: `deltas:${deltas}` });
    for await (const event of stream) {
      if (event.type !== 'message.delta') continue;
      if (count === 0) first = performance.now() - start;
      count += 1;
    }
    if (count !== deltas) throw new Error(`chatwire: expected ${deltas} deltas, got ${count}`);
    return { ttfd: first, total: performance.now() - start };
  };
}

const ms = (value) => `${fmt(value, 2)} ms`;

export async function benchSse() {
  const { createClient } = await import('@chatwire/sdk');
  const dataDir = await tempDir('sse');
  const upstream = await startWorker(new URL(import.meta.url), { role: 'upstream' });
  const chatwire = await startWorker(new URL(import.meta.url), {
    role: 'chatwire',
    upstream: upstream.url,
    dataDir,
  });
  const baselineDir = BASELINE_SERVER ? await tempDir('sse-baseline') : undefined;
  const baseline = BASELINE_SERVER
    ? await startWorker(new URL(import.meta.url), {
        role: 'chatwire',
        upstream: upstream.url,
        dataDir: baselineDir,
        serverModule: BASELINE_SERVER,
      })
    : undefined;
  try {
    const streamFor = async (url, runs) => {
      const client = createClient({ baseUrl: url, retry: { maxRetries: 0 } });
      await client.auth.register({ email: 'sse@example.com', password: 'Bench-pass-1', displayName: 'SSE' });
      const conversations = [];
      for (let n = 0; n < runs; n += 1) {
        conversations.push(
          (await client.conversations.create({ type: 'assistant', title: `bench ${n}` })).id,
        );
      }
      return chatwireStream(client, conversations);
    };
    const ours = await streamFor(chatwire.url, TTFD_RUNS + 20 + LONG_RUNS + 1 + CONCURRENT * 2);
    const theirs = baseline ? await streamFor(baseline.url, TTFD_RUNS + 20 + LONG_RUNS + 1) : undefined;
    const direct = directStream(await loadParser(), upstream.url);

    // Warm-up: JIT, connection pools, lowdb files.
    for (let n = 0; n < 20; n += 1) {
      await direct(SHORT_DELTAS);
      await ours(SHORT_DELTAS);
      await theirs?.(SHORT_DELTAS);
    }

    // 1. Time to first delta, one stream at a time, the clients interleaved.
    const ttfd = { direct: [], ours: [], theirs: [] };
    for (let n = 0; n < TTFD_RUNS; n += 1) {
      ttfd.direct.push((await direct(SHORT_DELTAS)).ttfd);
      // The two builds take turns going first: each follows the other's stream as often.
      if (theirs && n % 2 === 1) ttfd.theirs.push((await theirs(SHORT_DELTAS)).ttfd);
      ttfd.ours.push((await ours(SHORT_DELTAS)).ttfd);
      if (theirs && n % 2 === 0) ttfd.theirs.push((await theirs(SHORT_DELTAS)).ttfd);
    }
    const sorted = {
      direct: [...ttfd.direct].sort((a, b) => a - b),
      ours: [...ttfd.ours].sort((a, b) => a - b),
      theirs: [...ttfd.theirs].sort((a, b) => a - b),
    };

    // 2. One long stream of tiny deltas; the best of LONG_RUNS each.
    await ours(LONG_DELTAS / 10);
    await theirs?.(LONG_DELTAS / 10);
    const long = { direct: [], ours: [], theirs: [] };
    for (let n = 0; n < LONG_RUNS; n += 1) {
      long.direct.push((await direct(LONG_DELTAS)).total);
      long.ours.push((await ours(LONG_DELTAS)).total);
      if (theirs) long.theirs.push((await theirs(LONG_DELTAS)).total);
    }
    const best = { direct: Math.min(...long.direct), ours: Math.min(...long.ours) };
    const rate = { direct: (LONG_DELTAS / best.direct) * 1000, ours: (LONG_DELTAS / best.ours) * 1000 };
    if (theirs) rate.theirs = (LONG_DELTAS / Math.min(...long.theirs)) * 1000;
    const perDeltaUs = ((best.ours - best.direct) / LONG_DELTAS) * 1000;

    // 3. Many streams at once on one server.
    const concurrent = async (run) => {
      const start = performance.now();
      const results = await Promise.all(Array.from({ length: CONCURRENT }, () => run(CONCURRENT_DELTAS)));
      const ttfds = results.map((result) => result.ttfd).sort((a, b) => a - b);
      return { total: performance.now() - start, p50: percentile(ttfds, 50), p99: percentile(ttfds, 99) };
    };
    const many = { direct: await concurrent(direct), ours: await concurrent(ours) };

    const row = (name, base, value, ratio, note = '') =>
      console.log(`| ${name} | ${base} | ${value} | ${ratio} | ${note} |`);
    console.log('\n## Streaming replies (SSE): chatwire vs reading the upstream directly');
    console.log('| measure | direct | through chatwire | ratio | note |');
    console.log('| --- | --- | --- | --- | --- |');
    row(
      `TTFD p50 (${TTFD_RUNS} streams, one at a time)`,
      ms(percentile(sorted.direct, 50)),
      ms(percentile(sorted.ours, 50)),
      `${(percentile(sorted.ours, 50) / percentile(sorted.direct, 50)).toFixed(2)}×`,
      `chatwire adds ${ms(percentile(sorted.ours, 50) - percentile(sorted.direct, 50))} (target ≤ 1.5 ms)`,
    );
    row(
      'TTFD p99',
      ms(percentile(sorted.direct, 99)),
      ms(percentile(sorted.ours, 99)),
      `${(percentile(sorted.ours, 99) / percentile(sorted.direct, 99)).toFixed(2)}×`,
    );
    row(
      `deltas/s, one stream of ${fmt(LONG_DELTAS)} (best of ${LONG_RUNS})`,
      fmt(rate.direct),
      fmt(rate.ours),
      `${(rate.ours / rate.direct).toFixed(2)}×`,
      `chatwire adds ${fmt(perDeltaUs, 2)} µs per delta (target ≥ 200,000 deltas/s)`,
    );
    row(
      `${CONCURRENT} concurrent streams of ${CONCURRENT_DELTAS} deltas: total`,
      ms(many.direct.total),
      ms(many.ours.total),
      `${(many.ours.total / many.direct.total).toFixed(2)}×`,
    );
    row(
      `… TTFD p50 / p99`,
      `${ms(many.direct.p50)} / ${ms(many.direct.p99)}`,
      `${ms(many.ours.p50)} / ${ms(many.ours.p99)}`,
      `${(many.ours.p50 / many.direct.p50).toFixed(2)}× / ${(many.ours.p99 / many.direct.p99).toFixed(2)}×`,
    );
    if (theirs) {
      const p50 = (values) => percentile(values, 50);
      row(
        'A/B: TTFD p50 added over direct, baseline build → this build',
        ms(p50(sorted.theirs) - p50(sorted.direct)),
        ms(p50(sorted.ours) - p50(sorted.direct)),
        `${((p50(sorted.ours) - p50(sorted.direct)) / (p50(sorted.theirs) - p50(sorted.direct))).toFixed(2)}×`,
        `TTFD p99 ${ms(percentile(sorted.theirs, 99))} → ${ms(percentile(sorted.ours, 99))}`,
      );
      row(
        'A/B: deltas/s, baseline build → this build',
        fmt(rate.theirs),
        fmt(rate.ours),
        `${(rate.ours / rate.theirs).toFixed(2)}×`,
      );
    }
    return { ttfd: sorted, rate, perDeltaUs, many };
  } finally {
    await baseline?.stop();
    if (baselineDir) await rm(baselineDir, { recursive: true, force: true });
    await chatwire.stop();
    await upstream.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (isMainThread && import.meta.url === `file://${process.argv[1]}`) await benchSse();
