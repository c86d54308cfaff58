// `pnpm bench`: every benchmark, each against a baseline measured in the same run.
import { benchHttp } from './http.mjs';

const only = process.argv[2];
const benches = {
  http: benchHttp,
  store: async () => (await import('./store-append.mjs')).benchStoreAppend?.(),
};
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
