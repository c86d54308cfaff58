import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

/**
 * `@chatwire/server/testing` reaches vitest through `src/testing/vitest.ts`, which imports it with
 * a top-level `await` (vitest is an optional peer). Neither works in CommonJS — vitest throws when
 * `require`d, and a top-level `await` has no CommonJS form — so the CJS build gets stand-ins that
 * throw a clear error when a suite is registered; the test app and the fakes work in both.
 * (esbuild fails the build if the stand-ins miss a name the suites import.)
 */
const vitestStandInsForCommonJs: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'vitest-stand-ins-for-commonjs',
  setup(build) {
    if (build.initialOptions.define?.TSUP_FORMAT !== '"cjs"') return;
    const testing = fileURLToPath(new URL('./src/testing', import.meta.url));
    build.onResolve({ filter: /^\.\/vitest\.js$/ }, (args) =>
      args.resolveDir === testing ? { path: `${testing}/vitest-unavailable.ts` } : undefined,
    );
  },
};

export default defineConfig({
  // One build for every entry, so the CLI, the library and the testing entry share chunks (one
  // copy of each module, so `instanceof` holds across them) and one clean step.
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    compilerOptions: { paths: {} },
  },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  esbuildPlugins: [vitestStandInsForCommonJs],
});
