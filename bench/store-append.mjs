/**
 * appendMessage latency of the lowdb store as the database grows: 1k, 100k and 1M messages
 * across 1,000 conversations, 2,000 appends to random conversations each, p50/p99 and their
 * ratio to the 1k figure. The target: p50 ≤ 1 ms, and 1M within 1.5× of 1k.
 *
 * - Seeding goes through `importConversation` (the store's own file format, written directly):
 *   a million `appendMessage` calls would take far longer than the measurement.
 * - The sizes are measured interleaved (one append to each store in turn), so load from anything
 *   else on the machine falls on all of them alike and the ratios stay meaningful.
 * - Two "floor" rows time one bare atomic file replacement (temporary file + rename, what steno
 *   does) in the same loop — of a one-message file and of a half-full segment: an append cannot
 *   be cheaper, since it writes its segment (its only write; the meta is a background
 *   checkpoint, see `lowdb-store.ts`). Read the 1k p50 against the first, the larger sizes'
 *   against the second.
 * - The stores' background meta checkpoints run during the measurement, as they would in
 *   service: their I/O competes with the appends and shows in the figures.
 *
 * Run after `pnpm build`:
 *   node bench/store-append.mjs [--appends=2000] [--warmup=200] [--sizes=1000,100000,1000000]
 *                               [--segment-size=100] [--checkpoint-delay-ms=1000]
 * Disk: ≈ 0.5 GB under os.tmpdir() at the 1M size, removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as server from '../packages/server/dist/index.js';
import { parseArgs, summary } from './lib.mjs';
import { appendOnce, importPlan, message, plan, verify } from './seed-records.mjs';

const { createLowdbStore, importConversation } = server;
if (typeof createLowdbStore !== 'function' || typeof importConversation !== 'function') {
  throw new Error(
    'bench/store-append: packages/server/dist/index.js must export createLowdbStore and importConversation ' +
      '(from ./store/lowdb/index.js); run `pnpm build` first',
  );
}

const args = parseArgs();
const CONVERSATIONS = 1_000;
const APPENDS = Number(args.appends ?? 2_000);
const WARMUP = Number(args.warmup ?? 200);
const SIZES = (args.sizes ?? '1000,100000,1000000').split(',').map(Number);
const SEGMENT_SIZE = args['segment-size'] === undefined ? undefined : Number(args['segment-size']);
const CHECKPOINT_DELAY_MS =
  args['checkpoint-delay-ms'] === undefined ? undefined : Number(args['checkpoint-delay-ms']);
/** Writes `total` messages across the conversations; returns what the appends need. */
async function seed(dataDir, total) {
  const conversations = plan(total, CONVERSATIONS);
  await importPlan(importConversation, dataDir, conversations, { segmentSize: SEGMENT_SIZE });
  return conversations;
}

/** Seeds a data dir with `total` messages and opens a store on it; `dirs` collects what to remove. */
async function prepare(total, dirs) {
  const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-bench-'));
  dirs.push(dataDir);
  let started = performance.now();
  const conversations = await seed(dataDir, total);
  const seedMs = performance.now() - started;
  const store = createLowdbStore({
    dataDir,
    segmentSize: SEGMENT_SIZE,
    checkpointDelayMs: CHECKPOINT_DELAY_MS,
  });
  started = performance.now();
  await store.init();
  const initMs = performance.now() - started;
  await verify(store, conversations, total);
  console.error(`… seeded ${total.toLocaleString('en')} messages in ${(seedMs / 1000).toFixed(1)} s`);
  return { total, conversations, store, seedMs, initMs, latencies: [], appended: 0 };
}

/**
 * The file-system floor: what one atomic replacement (temporary file + rename, as steno does)
 * costs here — an append's one synchronous write. Of a one-message file (the least an append
 * can write: the 1k stores' segments are about that) and of a half-full segment (what the open
 * segment holds on average once conversations are long: the 100k and 1M stores).
 */
function floorProbe(dir, name, count) {
  const replace = async (text) => {
    await writeFile(join(dir, `.${name}.tmp`), text, 'utf-8');
    await rename(join(dir, `.${name}.tmp`), join(dir, name));
  };
  const messages = Array.from({ length: count }, (_, n) => ({
    ...message(randomUUID(), randomUUID(), n),
    seq: n + 1,
  }));
  const text = JSON.stringify({ version: 1, firstSeq: 1, messages }, null, 2);
  const probe = { latencies: [] };
  probe.run = async () => {
    const started = performance.now();
    await replace(text);
    return performance.now() - started;
  };
  return probe;
}

const runs = [];
const floorDir = await mkdtemp(join(tmpdir(), 'chatwire-bench-floor-'));
const dirs = [floorDir];
try {
  for (const total of SIZES) runs.push(await prepare(total, dirs));
  const halfSegment = Math.max(1, Math.floor((SEGMENT_SIZE ?? 100) / 2));
  const floors = [
    { label: 'floor: 1 bare atomic write, 1 message', probe: floorProbe(floorDir, 'small.json', 1) },
    {
      label: `floor: 1 bare atomic write, ${halfSegment} messages`,
      probe: floorProbe(floorDir, 'segment.json', halfSegment),
    },
  ];

  // Round-robin over the sizes (and the floor probe), so load from anything else on the machine
  // falls on every size alike and the ratios compare like with like.
  for (let i = 0; i < WARMUP + APPENDS; i++) {
    for (const run of runs) {
      const elapsed = await appendOnce(run);
      if (i >= WARMUP) run.latencies.push(elapsed);
    }
    for (const { probe } of floors) {
      const elapsed = await probe.run();
      if (i >= WARMUP) probe.latencies.push(elapsed);
    }
  }
  for (const run of runs) await run.store.close();

  const base = summary(runs[0].latencies);
  const ms = (value) => `${value.toFixed(3)} ms`;
  console.log(
    `appendMessage, lowdb store (segmentSize ${SEGMENT_SIZE ?? 'default'}), ${CONVERSATIONS.toLocaleString('en')} conversations, ` +
      `${APPENDS} appends per size, interleaved`,
  );
  const rows = runs.map((run) => {
    const { p50, p99 } = summary(run.latencies);
    return {
      messages: run.total.toLocaleString('en'),
      'seed (s)': (run.seedMs / 1000).toFixed(1),
      'init (ms)': run.initMs.toFixed(0),
      p50: ms(p50),
      p99: ms(p99),
      'p50 ÷ 1k': (p50 / base.p50).toFixed(2),
      'p99 ÷ 1k': (p99 / base.p99).toFixed(2),
    };
  });
  for (const { label, probe } of floors) {
    const bare = summary(probe.latencies);
    rows.push({ messages: label, p50: ms(bare.p50), p99: ms(bare.p99) });
  }
  console.table(rows);
  const largest = summary(runs.at(-1).latencies);
  const p50s = runs.map((run) => summary(run.latencies).p50);
  console.log(`p50 ≤ 1 ms at every size: ${p50s.every((p50) => p50 <= 1) ? 'yes' : 'no'}`);
  console.log(`largest within 1.5× of the smallest (p50): ${largest.p50 <= 1.5 * base.p50 ? 'yes' : 'no'}`);
} finally {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
