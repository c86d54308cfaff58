/**
 * Profiles across two processes sharing PostgreSQL and Redis (two servers in this test process,
 * each with its own pool and its own broker): a profile changed on A reaches a participant's socket
 * on B, and a password changed on A ends the refresh tokens B would rotate.
 */
import { type Broker, createPostgresStore, createRedisBroker, type Store } from '@chatwire/server';
import {
  call,
  connectRealtime,
  createTestSchema,
  describePostgres,
  describeRedis,
  redisTestPrefix,
  startTestServer,
  type TestSchema,
  type TestServer,
} from '@chatwire/server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { register } from './stores.js';

describeRedis('profiles across processes', (redisUrl) => {
  describePostgres('(PostgreSQL + Redis)', (connectionString) => {
    let schema: TestSchema;
    let cleanupPrefix: () => Promise<void>;
    const stores: Store[] = [];
    const brokers: Broker[] = [];
    let one: TestServer;
    let two: TestServer;

    /** A server with a pool and a broker of its own, on the shared schema and key prefix. */
    async function startProcess(prefix: string): Promise<TestServer> {
      const store = createPostgresStore({ connectionString, schema: schema.name, poolMax: 4 });
      stores.push(store);
      await store.init();
      const broker = await createRedisBroker({ url: redisUrl, prefix, connectTimeoutMs: 2000 });
      brokers.push(broker);
      return startTestServer({ store, broker });
    }

    beforeAll(async () => {
      schema = await createTestSchema(connectionString);
      const { prefix, cleanup } = redisTestPrefix(redisUrl, 'profiles:');
      cleanupPrefix = cleanup;
      one = await startProcess(prefix);
      two = await startProcess(prefix);
    });
    afterAll(async () => {
      for (const server of [one, two]) await server?.close();
      for (const broker of brokers) await broker.close();
      for (const store of stores) await store.close();
      await schema?.drop();
      await cleanupPrefix?.();
    });

    it('a profile changed on one process reaches a socket on the other', async () => {
      const [ada, bob] = await Promise.all([register(one, 'ada'), register(two, 'bob')]);
      await call(`${one.url}/v1/conversations`, {
        token: ada.accessToken,
        body: { type: 'direct', participantIds: [bob.id] },
      });
      const bobOnTwo = await connectRealtime(two.url, { token: bob.accessToken });
      try {
        const changed = await call(`${one.url}/v1/users/me`, {
          method: 'PATCH',
          token: ada.accessToken,
          body: { statusText: 'Across' },
        });
        expect(changed.status).toBe(200);
        const { event } = await bobOnTwo.waitForEvent(
          (candidate) => candidate.type === 'user.updated' && candidate.user.id === ada.id,
        );
        expect(event).toMatchObject({ user: { id: ada.id, statusText: 'Across' } });
      } finally {
        await bobOnTwo.close();
      }
    });

    it('a password changed on one process ends the refresh tokens on the other', async () => {
      const ada = await register(two, 'ada');
      const changed = await call(`${one.url}/v1/users/me/password`, {
        token: ada.accessToken,
        body: { currentPassword: ada.password, newPassword: 'Another-horse-42' },
      });
      expect(changed.status).toBe(200);
      const old = await call(`${two.url}/v1/auth/refresh`, { body: { refreshToken: ada.refreshToken } });
      expect(old.status).toBe(401);
      const fresh = await call(`${two.url}/v1/auth/refresh`, {
        body: { refreshToken: changed.body.refreshToken },
      });
      expect(fresh.status).toBe(200);
    });
  });
});
