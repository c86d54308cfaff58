/**
 * Message search through the Store, lowdb and PostgreSQL in the same run, at 10k and 100k
 * messages over 200 group conversations of which the searching user is in 20 (10 %): p50/p95 of
 * 200 searches (50 each of a common word, a rare word, a two-letter prefix and two words, in
 * turn), each as a ratio to a baseline timed in the same loop, repeated `--repeats` times (median
 * ratio, min–max).
 *
 * - Baseline on lowdb: the search without an index — a linear scan of every message of the
 *   user's conversations (`listMessages` pages of 100, each matched with the same word folding).
 *   On PostgreSQL: one page (20) of `listMessages`, a plain indexed SELECT.
 * - Content: 6–14 words drawn from a Zipf-like vocabulary of 20,000 made-up words (word k with
 *   weight 1/(k+1)), so "common" is among the most frequent words, "rare" occurs a few times per
 *   100k messages.
 * - lowdb is seeded with `importConversation`, then opened twice: once with `cachedSegments: 1`
 *   for the heap it adds, after a GC (the segment cache then holds next to nothing: the delta is
 *   the index and 200 conversation metas; reported per 100k messages), and once as a server
 *   opens it (default cache), its start-up — which builds the index from every segment — timed,
 *   for the searches.
 * - PostgreSQL: a throw-away schema (`chatwire_bench_<random>`) migrated by the store, messages
 *   inserted in bulk (the tsvector is a generated column), ANALYZE, dropped at the end. The plan
 *   of a rare-word search is printed (GIN index or not).
 *
 * Run after `pnpm build`: node --expose-gc bench/search.mjs [--sizes=10000,100000] [--queries=200] [--repeats=3]
 * PostgreSQL when DATABASE_URL is set (lowdb alone otherwise).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fmt, parseArgs, percentile, tempDir } from './lib.mjs';
import { BASE_TIME } from './seed-records.mjs';

const args = parseArgs();
const SIZES = (args.sizes ?? '10000,100000').split(',').map(Number);
const QUERIES = Number(args.queries ?? 200);
const REPEATS = Number(args.repeats ?? 3);
const CONVERSATIONS = 200;
const MINE = 20;
const VOCABULARY = 20_000;
const DATABASE_URL = process.env.DATABASE_URL;

const server = await import(new URL('../packages/server/dist/index.js', import.meta.url).href);
const { createLowdbStore, createPostgresStore, importConversation, parseSearch } = server;
if (typeof parseSearch !== 'function') throw new Error('bench/search: run `pnpm build` first');
const pg = createRequire(new URL('../packages/server/package.json', import.meta.url))('pg');

/** A deterministic generator, so every run (and both stores) get the same words. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const syllables = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'ti',
  'vo',
  'pe',
  'da',
  'zu',
  'fi',
  'go',
  'he',
  'ja',
  'xo',
];
/** Word `k` of the vocabulary: syllables of k in base 16, so words are distinct and pronounceable. */
const word = (k) => {
  let text = '';
  let n = k + 16;
  while (n > 0) {
    text = syllables[n % 16] + text;
    n = Math.floor(n / 16);
  }
  return text;
};
const words = Array.from({ length: VOCABULARY }, (_, k) => word(k));
const cumulative = [];
{
  let sum = 0;
  for (let k = 0; k < VOCABULARY; k++) {
    sum += 1 / (k + 1);
    cumulative.push(sum);
  }
}
function drawWord(next) {
  const target = next() * cumulative.at(-1);
  let low = 0;
  let high = VOCABULARY - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle] < target) low = middle + 1;
    else high = middle;
  }
  return words[low];
}

/** The seed: conversations (the caller in the first MINE), and their messages' contents. */
function seedPlan(total) {
  const next = random(total);
  const caller = randomUUID();
  const conversations = Array.from({ length: CONVERSATIONS }, (_, index) => ({
    id: randomUUID(),
    users: index < MINE ? [caller, randomUUID()] : [randomUUID(), randomUUID()],
    contents: [],
  }));
  for (let n = 0; n < total; n++) {
    const length = 6 + Math.floor(next() * 9);
    conversations[n % CONVERSATIONS].contents.push(Array.from({ length }, () => drawWord(next)).join(' '));
  }
  return { caller, conversations };
}

/** The four kinds of search, and a pick of each. */
const queryKinds = {
  common: () => words[1],
  rare: () => words[500],
  prefix: () => words[0].slice(0, 2),
  'two words': () => `${words[20]} ${words[40]}`,
};

function conversationRecord(id, users) {
  const createdAt = new Date(BASE_TIME).toISOString();
  return {
    id,
    type: 'group',
    title: 'bench',
    model: null,
    systemPrompt: null,
    createdAt,
    updatedAt: createdAt,
    directKey: null,
    participants: users.map((userId, index) => ({
      userId,
      role: index === 0 ? 'owner' : 'member',
      joinedAt: createdAt,
      readCount: 0,
      lastReadMessageId: null,
    })),
  };
}

