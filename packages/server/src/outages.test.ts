/**
 * Outages of PostgreSQL and Redis, on one server with both, each service reached only through a
 * TCP proxy of the test's own that is cut and restored (the real services are shared: never
 * stopped). What issue 7 promises: writes refused up front with 503 `unavailable` + Retry-After,
 * nothing half-written, reads from PostgreSQL while Redis is away, new sockets closed with 1013,
 * open ones kept and caught up (or told to resync when Redis lost its data), and a publish that
 * failed after its commit delivered later, in order.
 */
import type { RealtimeEvent, ServerFrame } from '@chatwire/sdk/contracts';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Broker } from './broker/broker.js';
import { createRedisBroker } from './broker/redis-broker.js';
import { createPostgresStore } from './store/postgres/postgres-store.js';
import type { Store } from './store/store.js';
import { call, type JsonResponse } from './testing/http.js';
import { deleteKeysUnder, describeRedis, redisTestPrefix } from './testing/redis-prefix.js';
import { startTestServer, type TestServer } from './testing/start-server.js';
import { startTcpProxy, type TcpProxy, targetOf } from './testing/tcp-proxy.js';
import { createTestSchema, describePostgres, type TestSchema } from './testing/test-database.js';
import {
  connectRealtime,
  directConversation,
  signUp,
  type TestSocket,
  type TestUser,
} from './testing/ws-client.js';

