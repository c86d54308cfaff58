/**
 * Faults: a dropped socket resumes without gaps or duplicates, a restarted server answers
 * `resync`, a slow consumer is cut off without slowing the others, dead sockets are terminated,
 * shutdown closes with 1001, and two apps on one broker see each other's messages.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBroker } from '../broker/broker.js';
import { call } from '../testing/http.js';
import { sharedLowdbStore } from '../testing/shared-store.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { connectRealtime, signUp, type TestSocket, type TestUser } from '../testing/ws-client.js';
import { CloseCode } from './close-codes.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  cleanups.push(() => server.close());
  return server;
}

async function connect(url: string, user: TestUser, resumeFrom?: number): Promise<TestSocket> {
  const socket = await connectRealtime(url, { token: user.token, resumeFrom });
  cleanups.push(() => socket.close());
  return socket;
}

async function direct(url: string, a: TestUser, b: TestUser): Promise<string> {
  return (
    await call(`${url}/v1/conversations`, {
      token: a.token,
      body: { type: 'direct', participantIds: [b.id] },
    })
  ).body.id;
}

const send = (url: string, user: TestUser, id: string, content: string) =>
  call(`${url}/v1/conversations/${id}/messages`, { token: user.token, body: { content } });

const contents = (socket: TestSocket) =>
  socket
    .events()
    .flatMap((frame) => (frame.event.type === 'message.created' ? [frame.event.message.content] : []));
/** The seq of the last frame seen: the last event's, or `ready`'s. */
function lastSeq(socket: TestSocket): number {
  const ready = socket.frames.find((frame) => frame.type === 'ready');
  return socket.events().at(-1)?.seq ?? (ready?.type === 'ready' ? ready.seq : Number.NaN);
}
const isMessage = (content: string) => (event: RealtimeEvent) =>
  event.type === 'message.created' && event.message.content === content;

/** Seqs only increase: no duplicate, and (with the contents checked) no reordering. */
function expectIncreasing(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i += 1) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
}

