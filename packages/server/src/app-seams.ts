/**
 * What a chatwire app runs on: the store, broker, presence directory and file storage, with the
 * JWT secret, the models and the clock. What `buildApp` creates it also opens and closes; a seam
 * passed in is the caller's (ready to use, and still open after `app.close()`: several apps may
 * share one).
 */
import { type Broker, createMemoryBroker } from './broker/broker.js';
import { createFileStorage } from './files/default-storage.js';
import type { FileStorage } from './files/file-storage.js';
import type { AppOptions } from './options.js';
import { createMemoryPresence, type PresenceDirectory } from './presence/presence-directory.js';
import { type ModelRegistry, resolveModels } from './providers/registry.js';
import { type Clock, systemClock } from './services/clock.js';
import { loadOrCreateJwtSecret } from './services/jwt-secret.js';
import { createLowdbStore } from './store/lowdb/index.js';
import type { Store } from './store/store.js';

export interface AppSeams {
  store: Store;
  broker: Broker;
  presence: PresenceDirectory;
  /** Uploads' bytes: on disk under the data dir, or in S3. */
  fileStorage: FileStorage;
  jwtSecret: string;
  models: ModelRegistry;
  clock: Clock;
  /** Closes the seams opened here (not those passed in): broker, presence, store, file storage. */
  close(): Promise<void>;
}

/** The seams of `options`, or the defaults (lowdb, in-process broker and presence, disk or S3). */
export async function openSeams(options: AppOptions): Promise<AppSeams> {
  const ownsStore = !options.store;
  const ownsBroker = !options.broker;
  const store =
    options.store ??
    createLowdbStore({
      dataDir: options.dataDir,
      ...(options.appendBatchMax ? { appendBatchMax: options.appendBatchMax } : {}),
    });
  const broker: Broker = options.broker ?? createMemoryBroker();
  const ownsPresence = !options.presence;
  const presence = options.presence ?? createMemoryPresence();
  if (ownsStore) await store.init();
  const jwtSecret = options.jwtSecret ?? (await loadOrCreateJwtSecret(options.dataDir));
  const ownsFileStorage = !options.fileStorage;
  const fileStorage =
    options.fileStorage ?? (await createFileStorage({ dataDir: options.dataDir, s3: options.s3 ?? null }));
  return {
    store,
    broker,
    presence,
    fileStorage,
    jwtSecret,
    models: options.models ?? resolveModels({}),
    clock: systemClock,
    async close() {
      if (ownsBroker) await broker.close();
      if (ownsPresence) await presence.close();
      if (ownsStore) await store.close();
      if (ownsFileStorage) await fileStorage.close();
    },
  };
}
