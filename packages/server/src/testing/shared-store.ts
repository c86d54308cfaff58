/**
 * One lowdb store in a temp dir of its own, shared by several apps in a test: what PostgreSQL is
 * to several processes, without needing it. `cleanup` closes the store, then removes the dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLowdbStore } from '../store/lowdb/index.js';
import type { Store } from '../store/store.js';

/**
 * A lowdb store (initialised) in a temp dir of its own, to pass as `store` to several test
 * servers: they then see the same users and conversations, as processes on one database do.
 *
 * @example
 * ```ts
 * const { store, cleanup } = await sharedLowdbStore();
 * const [a, b] = await Promise.all([startTestServer({ store }), startTestServer({ store })]);
 * ```
 */
export async function sharedLowdbStore(): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-shared-'));
  const store = createLowdbStore({ dataDir });
  await store.init();
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
