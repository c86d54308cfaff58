import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStore } from '../../testing/describe-store.js';
import { createLowdbStore, type LowdbStoreOptions } from './lowdb-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function lowdbStore(options: Omit<LowdbStoreOptions, 'dataDir'>) {
  return async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-lowdb-'));
    dirs.push(dataDir);
    const store = createLowdbStore({ dataDir, ...options });
    await store.init();
    return store;
  };
}

describeStore('lowdb (defaults)', lowdbStore({}));
// Tiny segments and cache: every multi-message test crosses segments and evicts them.
describeStore('lowdb (3-message segments, 2 cached)', lowdbStore({ segmentSize: 3, cachedSegments: 2 }));
// Background meta checkpoints due at once: they interleave with every operation of the suite.
describeStore(
  'lowdb (checkpoints racing every operation)',
  lowdbStore({ segmentSize: 3, checkpointDelayMs: 0 }),
);
