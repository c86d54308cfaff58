import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources; the crash test spawns the built CLI.
    alias: [
      { find: /^@chatwire\/sdk\/contracts$/, replacement: src('./packages/sdk/src/contracts/index.ts') },
      { find: /^@chatwire\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      { find: /^@chatwire\/server\/testing$/, replacement: src('./packages/server/src/testing/index.ts') },
      { find: /^@chatwire\/server$/, replacement: src('./packages/server/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.{ts,tsx}', 'tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
