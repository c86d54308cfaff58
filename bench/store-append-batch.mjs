/**
 * Group commit on PostgreSQL: N concurrent `appendMessage` calls to ONE conversation (a flood into a
 * group), through a store that batches them (appendBatchMax, default 64) and through one that gives
 * each its own transaction (appendBatchMax 1: what every append did before), in the same run.
 * Appends/s (N over the wall time until the last resolved) and the p50/p99 of each call's latency.
 *
 * - The two stores share one throw-away schema (`chatwire_bench_<random>`, dropped at the end), each
 *   its own conversations, and take turns round by round, so that load from anything else on the
 *   machine falls on both alike; each repeat is `--rounds` rounds of each, and the figures of a
 *   repeat are the medians over its rounds. Reported per repeat, then min–max over the repeats.
 * - Every round appends to a fresh conversation of two people, the sender's messages plain text
 *   (the fan-out flood's case: no files, no threads, no reply appended with them).
 *
 * Run after `pnpm build`, with a database:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/store-append-batch.mjs
 *     [--appends=200] [--rounds=5] [--repeats=3] [--batch-max=64] [--pool-max=10]
 * Without DATABASE_URL it says so and exits 0.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fmt, parseArgs, percentile } from './lib.mjs';

const args = parseArgs();
const DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL) {
  console.log(
    'bench/store-append-batch: skipped, DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)',
  );
  process.exit(0);
}
const { createPostgresStore } = await import('../packages/server/dist/index.js');
const pg = createRequire(new URL('../packages/server/package.json', import.meta.url))('pg');

const APPENDS = Number(args.appends ?? 200);
const ROUNDS = Number(args.rounds ?? 5);
const REPEATS = Number(args.repeats ?? 3);
const BATCH_MAX = Number(args['batch-max'] ?? 64);
const POOL_MAX = Number(args['pool-max'] ?? 10);
const BASE = Date.UTC(2030, 0, 1);

function message(conversationId, senderId, n) {
  return {
    id: randomUUID(),
    conversationId,
    senderId,
    role: 'user',
    content: `flood message ${n}`,
    parts: [{ type: 'text', text: `flood message ${n}` }],
    status: 'complete',
    clientMessageId: randomUUID(),
    model: null,
    usage: null,
    finishReason: null,
    stale: false,
    promptId: null,
    clientTools: null,
    createdAt: new Date(BASE + n).toISOString(),
    editedAt: null,
    mentions: [],
  };
}

async function conversation(store) {
  const [sender, other] = [randomUUID(), randomUUID()];
  const at = new Date(BASE).toISOString();
  const created = await store.createConversation({
    id: randomUUID(),
    type: 'group',
    title: 'flood',
    model: null,
    systemPrompt: null,
    createdAt: at,
    updatedAt: at,
    directKey: null,
    participants: [sender, other].map((userId) => ({
      userId,
      role: 'member',
      joinedAt: at,
      readCount: 0,
      lastReadMessageId: null,
    })),
    assistant: null,
  });
  return { id: created.id, sender };
}

/** One round: APPENDS appends fired at once into a fresh conversation; appends/s and latencies. */
async function flood(store) {
  const target = await conversation(store);
  const latencies = [];
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: APPENDS }, async (_, n) => {
      const sent = performance.now();
      const result = await store.appendMessage(message(target.id, target.sender, n));
      latencies.push(performance.now() - sent);
      return result;
    }),
  );
  const elapsed = performance.now() - started;
  const seqs = results.map((result) => result.message.seq).sort((a, b) => a - b);
  if (seqs.some((seq, index) => seq !== index + 1)) throw new Error('seqs are not 1…N: the bench is wrong');
  latencies.sort((a, b) => a - b);
  return {
    perSecond: APPENDS / (elapsed / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values) => `${fmt(Math.min(...values), 2)}–${fmt(Math.max(...values), 2)}`;

const schema = `chatwire_bench_${randomBytes(6).toString('hex')}`;
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
const modes = [
  { name: `batched (appendBatchMax ${BATCH_MAX})`, batchMax: BATCH_MAX },
  { name: 'one transaction each (appendBatchMax 1)', batchMax: 1 },
];
try {
  for (const mode of modes) {
    mode.store = createPostgresStore({
      connectionString: DATABASE_URL,
      schema,
      poolMax: POOL_MAX,
      appendBatchMax: mode.batchMax,
    });
    await mode.store.init();
    await flood(mode.store); // warm-up: connections open, plans cached
  }
  const repeats = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const rounds = modes.map(() => []);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate who goes first, so neither always follows the other's checkpoint or vacuum.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const index of order) rounds[index].push(await flood(modes[index].store));
    }
    repeats.push(
      rounds.map((figures) => ({
        perSecond: median(figures.map((f) => f.perSecond)),
        p50: median(figures.map((f) => f.p50)),
        p99: median(figures.map((f) => f.p99)),
      })),
    );
  }

  console.log(
    `\n## PostgreSQL group commit: ${APPENDS} concurrent appends to one conversation (${ROUNDS} rounds × ${REPEATS} repeats, pool ${POOL_MAX})`,
  );
  console.log('| mode | repeat | appends/s | p50 | p99 |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [index, mode] of modes.entries()) {
    for (const [repeat, figures] of repeats.entries()) {
      const f = figures[index];
      console.log(
        `| ${mode.name} | ${repeat + 1} | ${fmt(f.perSecond)} | ${fmt(f.p50, 1)} ms | ${fmt(f.p99, 1)} ms |`,
      );
    }
  }
  const throughput = repeats.map(([batched, single]) => batched.perSecond / single.perSecond);
  const p50s = repeats.map(([batched, single]) => batched.p50 / single.p50);
  console.log(
    `\nbatched vs one transaction each: appends/s ×${range(throughput)}, p50 ×${range(p50s)} (min–max over ${REPEATS} repeats)`,
  );
} finally {
  for (const mode of modes) await mode.store?.close();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}
