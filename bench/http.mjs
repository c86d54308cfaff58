// (1) HTTP: GET /v1/conversations (a page of 20) and POST …/messages on a direct conversation,
// chatwire vs a bare Fastify route that runs jose jwtVerify and returns the same JSON. Both
// servers run in child processes; autocannon drives them one after the other from this one.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fmt, json, load, root, startChild, tempDir } from './lib.mjs';

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

    const get = (url) => load({ url: `${url}/v1/conversations?limit=20`, headers: auth });
    const post = (url) =>
      load({
        url: `${url}/v1/conversations/${direct.id}/messages`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'A message of ordinary length for the benchmark.' }),
      });
    // Warm both up, then measure.
    await load({ url: `${ours.url}/v1/conversations?limit=20`, headers: auth, duration: 2 });
    await load({ url: `${baseline.url}/v1/conversations?limit=20`, headers: auth, duration: 2 });
    const rows = [];
    for (const [name, run] of [
      ['GET /v1/conversations (page of 20)', get],
      ['POST …/messages (direct)', post],
    ]) {
      const base = await run(baseline.url);
      const chatwire = await run(ours.url);
      rows.push({ name, base, chatwire, ratio: chatwire.rps / base.rps });
    }
    console.log('\n## HTTP (autocannon, 32 connections, 8 s each)');
    console.log(
      '| route | bare Fastify + jose req/s | chatwire req/s | ratio | chatwire p50 / p99 ms | errors |',
    );
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const row of rows) {
      console.log(
        `| ${row.name} | ${fmt(row.base.rps)} | ${fmt(row.chatwire.rps)} | ${row.ratio.toFixed(2)}× | ${row.chatwire.p50} / ${row.chatwire.p99} | ${row.chatwire.errors} |`,
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