describe('resume', () => {
  it('a dropped socket reconnects with resumeFrom and gets exactly what it missed, then live events', async () => {
    const server = await start();
    const [alice, bob, carol] = await Promise.all([
      signUp(server.url),
      signUp(server.url),
      signUp(server.url),
    ]);
    const id = await direct(server.url, alice, bob);
    const elsewhere = await direct(server.url, alice, carol);
    await connect(server.url, carol); // carol's events take stream positions too: bob's seqs skip them
    const first = await connect(server.url, bob);
    for (const n of [1, 2, 3]) await send(server.url, alice, id, `m${n}`);
    await first.waitForEvent(isMessage('m3'));
    // Messages keep coming while the socket drops (terminate: no close handshake, like a lost network).
    const sending = (async () => {
      for (const n of [4, 5, 6, 7, 8, 9]) {
        await send(server.url, alice, id, `m${n}`);
        await send(server.url, alice, elsewhere, `not for bob ${n}`);
      }
    })();
    await first.waitForEvent(isMessage('m4'));
    first.ws.terminate();
    await first.closed;
    const resumeFrom = lastSeq(first);
    await sending;

    const second = await connect(server.url, bob, resumeFrom);
    await send(server.url, alice, id, 'live');
    const live = await second.waitForEvent(isMessage('live'));
    // ready gives the stream head; the replay (seqs above resumeFrom, up to it) follows, then live events.
    const ready = second.frames[0];
    if (ready?.type !== 'ready') throw new Error(`expected ready first, got ${JSON.stringify(ready)}`);
    const replayed = second.events().filter((frame) => frame.seq <= ready.seq);
    expect(replayed.length).toBeGreaterThan(0);
    expect(replayed[0]?.seq).toBeGreaterThan(resumeFrom);
    expect(live.seq).toBeGreaterThan(ready.seq);
    // No gap, no duplicate: together the two sockets saw every message once, in order.
    expect([...contents(first), ...contents(second)]).toEqual([
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
      'm6',
      'm7',
      'm8',
      'm9',
      'live',
    ]);
    const seqs = [...first.events(), ...second.events()].map((frame) => frame.seq);
    expectIncreasing(seqs);
    // Increasing, not consecutive: carol's messages took positions in between.
    expect(new Set(seqs.slice(1).map((seq, i) => seq - (seqs[i] as number))).size).toBeGreaterThan(1);
  });

  it('answers resync (then ready) when the buffer no longer covers resumeFrom, and replays from positions it covers', async () => {
    const server = await start({ realtime: { replayEvents: 3 } });
    const [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const id = await direct(server.url, alice, bob);
    // Alice sees the same events with the same seqs: the positions bob's resumes are made from.
    const a = await connect(server.url, alice);
    const first = await connect(server.url, bob);
    const resumeFrom = lastSeq(first);
    await first.close();
    for (const n of [1, 2, 3, 4, 5]) await send(server.url, alice, id, `m${n}`);
    const seqOf = async (content: string) => (await a.waitForEvent(isMessage(content))).seq;
    const [s2, s3] = [await seqOf('m2'), await seqOf('m3')];

    const second = await connect(server.url, bob, resumeFrom);
    expect(second.frames.map((frame) => frame.type)).toEqual(['resync', 'ready']);
    expect(second.frames[1]?.type === 'ready' && second.frames[1].seq).toBeGreaterThan(resumeFrom);
    // Bob's buffer keeps m3, m4, m5: complete from m2's position on, not before it.
    const fromM3 = await connect(server.url, bob, s3);
    expect(fromM3.frames.map((frame) => frame.type)).toEqual(['ready', 'event', 'event']);
    expect(contents(fromM3)).toEqual(['m4', 'm5']);
    expect(contents(await connect(server.url, bob, s2))).toEqual(['m3', 'm4', 'm5']);
    const before = await connect(server.url, bob, s2 - 1);
    expect(before.frames.map((frame) => frame.type)).toEqual(['resync', 'ready']);
    // A position never handed out (ahead of the stream) is not covered either.
    const ahead = await connect(server.url, bob, lastSeq(second) + 1_000);
    expect(ahead.frames.map((frame) => frame.type)).toEqual(['resync', 'ready']);
  });

  it('after a restart on the same data dir, an old resumeFrom gets resync and the new seqs are higher', async () => {
    const first = await startTestServer();
    const [alice, bob] = await Promise.all([signUp(first.url), signUp(first.url)]);
    const id = await direct(first.url, alice, bob);
    const before = await connectRealtime(first.url, { token: bob.token });
    await send(first.url, alice, id, 'before restart');
    await before.waitForEvent(isMessage('before restart'));
    const resumeFrom = lastSeq(before);
    const closedBy = before.closed;
    await first.close({ keepData: true });
    expect((await closedBy).code).toBe(CloseCode.goingAway);

    const second = await start({ dataDir: first.dataDir });
    const after = await connect(second.url, bob, resumeFrom);
    expect(after.frames.map((frame) => frame.type)).toEqual(['resync', 'ready']);
    const ready = after.frames[1];
    expect(ready?.type === 'ready' && ready.seq).toBeGreaterThan(resumeFrom);
  });
});

describe('slow consumers', () => {
  it('a client that stops reading is closed (4008) while the others receive everything, and it can resume', async () => {
    const broker = createMemoryBroker();
    const server = await start({ broker, realtime: { maxBufferedBytes: 256 * 1024, closeTimeoutMs: 200 } });
    const [slowUser, fastUser] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const slow = await connect(server.url, slowUser);
    const fast = await connect(server.url, fastUser);
    const resumeFrom = lastSeq(slow);
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    const content = 'x'.repeat(16 * 1024);
    const conversationId = randomUUID();
    const ids = Array.from({ length: 600 }, () => randomUUID());
    const total = 600; // ~10 MB: more than the loopback socket buffers hold
    for (let n = 0; n < total; n += 1) {
      // Yield to I/O between publishes, as a real server does between requests: the fast reader reads.
      await new Promise((resolve) => setImmediate(resolve));
      await broker.publish({
        recipients: [slowUser.id, fastUser.id],
        event: {
          type: 'message.created',
          conversationId,
          message: {
            id: ids[n] as string,
            conversationId,
            senderId: null,
            role: 'user',
            parts: [{ type: 'text', text: content }],
            content,
            status: 'complete',
            finishReason: null,
            stale: false,
            reactions: [],
            mentions: [],
            clientMessageId: null,
            model: null,
            usage: null,
            createdAt: new Date().toISOString(),
            editedAt: null,
            parentId: null,
            thread: null,
            alsoInConversation: false,
            quoted: null,
            pinnedAt: null,
            pinnedBy: null,
          },
        },
      });
    }
    await fast.waitFor(() => fast.events().length === total, 10_000);
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    const { code } = await slow.closed;
    expect([CloseCode.slowConsumer, 1006]).toContain(code); // 1006 if cut before the close frame got through
    expect(slow.events().length).toBeLessThan(total);

    expect(lastSeq(slow)).toBeGreaterThanOrEqual(resumeFrom);
    const resumed = await connect(server.url, slowUser, lastSeq(slow));
    await resumed.waitFor(() => slow.events().length + resumed.events().length === total, 10_000);
    const seen = [...slow.events(), ...resumed.events()].map((frame) =>
      frame.event.type === 'message.created' ? frame.event.message.id : '',
    );
    expect(seen).toEqual(ids);
  });
});

describe('heartbeat and shutdown', () => {
  it('terminates a socket that stops answering pings (and its user goes offline)', async () => {
    const server = await start({ realtime: { heartbeatMs: 100, presenceGraceMs: 0 } });
    const [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    await direct(server.url, alice, bob);
    const b = await connect(server.url, bob);
    const a = await connect(server.url, alice);
    await b.waitForEvent((event) => event.type === 'presence' && event.online);
    (a.ws as unknown as { _socket: Socket })._socket.pause();
    await b.waitForEvent((event) => event.type === 'presence' && !event.online, 3000);
  });

  it('closes every socket with 1001 when the app closes', async () => {
    const server = await startTestServer();
    const alice = await signUp(server.url);
    const sockets = await Promise.all([
      connectRealtime(server.url, { token: alice.token }),
      connectRealtime(server.url),
    ]);
    await server.close();
    for (const socket of sockets) expect((await socket.closed).code).toBe(CloseCode.goingAway);
  });
});

describe('presence in big groups', () => {
  it('is not announced through conversations over presenceMaxConversationSize (direct ones always count)', async () => {
    const server = await start({ realtime: { presenceMaxConversationSize: 2, presenceGraceMs: 0 } });
    const [alice, bob, carol] = await Promise.all([
      signUp(server.url),
      signUp(server.url),
      signUp(server.url),
    ]);
    await call(`${server.url}/v1/conversations`, {
      token: alice.token,
      body: { type: 'group', participantIds: [bob.id, carol.id] },
    });
    await direct(server.url, alice, bob);
    const [b, c] = await Promise.all([connect(server.url, bob), connect(server.url, carol)]);
    await connect(server.url, alice);
    await b.waitForEvent((event) => event.type === 'presence' && event.userId === alice.id);
    c.send({ type: 'ping' });
    await c.waitFor((frame) => frame.type === 'pong');
    expect(c.events().filter((frame) => frame.event.type === 'presence')).toEqual([]);
  });
});

describe('the broker seam', () => {
  it('two apps sharing one broker (and one store): a user on each sees the other’s messages', async () => {
    const broker = createMemoryBroker();
    const { store, cleanup } = await sharedLowdbStore();
    // A store or broker passed to buildApp stays the caller's: both apps share them, this test closes them.
    cleanups.push(cleanup, () => broker.close());
    const one = await start({ broker, store });
    const two = await start({ broker, store });

    const [alice, bob] = await Promise.all([signUp(one.url), signUp(two.url)]);
    const id = await direct(one.url, alice, bob);
    const a = await connect(one.url, alice);
    const b = await connect(two.url, bob);
    a.send({ type: 'message.send', conversationId: id, content: 'from one', clientMessageId: 'x' });
    await b.waitForEvent(isMessage('from one'));
    await send(two.url, bob, id, 'from two');
    await a.waitForEvent(isMessage('from two'));
    expect(contents(a)).toEqual(['from one', 'from two']);
    expect(contents(b)).toEqual(['from one', 'from two']);
  });
});
