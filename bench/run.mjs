// `pnpm bench`: every benchmark, one after the other, each in its own process and each against a
// baseline measured in the same run. `pnpm bench http` runs one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = {
  bundle: 'bundle.mjs',
  http: 'http.mjs',
  store: 'store-append.mjs',
  'store-postgres': 'store-postgres.mjs',
  'store-append-batch': 'store-append-batch.mjs',
  sse: 'sse.mjs',
  tools: 'tools.mjs',
  fanout: 'fanout.mjs',
  cluster: 'cluster.mjs',
  uploads: 'uploads.mjs',
  search: 'search.mjs',
  reactions: 'reactions.mjs',
};
const only = process.argv.slice(2);
let failed = false;
for (const [name, script] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const path = new URL(script, import.meta.url).pathname;
  if (!existsSync(path)) continue;
  console.log(`\n# bench: ${name}`);
  const result = spawnSync(process.execPath, ['--expose-gc', path], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench ${name} failed (exit ${result.status})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
