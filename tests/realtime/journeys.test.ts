/**
 * Real-time journeys through the SDK against a real server on 127.0.0.1: live messages (sent over
 * WS and over REST), typing, presence, read receipts, and the faults a connection lives through —
 * a dropped socket, a restarted server, sends made offline.
 */
import { existsSync } from 'node:fs';
import type { RealtimeEvent } from '@chatwire/sdk';
import { servicesStackRequested, startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBalancer } from '../support/balancer.js';
import { type SignedIn, signUp } from '../support/clients.js';
import { closeAfterTest, closeLive, type Live, live } from '../support/live.js';

afterEach(closeLive);

/** Whether the SDK package can import `ws` itself (once it is its optional peer / dev dependency). */
const wsResolvesFromSdk = existsSync(
  new URL('../../packages/sdk/node_modules/ws/package.json', import.meta.url),
);

const created = (content: string) => (event: RealtimeEvent) =>
  event.type === 'message.created' && event.message.content === content;

/** The contents of the `message.created` events received for a conversation, in order. */
const contentsIn = (peer: Live, conversationId: string) =>
  peer.events.flatMap(({ event }) =>
    event.type === 'message.created' && event.conversationId === conversationId
      ? [event.message.content]
      : [],
  );

async function directConversation(a: SignedIn, b: SignedIn): Promise<string> {
  const conversation = await a.client.conversations.create({ type: 'direct', participantIds: [b.user.id] });
  return conversation.id;
}

