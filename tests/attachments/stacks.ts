/**
 * The matrix the attachments journeys run on: each store with each storage. Stores: lowdb, and
 * PostgreSQL when `DATABASE_URL` is set (a schema of the suite's own). Storages: the disk under the
 * server's data dir (the default), and S3 on a real s3rver, configured through the `s3` option as
 * a deployment configures it — one s3rver per `describeOnEachStack` call (a test file), started
 * when the first S3 stack needs it, each store under a key prefix of its own in its bucket.
 *
 * A stack can say whether its storage still holds an object, looking where the bytes really are
 * (the file under the data dir, the object in the bucket), so "deleted" means the bytes are gone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AppOptionsInput,
  type Store as ChatStore,
  createFileStorage,
  type FileStorage,
  type FileStorageConfig,
} from '@chatwire/server';
import {
  describePostgres,
  type S3TestServer,
  startS3Server,
  startTestServer,
  type TestServer,
} from '@chatwire/server/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStore } from '../support/stores.js';

export type StoreKind = 'lowdb' | 'postgres';
export type StorageKind = 'disk' | 's3';

/** Which cell of the matrix a suite is registered on: to register a test on some cells only. */
export interface StackKind {
  store: StoreKind;
  storage: StorageKind;
}

/** What a suite runs against: the server, its store for a look behind the wire, and its storage. */
export interface Stack {
  server: TestServer;
  store: ChatStore;
  /**
   * Starts another server on this stack's store and storage configuration (the caller closes it):
   * on S3 it reads and writes the same bucket, as a second process does; on disk it has a data
   * dir (and so a files dir) of its own.
   */
  startServer(options?: AppOptionsInput): Promise<TestServer>;
  /** Whether the storage `server` writes to holds the object `storageKey` (a `FileRecord`'s). */
  holds(storageKey: string): Promise<boolean>;
}

/** The `s3` option of a server on `s3`'s bucket, under a prefix of the store's own. */
function s3Option(s3: S3TestServer, store: StoreKind): NonNullable<FileStorageConfig['s3']> {
  return {
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: s3.credentials,
    forcePathStyle: true,
    prefix: `${store}/`,
  };
}

async function openStack(
  kind: StackKind,
  connectionString: string,
  s3: () => Promise<S3TestServer>,
): Promise<{ stack: Stack; close(): Promise<void> }> {
  const opened = await openStore(kind.store === 'lowdb' ? null : connectionString);
  let s3Config: FileStorageConfig['s3'];
  let server: TestServer;
  const startServer = (options: AppOptionsInput = {}) =>
    startTestServer({ ...options, store: opened.store, ...(s3Config ? { s3: s3Config } : {}) });
  try {
    s3Config = kind.storage === 's3' ? s3Option(await s3(), kind.store) : undefined;
    server = await startServer();
  } catch (error) {
    await opened.close();
    throw error;
  }
  // The bucket is looked at with a storage of its own (the same settings as the server's), so a
  // check does not go through the instance under test.
  const bucket: FileStorage | undefined = s3Config
    ? await createFileStorage({ dataDir: server.dataDir, s3: s3Config })
    : undefined;
  const holds = async (storageKey: string) =>
    bucket ? (await bucket.stat(storageKey)) !== null : existsSync(join(server.dataDir, 'files', storageKey));
  return {
    stack: { server, store: opened.store, startServer, holds },
    async close() {
      await server.close();
      await bucket?.close();
      await opened.close();
    },
  };
}

/** One s3rver, started on first use; `close` stops it if it was. */
function lazyS3Server(): { get(): Promise<S3TestServer>; close(): Promise<void> } {
  let started: Promise<S3TestServer> | undefined;
  return {
    get: () => {
      started ??= startS3Server();
      return started;
    },
    async close() {
      // A failed start was reported by the suites that needed it: nothing to stop.
      const s3 = await started?.catch(() => undefined);
      await s3?.close();
    },
  };
}

const storeNames: Record<StoreKind, string> = { lowdb: 'lowdb', postgres: 'PostgreSQL' };
const storageNames: Record<StorageKind, string> = { disk: 'disk', s3: 'S3' };

/** Opens the stack of `kind` before the suite's tests and closes it after them. */
function registerOn(
  kind: StackKind,
  connectionString: string,
  s3: () => Promise<S3TestServer>,
  suite: (stack: () => Stack, kind: StackKind) => void,
): void {
  let opened: Awaited<ReturnType<typeof openStack>> | undefined;
  beforeAll(async () => {
    opened = await openStack(kind, connectionString, s3);
  });
  afterAll(async () => opened?.close());
  suite(() => opened?.stack ?? unstarted(), kind);
}

/**
 * Registers `suite` once per stack: `<name> (lowdb + disk)`, `(lowdb + S3)`, and with
 * `DATABASE_URL` `(PostgreSQL + disk)` and `(PostgreSQL + S3)`. The suite gets a getter (the stack
 * exists once `beforeAll` has run) and the cell it is registered on. Call it once per test file:
 * its S3 cells share one s3rver, stopped when the file's suites are done.
 */
export function describeOnEachStack(
  name: string,
  suite: (stack: () => Stack, kind: StackKind) => void,
): void {
  const s3 = lazyS3Server();
  afterAll(() => s3.close());
  for (const storage of ['disk', 's3'] as const) {
    for (const store of ['lowdb', 'postgres'] as const) {
      const kind: StackKind = { store, storage };
      const title = `${name} (${storeNames[store]} + ${storageNames[storage]})`;
      if (store === 'lowdb') describe(title, () => registerOn(kind, '', s3.get, suite));
      else describePostgres(title, (connectionString) => registerOn(kind, connectionString, s3.get, suite));
    }
  }
}

function unstarted(): never {
  throw new Error('the stack is not started yet: use it inside a test');
}
