import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'contracts/index': 'src/contracts/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // The SDK runs in browsers, Bun, Deno and edge runtimes: nothing Node-only may be bundled.
  external: ['ws'],
  treeshake: true,
});