describe('people in a direct conversation, live', () => {
  let server: TestServer;
  let ada: SignedIn;
  let bob: SignedIn;
  beforeAll(async () => {
    server = await startTestServer({ realtime: { presenceGraceMs: 50, typingTtlMs: 5000 } });
  });
  // New people for every journey: presence and history start clean.
  beforeEach(async () => {
    [ada, bob] = await Promise.all([signUp(server.url, 'ada'), signUp(server.url, 'bob')]);
  });
  afterAll(() => server.close());

  it('see each other’s messages, sent over WS and over REST, with acks', async () => {
    const [a, b] = [live(ada.client), live(bob.client)];
    await Promise.all([a.until('open'), b.until('open')]);
    const id = await directConversation(ada, bob);
    await b.next((event) => event.type === 'conversation.created');

    const stored = await a.connection.send({
      conversationId: id,
      content: 'hi bob',
      clientMessageId: 'ada-1',
    });
    expect(stored).toMatchObject({ content: 'hi bob', senderId: ada.user.id, clientMessageId: 'ada-1' });
    expect(await b.next(created('hi bob'))).toMatchObject({ message: { id: stored.id } });

    const { message } = await bob.client.messages.send(id, { content: 'hi ada, over REST' });
    expect(await a.next(created('hi ada, over REST'))).toMatchObject({ message: { id: message.id } });
    // The sender's own connection gets its message too (other tabs stay in step).
    await b.next(created('hi ada, over REST'));
  });

  it('see typing, presence and read receipts', async () => {
    const id = await directConversation(ada, bob);
    const a = live(ada.client);
    await a.until('open');

    const b = live(bob.client);
    expect(await a.next((event) => event.type === 'presence' && event.userId === bob.user.id)).toMatchObject({
      online: true,
    });
    await b.until('open');

    b.connection.typing(id, 'start');
    expect(await a.next((event) => event.type === 'typing' && event.state === 'start')).toMatchObject({
      conversationId: id,
      userId: bob.user.id,
    });
    b.connection.typing(id, 'stop');
    await a.next((event) => event.type === 'typing' && event.state === 'stop');

    const stored = await a.connection.send({ conversationId: id, content: 'read me' });
    await b.next(created('read me'));
    b.connection.markRead(id, stored.id);
    expect(await a.next((event) => event.type === 'read')).toMatchObject({
      conversationId: id,
      userId: bob.user.id,
      messageId: stored.id,
    });

    b.connection.close();
    expect(
      await a.next((event) => event.type === 'presence' && event.userId === bob.user.id && !event.online),
    ).toBeTruthy();
  });

  it('a refused send rejects with the server’s code, and the connection carries on', async () => {
    const a = live(ada.client);
    await a.until('open');
    const refused = a.connection.send({
      conversationId: '01a20829-58fe-7339-b4cc-000000000000',
      content: 'x',
    });
    await expect(refused).rejects.toMatchObject({ name: 'RealtimeError', code: 'not_found' });
    expect(a.connection.status).toBe('open');
  });

  it('a dropped socket reconnects and resumes: nothing missed, nothing doubled', async () => {
    const id = await directConversation(ada, bob);
    const b = live(bob.client);
    await b.until('open');
    for (const content of ['m1', 'm2']) await ada.client.messages.send(id, { content });
    await b.next(created('m2'));

    const statuses: string[] = [];
    b.connection.on('status', (status) => statuses.push(status));
    b.sockets.at(-1)?.terminate();
    // Sent while Bob is away: the server buffers them for his resume.
    for (const content of ['m3', 'm4', 'm5']) await ada.client.messages.send(id, { content });
    await b.next(created('m5'));
    await ada.client.messages.send(id, { content: 'm6' });
    await b.next(created('m6'));

    expect(b.sockets).toHaveLength(2);
    expect(statuses).toEqual(['reconnecting', 'open']);
    expect(b.resyncs).toBe(0);
    expect(contentsIn(b, id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    const seqs = b.events.map((entry) => entry.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('sends made offline are delivered once, in order, after the reconnect', async () => {
    const id = await directConversation(ada, bob);
    const a = live(ada.client);
    const b = live(bob.client, { reconnect: { initialDelayMs: 300, maxDelayMs: 300, jitter: 0 } });
    await Promise.all([a.until('open'), b.until('open')]);

    // The first send goes out and its socket dies at once: its ack (if any) is lost.
    const lost = b.connection.send({ conversationId: id, content: 'o1', clientMessageId: 'bob-o1' });
    b.sockets.at(-1)?.terminate();
    await b.until('reconnecting');
    const queued = ['o2', 'o3', 'o4'].map((content) =>
      b.connection.send({ conversationId: id, content, clientMessageId: `bob-${content}` }),
    );
    const stored = await Promise.all([lost, ...queued]);
    expect(stored.map((message) => message.content)).toEqual(['o1', 'o2', 'o3', 'o4']);

    await a.next(created('o4'));
    await ada.client.messages.send(id, { content: 'after' });
    await a.next(created('after'));
    expect(contentsIn(a, id)).toEqual(['o1', 'o2', 'o3', 'o4', 'after']);
    const history = await ada.client.messages.list(id, { limit: 50 });
    expect(history.items.map((message) => message.content)).toEqual(['o1', 'o2', 'o3', 'o4', 'after']);
  });

  it.skipIf(!wsResolvesFromSdk)(
    'connects with the default factory (ws on Node 20, the global elsewhere)',
    async () => {
      const connection = ada.client.realtime();
      closeAfterTest(connection);
      const failure = new Promise<never>((_, reject) => connection.on('error', reject));
      await Promise.race([new Promise((resolve) => connection.on('ready', resolve)), failure]);
      expect(connection.status).toBe('open');
    },
  );
});

describe('a server restart (same data dir)', () => {
  it('the client reconnects by itself, resumes or resyncs, and then gets the live events again', async () => {
    let server = await startTestServer();
    // One fixed URL in front of the server, so the client keeps its baseUrl across the restart.
    const balancer = await startBalancer([server.url]);
    try {
      const [ada, bob] = await Promise.all([signUp(balancer.url, 'ada'), signUp(balancer.url, 'bob')]);
      const id = await directConversation(ada, bob);
      const b = live(bob.client);
      await b.until('open');
      await ada.client.messages.send(id, { content: 'before' });
      await b.next(created('before'));
      const seqBefore = b.connection.lastSeq ?? 0;

      await server.close({ keepData: true }); // its sockets are closed with 1001
      expect(b.connection.status).toBe('reconnecting');
      server = await startTestServer({ dataDir: server.dataDir });
      balancer.retarget([server.url]);
      await b.until('open', 10_000);

      if (servicesStackRequested) {
        // PostgreSQL + Redis: the shared event stream outlived the process: Bob resumes from it.
        expect(b.resyncs).toBe(0);
        expect(b.connection.lastSeq).toBe(seqBefore);
      } else {
        // lowdb + in-process: the new process has no buffer for Bob: the client is told to refetch.
        expect(b.resyncs).toBe(1);
        expect(b.connection.lastSeq).toBeGreaterThan(seqBefore);
      }
      await ada.client.messages.send(id, { content: 'after' });
      await b.next(created('after'));
      expect(contentsIn(b, id)).toEqual(['before', 'after']);
      const history = await bob.client.messages.list(id);
      expect(history.items.map((message) => message.content)).toEqual(['before', 'after']);
    } finally {
      closeLive();
      await server.close();
      await balancer.close();
    }
  });
});

describe('an expired access token', () => {
  let server: TestServer;
  beforeAll(async () => {
    // `exp` is whole seconds (the issue time rounded down, plus the lifetime), so a token lives
    // between ttl − 1 and ttl seconds: 3 s leaves the refreshed token at least 2 s to be read.
    server = await startTestServer({ accessTokenTtlSeconds: 3 });
  });
  afterAll(() => server.close());

  it('is refreshed before the client authenticates a reconnect', async () => {
    const bob = await signUp(server.url, 'bob');
    const b = live(bob.client);
    await b.until('open');
    const before = await bob.client.auth.getTokens();
    await new Promise((resolve) => setTimeout(resolve, 3100)); // the 3 s access token expires
    const readies: number[] = [];
    b.connection.on('ready', (ready) => readies.push(ready.seq));
    b.sockets.at(-1)?.terminate();
    await new Promise<void>((resolve) => b.connection.on('ready', () => resolve()));
    expect(b.connection.status).toBe('open');
    expect((await bob.client.auth.getTokens())?.accessToken).not.toBe(before?.accessToken);
    expect(b.sockets).toHaveLength(2);
  });
});
