// (1) HTTP: GET /v1/conversations (a page of 20) and POST …/messages on a direct conversation,
// chatwire vs a bare Fastify route that runs jose jwtVerify and returns the same JSON. Both
// servers run in child processes; autocannon drives them from this one, in rounds that take turns
// going first; each round's ratio is reported (median, min–max).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fmt, json, load, parseArgs, root, startChild, tempDir } from './lib.mjs';

// `node bench/http.mjs [--rounds=4] [--duration=4]`
const args = parseArgs();
const ROUNDS = Number(args.rounds ?? 4);
const DURATION = Number(args.duration ?? 4);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const secret = 'bench-secret-that-is-long-enough-for-hs256';

export async function benchHttp() {
  const dataDir = await tempDir('http');
  const ours = await startChild(join(root, 'packages/server/dist/cli.js'), {
    PORT: '0',
    CHATWIRE_DATA_DIR: dataDir,
    JWT_SECRET: secret,
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
  });
  let baseline;
  try {
    const register = (n) =>
      json(`${ours.url}/v1/auth/register`, {
        method: 'POST',
        body: { email: `bench${n}@example.com`, password: 'Bench-pass-1', displayName: `Bench ${n}` },
      });
    const me = await register(0);
    const auth = { authorization: `Bearer ${me.tokens.accessToken}` };
    let direct;
    for (let n = 1; n <= 20; n += 1) {
      const other = await register(n);
      direct = await json(`${ours.url}/v1/conversations`, {
        method: 'POST',
        headers: auth,
        body: { type: 'direct', participantIds: [other.user.id] },
      });
      await json(`${ours.url}/v1/conversations/${direct.id}/messages`, {
        method: 'POST',
        headers: auth,
        body: { content: `Hello number ${n}, how are you today?` },
      });
    }
    const page = await json(`${ours.url}/v1/conversations?limit=20`, { headers: auth });
    const sent = await json(`${ours.url}/v1/conversations/${direct.id}/messages`, {
      method: 'POST',
      headers: auth,
      body: { content: 'A message of ordinary length for the benchmark.' },
    });
    const pageFile = join(dataDir, 'page.json');
    const sentFile = join(dataDir, 'sent.json');
    await writeFile(pageFile, JSON.stringify(page));
    await writeFile(sentFile, JSON.stringify(sent));
    baseline = await startChild(join(root, 'bench/baseline-server.mjs'), {
      JWT_SECRET: secret,
      PAGE_FILE: pageFile,
      SENT_FILE: sentFile,
    });

    const get = (url) => load({ url: `${url}/v1/conversations?limit=20`, headers: auth, duration: DURATION });
    const post = (url) =>
      load({
        url: `${url}/v1/conversations/${direct.id}/messages`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'A message of ordinary length for the benchmark.' }),
        duration: DURATION,
      });
    // Warm both up, then measure.
    await load({ url: `${ours.url}/v1/conversations?limit=20`, headers: auth, duration: 2 });
    await load({ url: `${baseline.url}/v1/conversations?limit=20`, headers: auth, duration: 2 });
    const rows = [];
    for (const [name, run] of [
      ['GET /v1/conversations (page of 20)', get],
      ['POST …/messages (direct)', post],
    ]) {
      // Rounds taking turns going first: load from anything else on the machine falls on both alike,
      // and each round's ratio is of two measurements seconds apart.
      const rounds = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const first = round % 2 === 0 ? baseline.url : ours.url;
        const second = first === baseline.url ? ours.url : baseline.url;
        const a = await run(first);
        const b = await run(second);
        const [base, chatwire] = first === baseline.url ? [a, b] : [b, a];
        rounds.push({ base, chatwire, ratio: chatwire.rps / base.rps });
      }
      rows.push({ name, rounds });
    }
    console.log(
      `\n## HTTP (autocannon, 32 connections, ${DURATION} s per measurement, ${ROUNDS} rounds taking turns)`,
    );
    console.log(
      '| route | bare Fastify + jose req/s (median) | chatwire req/s (median) | ratio median (min–max over rounds) | chatwire p50 / p99 ms (median) | errors |',
    );
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const { name, rounds } of rows) {
      const ratios = rounds.map((r) => r.ratio);
      const errors = rounds.reduce((sum, r) => sum + r.base.errors + r.chatwire.errors, 0);
      console.log(
        `| ${name} | ${fmt(median(rounds.map((r) => r.base.rps)))} | ${fmt(median(rounds.map((r) => r.chatwire.rps)))} | ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${median(rounds.map((r) => r.chatwire.p50))} / ${median(rounds.map((r) => r.chatwire.p99))} | ${errors} |`,
      );
    }
    return rows;
  } finally {
    await baseline?.stop();
    await ours.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHttp();