function messageRecord(conversationId, senderId, n, content) {
  return {
    id: randomUUID(),
    conversationId,
    senderId,
    role: 'user',
    content,
    parts: [{ type: 'text', text: content }],
    status: 'complete',
    clientMessageId: null,
    model: null,
    usage: null,
    finishReason: null,
    stale: false,
    promptId: null,
    clientTools: null,
    createdAt: new Date(BASE_TIME + n * 1000).toISOString(),
    editedAt: null,
  };
}

const heap = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

async function openLowdb(total, seed, cleanup) {
  const dataDir = await tempDir('search');
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  let n = 0;
  for (const { id, users, contents } of seed.conversations) {
    const messages = contents.map((content) => messageRecord(id, users[n % 2], ++n, content));
    await importConversation(dataDir, conversationRecord(id, users), messages);
  }
  // Opened once with next to no segment cache, for the heap the index takes; then as a server
  // would open it (default cache) for the searches.
  const before = heap();
  const lean = createLowdbStore({ dataDir, cachedSegments: 1 });
  await lean.init();
  const heapBytes = heap() - before;
  await lean.close();
  const store = createLowdbStore({ dataDir });
  const started = performance.now();
  await store.init();
  const startMs = performance.now() - started;
  console.error(
    `… lowdb ${fmt(total)}: open (index build) ${fmt(startMs)} ms, heap +${fmt(heapBytes / 2 ** 20, 1)} MiB`,
  );
  const mine = seed.conversations.slice(0, MINE);
  /** No index: every message of the caller's conversations, read and matched. */
  const scan = async (q) => {
    const terms = parseSearch(q);
    const hits = [];
    for (const { id } of mine) {
      let beforeSeq;
      for (;;) {
        const page = await store.listMessages(id, { limit: 100, ...(beforeSeq && { beforeSeq }) });
        for (const message of page) if (matches(message.content, terms)) hits.push(message);
        if (page.length < 100) break;
        beforeSeq = page[0].seq;
      }
    }
    return hits;
  };
  return { kind: 'lowdb', store, baseline: scan, extra: { startMs, heapBytes } };
}

/** The words of `content` (folded as the server folds them) against `terms`: every one, the last a prefix. */
function matches(content, terms) {
  const folded = parseSearch(content)?.words ?? [];
  return terms.words.every((w, i) =>
    i === terms.words.length - 1 ? folded.some((f) => f.startsWith(w)) : folded.includes(w),
  );
}