/** The store, with a hook that runs after an append committed (to cut Redis in that window). */
function withAfterAppend(store: Store, hook: { afterAppend: (() => Promise<void>) | null }): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'appendMessage') {
        return async (...args: Parameters<Store['appendMessage']>) => {
          const result = await target.appendMessage(...args);
          await hook.afterAppend?.();
          return result;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const isCreated = (content: string) => (event: RealtimeEvent) =>
  event.type === 'message.created' && event.message.content === content;

describePostgres('outages (PostgreSQL through a proxy)', (databaseUrl) => {
  describeRedis('and Redis through a proxy', (redisUrl) => {
    let schema: TestSchema;
    let pgProxy: TcpProxy;
    let redisProxy: TcpProxy;
    let store: Store;
    let broker: Broker;
    let server: TestServer;
    let prefix: string;
    let cleanupPrefix: () => Promise<void>;
    const hook: { afterAppend: (() => Promise<void>) | null } = { afterAppend: null };
    const sockets: TestSocket[] = [];

    beforeAll(async () => {
      schema = await createTestSchema(databaseUrl);
      pgProxy = await startTcpProxy(targetOf(databaseUrl, 5432));
      redisProxy = await startTcpProxy(targetOf(redisUrl, 6379));
      ({ prefix, cleanup: cleanupPrefix } = redisTestPrefix(redisUrl, 'outages:'));
      const postgres = createPostgresStore({
        connectionString: pgProxy.urlFor(databaseUrl),
        schema: schema.name,
        poolMax: 4,
        // Small, so that nothing in these tests can wait long on a cut connection.
        connectTimeoutMs: 1000,
        statementTimeoutMs: 2000,
      });
      await postgres.init();
      store = withAfterAppend(postgres, hook);
      broker = await createRedisBroker({ url: redisProxy.urlFor(redisUrl), prefix, connectTimeoutMs: 2000 });
      server = await startTestServer({ store, broker });
    });

    afterEach(async () => {
      hook.afterAppend = null;
      for (const socket of sockets.splice(0)) await socket.close();
      pgProxy.restore();
      redisProxy.restore();
      await expect.poll(() => broker.available?.(), { timeout: 10_000 }).toBe(true);
    });

    afterAll(async () => {
      await server?.close();
      await broker?.close();
      await store?.close();
      await Promise.all([pgProxy?.close(), redisProxy?.close()]);
      await schema?.drop();
      await cleanupPrefix?.();
    });

    async function open(user: TestUser): Promise<TestSocket> {
      const socket = await connectRealtime(server.url, { token: user.token });
      sockets.push(socket);
      return socket;
    }

    /** Two users and their direct conversation. */
    async function pair(): Promise<{ alice: TestUser; bob: TestUser; id: string }> {
      const [alice, bob] = await Promise.all([signUp(server.url, 'alice'), signUp(server.url, 'bob')]);
      return { alice, bob, id: await directConversation(server.url, alice, bob) };
    }

    const send = (user: TestUser, id: string, content: string, clientMessageId?: string) =>
      call(`${server.url}/v1/conversations/${id}/messages`, {
        token: user.token,
        body: clientMessageId === undefined ? { content } : { content, clientMessageId },
      });

    /** Rows as PostgreSQL has them (read directly, not through the proxy). */
    async function stored(conversationId: string): Promise<{ messages: string[]; messageCount: number }> {
      const rows = await schema.admin.query<{ content: string }>(
        'SELECT content FROM messages WHERE conversation_id = $1 ORDER BY conv_seq',
        [conversationId],
      );
      const counts = await schema.admin.query<{ message_count: number }>(
        'SELECT message_count FROM conversations WHERE id = $1',
        [conversationId],
      );
      return {
        messages: rows.rows.map((row) => row.content),
        messageCount: Number(counts.rows[0]?.message_count),
      };
    }

    function expectUnavailable(response: JsonResponse<{ error: Record<string, unknown> }>): void {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      // The one error envelope: code, message, request id; nothing else.
      expect(Object.keys(response.body.error).sort()).toEqual(['code', 'message', 'requestId']);
      expect(response.body.error.code).toBe('unavailable');
    }

    async function cutRedis(): Promise<void> {
      redisProxy.cut();
      // The broker notices the lost connection on its next turn of the event loop.
      await expect.poll(() => broker.available?.(), { timeout: 5000 }).toBe(false);
    }

    it('PostgreSQL cut: writes and reads answer 503 unavailable, nothing is half-written, and an idempotent retry stores one message', async () => {
      const { alice, id } = await pair();
      const socket = await open(alice);

      pgProxy.cut();
      expectUnavailable(await send(alice, id, 'while down', 'pg-1'));
      expectUnavailable(await call(`${server.url}/v1/conversations/${id}/messages`, { token: alice.token }));
      socket.send({
        type: 'message.send',
        conversationId: id,
        content: 'ws while down',
        clientMessageId: 'pg-ws',
      });
      const error = await socket.waitFor((frame) => frame.type === 'error' && frame.ref === 'pg-ws');
      expect(error).toMatchObject({ type: 'error', code: 'unavailable', ref: 'pg-ws' });
      const health = await call(`${server.url}/health`);
      expect(health.body).toMatchObject({ status: 'degraded', storage: 'postgres (down)', broker: 'redis' });

      pgProxy.restore();
      expect(await stored(id)).toEqual({ messages: [], messageCount: 0 });
      const retried = await send(alice, id, 'while down', 'pg-1');
      expect(retried.status).toBe(201);
      // The SDK's retry of a request whose answer it never saw: the same message, stored once.
      const again = await send(alice, id, 'while down', 'pg-1');
      expect(again.body.message.id).toBe(retried.body.message.id);
      expect(await stored(id)).toEqual({ messages: ['while down'], messageCount: 1 });
      expect(socket.frames.some((frame) => frame.type === 'ack' && frame.clientMessageId === 'pg-ws')).toBe(
        false,
      );
      expect((await call(`${server.url}/health`)).body.status).toBe('ok');
    });

    it('Redis cut: writes refused before storing, reads served, new sockets closed with 1013, open ones kept and caught up', async () => {
      const { alice, bob, id } = await pair();
      const bobSocket = await open(bob);
      const aliceSocket = await open(alice);
      const before = await send(alice, id, 'before');
      expect(before.status).toBe(201);
      await bobSocket.waitForEvent(isCreated('before'));

      await cutRedis();
      expectUnavailable(await send(alice, id, 'refused', 'r-1'));
      expectUnavailable(
        await call(`${server.url}/v1/conversations/${id}/read`, {
          token: bob.token,
          body: { messageId: before.body.message.id },
        }),
      );
      aliceSocket.send({
        type: 'message.send',
        conversationId: id,
        content: 'ws refused',
        clientMessageId: 'r-ws',
      });
      expect(
        await aliceSocket.waitFor((frame) => frame.type === 'error' && frame.ref === 'r-ws'),
      ).toMatchObject({
        code: 'unavailable',
      });
      // Refused before the transaction: nothing of either attempt is stored.
      expect(await stored(id)).toEqual({ messages: ['before'], messageCount: 1 });

      // Reads keep working from PostgreSQL; signing in too (it announces nothing).
      const page = await call(`${server.url}/v1/conversations/${id}/messages`, { token: bob.token });
      expect(page.status).toBe(200);
      expect(page.body.items.map((message: { content: string }) => message.content)).toEqual(['before']);
      expect((await call(`${server.url}/v1/conversations`, { token: bob.token })).status).toBe(200);
      expect((await signUp(server.url, 'carol')).token).toBeTruthy();

      const health = await call(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', storage: 'postgres', broker: 'redis (down)' });

      const late = await connectRealtime(server.url);
      expect(await late.closed).toEqual({ code: 1013, reason: expect.stringMatching(/unavailable/) });
      expect(bobSocket.ws.readyState).toBe(bobSocket.ws.OPEN);

      redisProxy.restore();
      await expect.poll(() => broker.available?.(), { timeout: 10_000 }).toBe(true);
      expect((await send(alice, id, 'after', 'r-1')).status).toBe(201);
      await bobSocket.waitForEvent(isCreated('after'), 10_000);
      // Redis kept its data: the reader went on from its last id, nothing to resync.
      expect(bobSocket.frames.some((frame) => frame.type === 'resync')).toBe(false);
      expect((await call(`${server.url}/health`)).body).toMatchObject({ status: 'ok', broker: 'redis' });
      const fresh = await open(bob);
      expect(fresh.frames.at(-1)?.type).toBe('ready');
    });

    it('Redis lost its data while cut (a restart without persistence): open sockets get resync, then live events', async () => {
      const { alice, bob, id } = await pair();
      const bobSocket = await open(bob);
      expect((await send(alice, id, 'before the loss')).status).toBe(201);
      await bobSocket.waitForEvent(isCreated('before the loss'));

      await cutRedis();
      // What a restarted Redis without persistence looks like to this prefix: none of its keys.
      expect(await deleteKeysUnder(redisUrl, prefix)).toBeGreaterThan(0);

      redisProxy.restore();
      await expect.poll(() => broker.available?.(), { timeout: 10_000 }).toBe(true);
      expect((await send(alice, id, 'after the loss')).status).toBe(201);
      const live = await bobSocket.waitForEvent(isCreated('after the loss'), 10_000);
      const resync = bobSocket.frames.findIndex((frame) => frame.type === 'resync');
      expect(resync).toBeGreaterThan(-1);
      expect(resync).toBeLessThan(bobSocket.frames.indexOf(live));
      // Never a wrong replay: the new seqs still go up.
      const seqs = bobSocket.events().map((frame) => frame.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    });

    it('a publish that fails after its commit is acknowledged, kept, and delivered in order when Redis is back', async () => {
      const { alice, bob, id } = await pair();
      const bobSocket = await open(bob);
      const aliceSocket = await open(alice);
      // Redis goes away between the write's check and its publish.
      hook.afterAppend = async () => {
        hook.afterAppend = null;
        await cutRedis();
      };

      const first = await send(alice, id, 'committed, then Redis went away', 'q-1');
      expect(first.status).toBe(201);
      expect((await stored(id)).messages).toEqual(['committed, then Redis went away']);
      // Not gated (it is only an event): published while Redis is down, it queues behind the message.
      aliceSocket.send({ type: 'typing', conversationId: id, state: 'start' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(bobSocket.events().filter((frame) => frame.event.type !== 'presence')).toEqual([]);

      redisProxy.restore();
      await expect.poll(() => broker.available?.(), { timeout: 10_000 }).toBe(true);
      expect((await send(alice, id, 'later')).status).toBe(201);
      await bobSocket.waitForEvent(isCreated('later'), 10_000);
      const seen = bobSocket
        .events()
        .map((frame) => frame.event)
        .filter((event) => event.type === 'message.created' || event.type === 'typing')
        .map((event) => (event.type === 'message.created' ? event.message.content : event.type));
      expect(seen).toEqual(['committed, then Redis went away', 'typing', 'later']);
      expect(bobSocket.frames.some((frame: ServerFrame) => frame.type === 'resync')).toBe(false);
    });
  });
});
