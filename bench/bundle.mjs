// Browser weight: what an app pays for chatwire (esbuild, minified ESM for browsers, gzip -9),
// next to openai-node's client measured the same way in the same run.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { root } from './lib.mjs';

async function weigh(contents, resolveDir) {
  const result = await build({
    stdin: { contents, resolveDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    // Node's `ws` is loaded only where no WebSocket exists; browsers never fetch it.
    external: ['ws', 'react', 'react-dom', 'react/jsx-runtime'],
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length };
}

export async function benchBundle() {
  const sdk = `${root}packages/sdk/src`;
  const hooks = `${root}packages/react-hooks/src`;
  const rows = [
    [
      '@chatwire/sdk: createClient (REST, streaming, realtime)',
      `export { createClient, localStorageTokenStore } from '${sdk}/index.ts';`,
      sdk,
    ],
    ['@chatwire/sdk: every export (all schemas too)', `export * from '${sdk}/index.ts';`, sdk],
    [
      '@chatwire/sdk + @chatwire/react: every hook',
      `export * from '${hooks}/index.ts'; export { createClient } from '${sdk}/index.ts';`,
      hooks,
    ],
    ['openai (baseline): new OpenAI()', `export { default } from 'openai';`, `${root}bench`],
  ];
  const sizes = [];
  for (const [name, contents, dir] of rows) sizes.push([name, await weigh(contents, dir)]);
  const client = sizes[0][1].gz;
  console.log('\n## Browser bundle (esbuild --minify, gzip -9)');
  console.log('| what | min | min+gz | vs openai client |');
  console.log('| --- | --- | --- | --- |');
  const openai = sizes[3][1].gz;
  for (const [name, size] of sizes) {
    console.log(
      `| ${name} | ${(size.min / 1000).toFixed(1)} kB | ${(size.gz / 1000).toFixed(1)} kB | ${(size.gz / openai).toFixed(2)}× |`,
    );
  }
  console.log(`hooks add ${((sizes[2][1].gz - client) / 1000).toFixed(1)} kB gz over createClient`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBundle();
