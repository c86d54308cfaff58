/**
 * Several built `chatwire-server` processes serving one set of users on PostgreSQL + Redis, as in
 * production: two single processes and one `--workers 2` cluster, sharing a schema (PGOPTIONS) and
 * a Redis key prefix of this file's own. People on different processes see each other live; a
 * process killed with SIGKILL loses nothing acknowledged, and its clients resume elsewhere with
 * no gap and no duplicate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RealtimeEvent } from '@chatwire/sdk';
import {
  createTestSchema,
  describePostgres,
  describeRedis,
  redisTestPrefix,
  startFakeOpenAI,
  type TestSchema,
} from '@chatwire/server/testing';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { startBalancer } from './support/balancer.js';
import { type SignedIn, signUp } from './support/clients.js';
import { closeLive, type Live, live } from './support/live.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

afterEach(closeLive);

const created = (content: string) => (event: RealtimeEvent) =>
  event.type === 'message.created' && event.message.content === content;

/** The ids of the worker processes of a `--workers` primary. */
function workerPids(primary: ServerProcess): number[] {
  const out = execFileSync('pgrep', ['-P', String(primary.child.pid)], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map(Number);
}

describePostgres('several server processes behind one URL', (databaseUrl) => {
  describeRedis('on PostgreSQL + Redis', (redisUrl) => {
    let schema: TestSchema;
    let dataDir: string;
    let cleanupRedis: () => Promise<void>;
    let env: Record<string, string>;
    const running: ServerProcess[] = [];

    async function start(args: string[] = [], extra: Record<string, string> = {}): Promise<ServerProcess> {
      const server = await startServerProcess({ ...env, ...extra }, args);
      running.push(server);
      return server;
    }

    beforeAll(async () => {
      schema = await createTestSchema(databaseUrl);
      dataDir = await mkdtemp(join(tmpdir(), 'chatwire-multi-'));
      const { prefix, cleanup } = redisTestPrefix(redisUrl);
      cleanupRedis = cleanup;
      env = {
        DATABASE_URL: databaseUrl,
        PGOPTIONS: `-c search_path=${schema.name}`,
        REDIS_URL: redisUrl,
        CHATWIRE_REDIS_PREFIX: prefix,
        // Every process must verify every other's tokens.
        JWT_SECRET: 'multi-process-test-secret-0123456789abcdef',
        CHATWIRE_DATA_DIR: dataDir,
      };
    });
    afterAll(async () => {
      await Promise.all(running.map((server) => server.stop('SIGKILL')));
      await schema?.drop();
      await cleanupRedis?.();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('people on different processes see messages, typing, reads and assistant deltas live', async () => {
      const [a, b, cluster] = await Promise.all([start(), start(), start(['--workers', '2'])]);
      const [ada, bob, cid] = await Promise.all([
        signUp(a.url, 'ada'),
        signUp(b.url, 'bob'),
        signUp(cluster.url, 'cid'),
      ]);
      const [adaLive, bobLive, cidLive] = [live(ada.client), live(bob.client), live(cid.client)];
      await Promise.all([adaLive.until('open'), bobLive.until('open'), cidLive.until('open')]);

      const group = await ada.client.conversations.create({
        type: 'group',
        title: 'three processes',
        participantIds: [bob.user.id, cid.user.id],
      });
      await Promise.all(
        [bobLive, cidLive].map((peer) =>
          peer.next((event) => event.type === 'conversation.created' && event.conversation.id === group.id),
        ),
      );

      // REST on A → sockets on B and on the cluster, with the same seq everywhere.
      await ada.client.messages.send(group.id, { content: 'hello from A' });
      await Promise.all([bobLive.next(created('hello from A')), cidLive.next(created('hello from A'))]);
      const seqOf = (peer: Live) => peer.events.find((entry) => created('hello from A')(entry.event))?.seq;
      expect(seqOf(bobLive)).toBe(seqOf(cidLive));
      expect(seqOf(adaLive)).toBe(seqOf(bobLive));

      // WS send on B → acked there, seen on A and on the cluster.
      const sent = await bobLive.connection.send({ conversationId: group.id, content: 'hello from B' });
      expect(sent.content).toBe('hello from B');
      await Promise.all([adaLive.next(created('hello from B')), cidLive.next(created('hello from B'))]);

      // Typing on the cluster → seen on A; a read marker on A → seen on B.
      cidLive.connection.typing(group.id, 'start');
      await adaLive.next(
        (event) => event.type === 'typing' && event.userId === cid.user.id && event.state === 'start',
      );
      adaLive.connection.markRead(group.id, sent.id);
      await bobLive.next((event) => event.type === 'read' && event.userId === ada.user.id);

      // Ada's assistant reply generated on A streams to her socket on B.
      const adaOnB = createClient({ baseUrl: b.url, retry: { maxRetries: 0 } });
      await adaOnB.auth.login({ email: ada.account.email, password: ada.account.password });
      const adaLiveOnB = live(adaOnB);
      await adaLiveOnB.until('open');
      const chat = await ada.client.conversations.create({ type: 'assistant', model: 'echo' });
      const { reply } = await ada.client.messages.send(chat.id, { content: 'stream me across processes' });
      expect(reply?.status).toBe('complete');
      const completed = await adaLiveOnB.next(
        (event) => event.type === 'message.completed' && event.message.id === reply?.id,
      );
      const deltas = adaLiveOnB.events.flatMap(({ event }) =>
        event.type === 'message.delta' && event.messageId === reply?.id ? [event] : [],
      );
      expect(deltas.length).toBeGreaterThan(0);
      expect(deltas.map((delta) => delta.delta).join('')).toBe(
        completed.type === 'message.completed' ? completed.message.content : '',
      );
    });

    it('presence is the union over processes: online once, offline only when gone from all', async () => {
      const [a, b] = await Promise.all([start(), start()]);
      const ada = await signUp(a.url, 'ada');
      const dave = await signUp(b.url, 'dave');
      await ada.client.conversations.create({ type: 'direct', participantIds: [dave.user.id] });
      const adaLive = live(ada.client);
      await adaLive.until('open');
      const presenceOf = (online: boolean) => (event: RealtimeEvent) =>
        event.type === 'presence' && event.userId === dave.user.id && event.online === online;

      // Dave on B, then on A as well: one `online`.
      const daveOnB = live(dave.client);
      await adaLive.next(presenceOf(true));
      const daveOnA = createClient({ baseUrl: a.url, retry: { maxRetries: 0 } });
      await daveOnA.auth.login({ email: dave.account.email, password: dave.account.password });
      const second = live(daveOnA);
      await second.until('open');
      // Leaving B while still on A: no `offline`, even after B's grace period (3 s).
      daveOnB.connection.close();
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect(adaLive.events.filter(({ event }) => presenceOf(false)(event))).toHaveLength(0);
      // Gone from both: one `offline`.
      second.connection.close();
      await adaLive.next(presenceOf(false), 10_000);
      expect(adaLive.events.filter(({ event }) => presenceOf(true)(event))).toHaveLength(1);
    });

    it('a reply being generated by a process killed with SIGKILL ends as error with its partial content', async () => {
      // The model stalls after three chunks: the reply is still generating when its process dies.
      const upstream = await startFakeOpenAI({ interrupt: { afterChunks: 3, with: 'stall' } });
      try {
        const models = {
          OPENAI_BASE_URL: `${upstream.url}/v1`,
          OPENAI_API_KEY: 'sk-test',
          CHATWIRE_MODELS: JSON.stringify({ slow: { provider: 'openai', model: 'gpt-4o-mini' } }),
        };
        const [doomed, survivor] = await Promise.all([start([], models), start([], models)]);
        const ada = await signUp(doomed.url, 'ada');
        const chat = await ada.client.conversations.create({ type: 'assistant', model: 'slow' });
        const adaOnSurvivor = createClient({ baseUrl: survivor.url, retry: { maxRetries: 0 } });
        await adaOnSurvivor.auth.login({ email: ada.account.email, password: ada.account.password });
        const watcher = live(adaOnSurvivor);
        await watcher.until('open');

        let partial = '';
        let replyId = '';
        const stream = ada.client.messages.stream(chat.id, { content: 'tell me everything' });
        for await (const event of stream) {
          if (event.type === 'message.started') replyId = event.messageId;
          if (event.type === 'message.delta') partial += event.delta;
          if (partial.length > 0) break;
        }
        // Past the producer's next append to Redis (deltas are gathered for 30 ms).
        await new Promise((resolve) => setTimeout(resolve, 300));
        await doomed.stop('SIGKILL');

        // Its lease expires (10 s) and a survivor's sweep stores what was generated.
        const completed = await watcher.next(
          (event) => event.type === 'message.completed' && event.message.id === replyId,
          20_000,
        );
        expect(completed.type === 'message.completed' && completed.message.status).toBe('error');
        const page = await adaOnSurvivor.messages.list(chat.id, { limit: 10 });
        const stored = page.items.find((message) => message.id === replyId);
        expect(stored?.status).toBe('error');
        expect(stored?.content.startsWith(partial)).toBe(true);
        expect(stored?.content.length).toBeGreaterThan(0);
      } finally {
        await upstream.close();
      }
    });

    it('a worker killed with SIGKILL: its clients resume on the other worker with no gap and no duplicate', async () => {
      const [sender, cluster] = await Promise.all([start(), start(['--workers', '2'])]);
      const ada = await signUp(sender.url, 'ada');
      const receivers: SignedIn[] = await Promise.all(
        Array.from({ length: 6 }, (_, i) => signUp(cluster.url, `r${i}`)),
      );
      const group = await ada.client.conversations.create({
        type: 'group',
        title: 'kill a worker',
        participantIds: receivers.map((receiver) => receiver.user.id),
      });
      const peers = receivers.map((receiver) =>
        live(receiver.client, { reconnect: { initialDelayMs: 50, maxDelayMs: 300 } }),
      );
      await Promise.all(peers.map((peer) => peer.until('open')));

      const acknowledged: string[] = [];
      const [victim] = workerPids(cluster);
      for (let i = 0; i < 40; i += 1) {
        if (i === 10 && victim) process.kill(victim, 'SIGKILL');
        const { message } = await ada.client.messages.send(group.id, { content: `m${i}` });
        acknowledged.push(message.content);
      }
      await vi.waitFor(
        () => {
          for (const peer of peers) {
            const contents = peer.events.flatMap(({ event }) =>
              event.type === 'message.created' && event.conversationId === group.id
                ? [event.message.content]
                : [],
            );
            expect(contents).toEqual(acknowledged);
          }
        },
        { timeout: 10_000, interval: 50 },
      );
      // Resumed, not refetched: the replay covered what they missed while reconnecting.
      for (const peer of peers) expect(peer.resyncs).toBe(0);
      // The cluster replaced its worker.
      await vi.waitFor(() => expect(workerPids(cluster)).toHaveLength(2), { timeout: 10_000, interval: 50 });
    });

    it('behind one URL, a process killed with SIGKILL under traffic: nothing acknowledged is lost, clients resume on the other', async () => {
      const [doomed, survivor] = await Promise.all([start(), start()]);
      const balancer = await startBalancer([doomed.url, survivor.url]);
      try {
        // The SDK's own retries (idempotent sends) carry the senders over the crash.
        const retry = { retry: { maxRetries: 5 } };
        const ada = await signUp(balancer.url, 'ada', retry);
        const receivers = await Promise.all(
          Array.from({ length: 4 }, (_, i) => signUp(balancer.url, `r${i}`, retry)),
        );
        const group = await ada.client.conversations.create({
          type: 'group',
          title: 'one URL',
          participantIds: receivers.map((receiver) => receiver.user.id),
        });
        const peers = receivers.map((receiver) => live(receiver.client));
        await Promise.all(peers.map((peer) => peer.until('open')));

        // Two senders at once, so that writes are in flight when the process dies.
        const acknowledged: string[][] = [[], []];
        let killed = false;
        await Promise.all(
          acknowledged.map(async (acks, sender) => {
            for (let i = 0; i < 25; i += 1) {
              if (!killed && acks.length === 8) {
                killed = true;
                await doomed.stop('SIGKILL');
              }
              const { message } = await ada.client.messages.send(group.id, { content: `s${sender}-${i}` });
              acks.push(message.id);
            }
          }),
        );
        const all = new Set(acknowledged.flat());
        expect(all.size).toBe(50);

        // Stored: every acknowledged message, once.
        const stored = await ada.client.messages.list(group.id, { limit: 100 });
        expect(new Set(stored.items.map((message) => message.id))).toEqual(all);

        // Delivered: each receiver has every message, each sender's in its order, none twice
        // (a retried send that had committed is published again with the same id: dropped by id).
        await vi.waitFor(
          () => {
            for (const peer of peers) {
              const ids = peer.events.flatMap(({ event }) =>
                event.type === 'message.created' && event.conversationId === group.id
                  ? [event.message.id]
                  : [],
              );
              const firstSeen = [...new Set(ids)];
              expect(new Set(firstSeen)).toEqual(all);
              for (const acks of acknowledged)
                expect(firstSeen.filter((id) => acks.includes(id))).toEqual(acks);
            }
          },
          { timeout: 10_000, interval: 50 },
        );
        for (const peer of peers) expect(peer.resyncs).toBe(0);
      } finally {
        await balancer.close();
      }
    });

    it('a graceful stop closes sockets with 1001 and the clients resume on another process', async () => {
      const [first, second] = await Promise.all([start(), start()]);
      // Only the first answers at first, so that every socket is on it.
      const balancer = await startBalancer([first.url]);
      try {
        const ada = await signUp(first.url, 'ada');
        const bob = await signUp(first.url, 'bob');
        const direct = await ada.client.conversations.create({
          type: 'direct',
          participantIds: [bob.user.id],
        });
        const bobOnOneUrl = createClient({ baseUrl: balancer.url, retry: { maxRetries: 0 } });
        await bobOnOneUrl.auth.login({ email: bob.account.email, password: bob.account.password });
        const bobLive = live(bobOnOneUrl);
        await bobLive.until('open');
        await ada.client.messages.send(direct.id, { content: 'before the stop' });
        await bobLive.next(created('before the stop'));
        const closed = new Promise<number>((resolve) => bobLive.sockets[0]?.once('close', resolve));

        balancer.retarget([second.url]);
        const stopped = await first.stop('SIGTERM');
        expect(stopped.code).toBe(0);
        expect(await closed).toBe(1001);
        await bobLive.until('open');
        const adaOnSecond = createClient({ baseUrl: second.url, retry: { maxRetries: 0 } });
        await adaOnSecond.auth.login({ email: ada.account.email, password: ada.account.password });
        await adaOnSecond.messages.send(direct.id, { content: 'after the stop' });
        await bobLive.next(created('after the stop'));
        expect(bobLive.resyncs).toBe(0);
      } finally {
        await balancer.close();
      }
    });
  });
});