async function openPostgres(total, seed, cleanup) {
  const schema = `chatwire_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await admin.connect();
  cleanup.push(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  const store = createPostgresStore({ connectionString: DATABASE_URL, schema, poolMax: 4 });
  cleanup.push(() => store.close());
  await store.init();
  const started = performance.now();
  const base = new Date(BASE_TIME).toISOString();
  await admin.query('BEGIN');
  for (const { id, users } of seed.conversations) {
    await admin.query(
      `INSERT INTO conversations (id, type, title, created_at, updated_at, last_activity_at) VALUES ($1, 'group', 'bench', $2, $2, $2)`,
      [id, base],
    );
    await admin.query(
      `INSERT INTO participants (conversation_id, user_id, position, role, joined_at)
       VALUES ($1, $2, 1, 'owner', $4), ($1, $3, 2, 'member', $4)`,
      [id, users[0], users[1], base],
    );
  }
  let n = 0;
  for (const { id, users, contents } of seed.conversations) {
    const seqs = contents.map((_, index) => index + 1);
    const times = contents.map(() => new Date(BASE_TIME + ++n * 1000).toISOString());
    const senders = contents.map((_, index) => users[index % 2]);
    await admin.query(
      `INSERT INTO messages (conversation_id, id, conv_seq, sender_id, role, content, status, created_at, parts)
       SELECT $1, gen_random_uuid(), s, sender, 'user', content, 'complete', at,
         jsonb_build_array(jsonb_build_object('type', 'text', 'text', content))
       FROM unnest($2::integer[], $3::uuid[], $4::text[], $5::timestamptz[]) AS m(s, sender, content, at)`,
      [id, seqs, senders, contents, times],
    );
    await admin.query(`UPDATE conversations SET message_count = $2, last_activity_at = $3 WHERE id = $1`, [
      id,
      contents.length,
      times.at(-1),
    ]);
  }
  await admin.query('COMMIT');
  await admin.query('ANALYZE');
  console.error(`… postgres ${fmt(total)}: seeded in ${fmt((performance.now() - started) / 1000, 1)} s`);
  const plan = await admin.query(
    `EXPLAIN SELECT id FROM messages WHERE search_vector @@ to_tsquery('simple', $1)
       AND conversation_id IN (SELECT conversation_id FROM participants WHERE user_id = $2)`,
    [`'${queryKinds.rare()}'`, seed.caller],
  );
  const usesGin = plan.rows.some((row) => /messages_search_vector/.test(row['QUERY PLAN']));
  console.error(
    `… postgres ${fmt(total)}: rare-word plan ${usesGin ? 'uses' : 'does NOT use'} the GIN index`,
  );
  const first = seed.conversations[0].id;
  return {
    kind: 'postgres',
    store,
    baseline: () => store.listMessages(first, { limit: 20 }),
    extra: { usesGin, plan: plan.rows.map((row) => row['QUERY PLAN']).join('\n') },
  };
}

/** One repeat: QUERIES searches, the kinds in turn, each followed by one baseline call. */
async function measure(opened, caller) {
  const kinds = Object.keys(queryKinds);
  const times = Object.fromEntries(kinds.map((kind) => [kind, []]));
  const baseline = [];
  const asOf = new Date(BASE_TIME + 10 ** 9).toISOString();
  for (let i = 0; i < QUERIES; i++) {
    const kind = kinds[i % kinds.length];
    const terms = parseSearch(queryKinds[kind]());
    let started = performance.now();
    const { hits } = await opened.store.searchMessages(caller, { terms }, { limit: 20, asOf });
    times[kind].push(performance.now() - started);
    if (i < kinds.length && hits.length === 0) console.error(`  (no hits for ${kind})`);
    started = performance.now();
    await opened.baseline(queryKinds[kind]());
    baseline.push(performance.now() - started);
  }
  const p = (list, q) =>
    percentile(
      [...list].sort((a, b) => a - b),
      q,
    );
  const base50 = p(baseline, 50);
  return Object.fromEntries(
    [
      ...kinds.map((kind) => [
        kind,
        { p50: p(times[kind], 50), p95: p(times[kind], 95), ratio: p(times[kind], 50) / base50 },
      ]),
    ].concat([['baseline', { p50: base50, p95: p(baseline, 95), ratio: 1 }]]),
  );
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = [];
const cleanup = [];
try {
  for (const total of SIZES) {
    const seed = seedPlan(total);
    const openers = [openLowdb, ...(DATABASE_URL ? [openPostgres] : [])];
    for (const open of openers) {
      const opened = await open(total, seed, cleanup);
      await measure(opened, seed.caller); // warm-up
      const repeats = [];
      for (let r = 0; r < REPEATS; r++) repeats.push(await measure(opened, seed.caller));
      for (const kind of [...Object.keys(queryKinds), 'baseline']) {
        const ratios = repeats.map((repeat) => repeat[kind].ratio);
        rows.push({
          store: opened.kind,
          total,
          kind,
          p50: median(repeats.map((repeat) => repeat[kind].p50)),
          p95: median(repeats.map((repeat) => repeat[kind].p95)),
          ratio: median(ratios),
          min: Math.min(...ratios),
          max: Math.max(...ratios),
        });
      }
      rows.push({ store: opened.kind, total, extra: opened.extra });
      if (opened.kind === 'lowdb') await opened.store.close();
    }
  }
} finally {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
}

console.log('\n## Message search (bench/search.mjs)');
console.log(
  `200 conversations, the caller in ${MINE}; ${QUERIES} searches × ${REPEATS} repeats; page of 20.`,
);
console.log('| store | messages | search | p50 ms | p95 ms | p50 ÷ baseline p50 (min–max) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  if (row.extra) continue;
  const baseline = row.store === 'lowdb' ? 'linear scan' : 'one listMessages page';
  const label = row.kind === 'baseline' ? `baseline: ${baseline}` : row.kind;
  console.log(
    `| ${row.store} | ${fmt(row.total)} | ${label} | ${fmt(row.p50, 2)} | ${fmt(row.p95, 2)} | ${fmt(row.ratio, 3)} (${fmt(row.min, 3)}–${fmt(row.max, 3)}) |`,
  );
}
for (const row of rows) {
  if (!row.extra) continue;
  if (row.store === 'lowdb') {
    const per100k = (row.extra.heapBytes / row.total) * 100_000;
    console.log(
      `lowdb ${fmt(row.total)}: start-up with index build ${fmt(row.extra.startMs)} ms; heap +${fmt(row.extra.heapBytes / 2 ** 20, 1)} MiB (${fmt(per100k / 2 ** 20, 1)} MiB per 100k messages)`,
    );
  } else {
    console.log(
      `postgres ${fmt(row.total)}: rare-word plan ${row.extra.usesGin ? 'uses' : 'does not use'} messages_search_vector (GIN)`,
    );
  }
}
