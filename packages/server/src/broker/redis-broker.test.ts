import { createServer } from 'node:net';
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerUnavailableError } from '../redis/redis-client.js';
import { call } from '../testing/http.js';
import { type Cleanups, describeRedis, redisAdmin, redisTestKit } from '../testing/redis-prefix.js';
import { sharedLowdbStore } from '../testing/shared-store.js';
import { startTestServer } from '../testing/start-server.js';
import { connectRealtime, directConversation, signUp, type TestSocket } from '../testing/ws-client.js';
import type { Broker, BrokerMessage } from './broker.js';
import { counterKey, createRedisBroker, eventsKey } from './redis-broker.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
/** A key prefix of the test's own, and connected clients of its own: undone after it. */
const { testPrefix, adminClient } = redisTestKit(cleanups);

async function broker(url: string, prefix: string): Promise<Broker> {
  const created = await createRedisBroker({ url, prefix, connectTimeoutMs: 2000 });
  cleanups.push(() => created.close());
  return created;
}

const typing = (conversationId: string): RealtimeEvent => ({
  type: 'typing',
  conversationId,
  userId: 'u',
  state: 'start',
});

describeRedis('Redis broker', (url) => {
  it('delivers every event once, in one order, with one position, to every broker', async () => {
    const prefix = testPrefix(url);
    const [one, two] = [await broker(url, prefix), await broker(url, prefix)];
    const seen: [BrokerMessage, number | undefined][][] = [[], []];
    one.subscribe((message, position) => seen[0]?.push([message, position]));
    two.subscribe((message, position) => seen[1]?.push([message, position]));

    const count = 200;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        (i % 2 === 0 ? one : two).publish({ recipients: [`r${i}`], event: typing(`c${i}`) }),
      ),
    );
    await expect.poll(() => seen.map((list) => list.length), { timeout: 5000 }).toEqual([count, count]);
    // Give a duplicate the chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.map((list) => list.length)).toEqual([count, count]);

    const [a, b] = seen as [(typeof seen)[0], (typeof seen)[0]];
    expect(a.map(([message]) => message)).toEqual(b.map(([message]) => message));
    expect(new Set(a.map(([message]) => message.recipients[0])).size).toBe(count);
    const positions = a.map(([, position]) => position as number);
    expect(positions).toEqual(b.map(([, position]) => position));
    for (let i = 1; i < positions.length; i += 1)
      expect(positions[i]).toBeGreaterThan(positions[i - 1] as number);
    // The same scale as the gateway's clock-seeded seqs: milliseconds × 1000.
    expect(Math.abs((positions[0] as number) / 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('a broker created later starts at the stream end; a different prefix is a different stream', async () => {
    const prefix = testPrefix(url);
    const first = await broker(url, prefix);
    await first.publish({ recipients: ['a'], event: typing('before') });
    const later = await broker(url, prefix);
    const other = await broker(url, testPrefix(url));
    const got: string[] = [];
    const elsewhere: string[] = [];
    later.subscribe((message) => got.push(message.recipients[0] as string));
    other.subscribe((message) => elsewhere.push(message.recipients[0] as string));
    await first.publish({ recipients: ['b'], event: typing('after') });
    await expect.poll(() => got, { timeout: 5000 }).toEqual(['b']);
    expect(elsewhere).toEqual([]);
    expect(await later.ping()).toBe(true);
    expect(later.kind).toBe('redis');
  });

  it('a reader whose connection drops reconnects and resumes from its last id: nothing is lost', async () => {
    const prefix = testPrefix(url);
    const publisher = await broker(url, prefix);
    const receiver = await broker(url, prefix);
    const got: string[] = [];
    receiver.subscribe((message) => got.push(message.recipients[0] as string));
    await publisher.publish({ recipients: ['1'], event: typing('c') });
    await expect.poll(() => got, { timeout: 5000 }).toEqual(['1']);

    // Kill the receiver's reader connection (ours: found by its name; nothing else is touched).
    const admin = await redisAdmin(url);
    try {
      const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
      const ids = list
        .split('\n')
        .filter((line) => line.includes(` name=${prefix}reader `))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1]);
      expect(ids).toHaveLength(2); // the publisher's reader and the receiver's
      for (const id of ids) await admin.sendCommand(['CLIENT', 'KILL', 'ID', id as string]);
    } finally {
      admin.destroy();
    }
    // Published while the readers are down or reconnecting.
    await publisher.publish({ recipients: ['2'], event: typing('c') });
    await publisher.publish({ recipients: ['3'], event: typing('c') });
    await expect.poll(() => got, { timeout: 5000 }).toEqual(['1', '2', '3']);
  });

  it('two apps on two Redis brokers (one store): each side sees the other’s messages with the same seq', async () => {
    const prefix = testPrefix(url);
    const shared = await sharedLowdbStore();
    cleanups.push(shared.cleanup);
    const { store } = shared;
    const servers = [
      await startTestServer({ broker: await broker(url, prefix), store }),
      await startTestServer({ broker: await broker(url, prefix), store }),
    ];
    cleanups.push(...servers.map((server) => () => server.close()));
    const [one, two] = servers as [(typeof servers)[0], (typeof servers)[0]];

    const [alice, bob] = await Promise.all([signUp(one.url), signUp(two.url)]);
    const id = await directConversation(one.url, alice, bob);
    const sockets: TestSocket[] = [
      await connectRealtime(one.url, { token: alice.token }),
      await connectRealtime(two.url, { token: bob.token }),
    ];
    cleanups.push(...sockets.map((socket) => () => socket.close()));
    const [a, b] = sockets as [TestSocket, TestSocket];
    const isMessage = (content: string) => (event: RealtimeEvent) =>
      event.type === 'message.created' && event.message.content === content;

    a.send({ type: 'message.send', conversationId: id, content: 'from one', clientMessageId: 'x' });
    await b.waitForEvent(isMessage('from one'));
    await call(`${two.url}/v1/conversations/${id}/messages`, {
      token: bob.token,
      body: { content: 'from two' },
    });
    await a.waitForEvent(isMessage('from two'));
    await a.waitForEvent(isMessage('from one'));
    await b.waitForEvent(isMessage('from two'));

    /** content → seq of its `message.created` frame. */
    const seqs = (socket: TestSocket) =>
      Object.fromEntries(
        socket
          .events()
          .flatMap((frame) =>
            frame.event.type === 'message.created' ? [[frame.event.message.content, frame.seq]] : [],
          ),
      );
    expect(Object.keys(seqs(a))).toEqual(['from one', 'from two']);
    expect(seqs(a)).toEqual(seqs(b));
  });
});

/**
 * Publishes one entry per recipient as the broker does (counter + XADD), then trims the stream to
 * its last entry, in one atomic step: a reader blocked in XREAD sees only what is left, as a
 * reader that fell behind the `MAXLEN ~` trimming would.
 */
const publishAndTrimScript = `
for i, recipient in ipairs(ARGV) do
  local n = redis.call('INCR', KEYS[2])
  local payload = cjson.encode({recipients = {recipient}, event = {type = 'typing', conversationId = 'c', userId = 'u', state = 'start'}})
  redis.call('XADD', KEYS[1], '*', 'm', payload, 'n', n)
end
redis.call('XTRIM', KEYS[1], 'MAXLEN', 1)
return 1`;

describeRedis('Redis broker gaps and positions', (url) => {
  it('a reader whose next entries were trimmed away reports a gap before the next message', async () => {
    const prefix = testPrefix(url);
    const publisher = await broker(url, prefix);
    const receiver = await broker(url, prefix);
    const log: string[] = [];
    receiver.subscribe((message) => log.push(message.recipients[0] as string));
    receiver.subscribeGaps?.(() => log.push('gap'));
    await publisher.publish({ recipients: ['1'], event: typing('c') });
    await expect.poll(() => log, { timeout: 5000 }).toEqual(['1']);

    const admin = await adminClient(url);
    await admin.sendCommand([
      'EVAL',
      publishAndTrimScript,
      '2',
      eventsKey(prefix),
      counterKey(prefix),
      '2',
      '3',
    ]);
    await expect.poll(() => log, { timeout: 5000 }).toEqual(['1', 'gap', '3']);
    // After the gap, consecutive entries again: no further report.
    await publisher.publish({ recipients: ['4'], event: typing('c') });
    await expect.poll(() => log, { timeout: 5000 }).toEqual(['1', 'gap', '3', '4']);
  });

  it('no gap is reported for a reader that keeps up, whoever publishes', async () => {
    const prefix = testPrefix(url);
    const [one, two] = [await broker(url, prefix), await broker(url, prefix)];
    let gaps = 0;
    let got = 0;
    for (const b of [one, two]) b.subscribeGaps?.(() => (gaps += 1));
    two.subscribe(() => (got += 1));
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? one : two).publish({ recipients: ['r'], event: typing('c') }),
      ),
    );
    await expect.poll(() => got, { timeout: 5000 }).toBe(50);
    expect(gaps).toBe(0);
  });

  it('position() starts at the stream’s shared scale and below the first position delivered', async () => {
    const prefix = testPrefix(url);
    const first = await broker(url, prefix);
    const start = first.position?.() as number;
    expect(Math.abs(start / 1000 - Date.now())).toBeLessThan(60_000);
    const positions: number[] = [];
    first.subscribe((_, position) => positions.push(position as number));
    await first.publish({ recipients: ['a'], event: typing('c') });
    await expect.poll(() => positions.length, { timeout: 5000 }).toBe(1);
    expect(positions[0]).toBeGreaterThan(start);
    expect(first.position?.()).toBe(positions[0]);
    // A broker started later starts at (or above) the last entry.
    const later = await broker(url, prefix);
    expect(later.position?.()).toBeGreaterThanOrEqual(positions[0] as number);
  });

  it('head(): the last entry’s position, and a `now` above every seed taken before and below every later entry', async () => {
    const prefix = testPrefix(url);
    const first = await broker(url, prefix);
    const empty = await first.head?.();
    expect(empty?.last).toBe(0);
    // A broker started after the call seeds at or below `now`: its seed is Redis TIME * 1000 - 1.
    const later = await broker(url, prefix);
    const head = (await first.head?.()) as { last: number; now: number };
    expect(later.position?.()).toBeLessThanOrEqual(head.now);
    expect(later.position?.()).toBeGreaterThanOrEqual(empty?.now as number);
    expect(Math.abs(head.now / 1000 - Date.now())).toBeLessThan(60_000);
    const positions: number[] = [];
    first.subscribe((_, position) => positions.push(position as number));
    await later.publish({ recipients: ['a'], event: typing('c') });
    await expect.poll(() => positions.length, { timeout: 5000 }).toBe(1);
    // Appended after the call: above `now`.
    expect(positions[0]).toBeGreaterThan(head.now);
    const after = await later.head?.();
    expect(after?.last).toBe(positions[0]);
    expect(after?.now).toBeGreaterThanOrEqual(head.now);
  });

  it('a gap sends resync to every socket of the process; an old resumeFrom then resyncs', async () => {
    const prefix = testPrefix(url);
    const server = await startTestServer({ broker: await broker(url, prefix) });
    cleanups.push(() => server.close());
    const [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const id = await directConversation(server.url, alice, bob);
    const a = await connectRealtime(server.url, { token: alice.token });
    const b = await connectRealtime(server.url, { token: bob.token });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    a.send({ type: 'message.send', conversationId: id, content: 'before', clientMessageId: 'x' });
    const before = await b.waitForEvent(
      (event) => event.type === 'message.created' && event.message.content === 'before',
    );

    const admin = await adminClient(url);
    await admin.sendCommand([
      'EVAL',
      publishAndTrimScript,
      '2',
      eventsKey(prefix),
      counterKey(prefix),
      'x',
      'y',
    ]);
    await Promise.all([
      a.waitFor((frame) => frame.type === 'resync'),
      b.waitFor((frame) => frame.type === 'resync'),
    ]);

    // Bob's buffer no longer covers his last seq: resuming from it resyncs.
    const resumed = await connectRealtime(server.url, { token: bob.token, resumeFrom: before.seq });
    cleanups.push(() => resumed.close());
    expect(resumed.frames.map((frame) => frame.type)).toEqual(['resync', 'ready']);
  });

  it('two gateways seed their stream head from the broker: the same seqs even with a clock far ahead', async () => {
    const prefix = testPrefix(url);
    const shared = await sharedLowdbStore();
    cleanups.push(shared.cleanup);
    const { store } = shared;
    const one = await startTestServer({ broker: await broker(url, prefix), store });
    cleanups.push(() => one.close());
    // The second process's clock runs an hour ahead: without the broker's seed, its head would be
    // above every Redis position and it would number events itself.
    const realNow = Date.now;
    let two: Awaited<ReturnType<typeof startTestServer>>;
    Date.now = () => realNow() + 3_600_000;
    try {
      two = await startTestServer({ broker: await broker(url, prefix), store });
    } finally {
      Date.now = realNow;
    }
    cleanups.push(() => two.close());
    const [alice, bob] = await Promise.all([signUp(one.url), signUp(two.url)]);
    const id = await directConversation(one.url, alice, bob);
    const a = await connectRealtime(one.url, { token: alice.token });
    const b = await connectRealtime(two.url, { token: bob.token });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    a.send({ type: 'message.send', conversationId: id, content: 'first', clientMessageId: 'f' });
    const isFirst = (event: RealtimeEvent) =>
      event.type === 'message.created' && event.message.content === 'first';
    const [seenByA, seenByB] = await Promise.all([a.waitForEvent(isFirst), b.waitForEvent(isFirst)]);
    expect(seenByB.seq).toBe(seenByA.seq);
  });
});

describe('Redis broker start-up', () => {
  it('gives up after connectTimeoutMs with an error naming Redis when nothing listens', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const started = Date.now();
    const attempt = createRedisBroker({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 });
    await expect(attempt).rejects.toBeInstanceOf(BrokerUnavailableError);
    await expect(attempt).rejects.toThrow(/Redis/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describeRedis('Redis broker replay (a resume on another process)', (url) => {
  const limits = { maxEvents: 1000, maxAgeMs: 60_000 };

  /** A broker on `prefix` and the (recipient, position) of everything its listeners get. */
  async function watched(prefix: string, options: { readCount?: number; replayMaxScan?: number } = {}) {
    const created = await createRedisBroker({ url, prefix, connectTimeoutMs: 2000, ...options });
    cleanups.push(() => created.close());
    const seen: { to: string; position: number; conversationId: string }[] = [];
    created.subscribe((message, position) =>
      seen.push({
        to: message.recipients.join(','),
        position: position as number,
        conversationId: (message.event as { conversationId: string }).conversationId,
      }),
    );
    /** Publishes one typing event per recipient list, in order, and waits until all were read. */
    async function publish(...recipients: string[][]) {
      const before = seen.length;
      for (const [i, to] of recipients.entries())
        await created.publish({ recipients: to, event: typing(`c${before + i}`) });
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(before + recipients.length);
      return seen.slice(before);
    }
    return { broker: created, seen, publish };
  }

  it('returns the user’s events after `after` up to `upTo`, in order, at the positions listeners got, across pages', async () => {
    const prefix = testPrefix(url);
    const { broker: b, publish } = await watched(prefix, { readCount: 3 });
    const all = await publish(['u'], ['v'], ['u', 'v'], ['v'], ['v'], ['u'], ['v'], ['u'], ['v'], ['u']);
    const forU = all.filter((entry) => entry.to.split(',').includes('u'));
    const replay = b.replay?.bind(b);
    if (!replay) throw new Error('the Redis broker replays');
    const first = all[0] as (typeof all)[0];
    const last = all[all.length - 1] as (typeof all)[0];
    const result = await replay('u', first.position, last.position, limits);
    expect(result?.map(({ position }) => position)).toEqual(forU.slice(1).map(({ position }) => position));
    expect(result?.map(({ event }) => (event as { conversationId: string }).conversationId)).toEqual(
      forU.slice(1).map(({ conversationId }) => conversationId),
    );
    // `upTo` is inclusive and bounds it; `after` is exclusive.
    const middle = all[5] as (typeof all)[0];
    expect(
      (await replay('u', first.position, middle.position, limits))?.map(({ position }) => position),
    ).toEqual([all[2], all[5]].map((entry) => entry?.position));
    // Caught up: nothing after the last position, even though the scan starts a little before it.
    expect(await replay('u', last.position, last.position, limits)).toEqual([]);
    // Somebody with no events: an empty replay, not a resync.
    expect(await replay('nobody', first.position, last.position, limits)).toEqual([]);
  });

  it('null when entries after `after` were trimmed away; a position still retained replays', async () => {
    const prefix = testPrefix(url);
    const { broker: b, publish } = await watched(prefix);
    const all = await publish(['u'], ['u'], ['u'], ['u']);
    const admin = await adminClient(url);
    // Exact trim (not `~`): only the last two entries are left.
    await admin.sendCommand(['XTRIM', eventsKey(prefix), 'MAXLEN', '2']);
    const positions = all.map(({ position }) => position);
    const last = positions[3] as number;
    expect(await b.replay?.('u', positions[0] as number, last, limits)).toBeNull();
    // The oldest retained entry is the client's position: everything after it is still there.
    expect(
      (await b.replay?.('u', positions[2] as number, last, limits))?.map(({ position }) => position),
    ).toEqual([last]);
    // Everything trimmed (or Redis lost the stream): nothing can be known.
    await admin.sendCommand(['XTRIM', eventsKey(prefix), 'MAXLEN', '0']);
    expect(await b.replay?.('u', last, last, limits)).toBeNull();
  });

  it('null past the limits: more events than maxEvents, an event older than maxAgeMs, a scan over replayMaxScan', async () => {
    const prefix = testPrefix(url);
    const { broker: b, publish } = await watched(prefix, { replayMaxScan: 4 });
    const all = await publish(['x'], ['u'], ['u'], ['u']);
    const [start, end] = [(all[0] as (typeof all)[0]).position, (all[3] as (typeof all)[0]).position];
    expect(await b.replay?.('u', start, end, { maxEvents: 3, maxAgeMs: 60_000 })).toHaveLength(3);
    expect(await b.replay?.('u', start, end, { maxEvents: 2, maxAgeMs: 60_000 })).toBeNull();
    // Entry ids are Redis's clock in ms: a few ms later they are older than 1 ms.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await b.replay?.('u', start, end, { maxEvents: 3, maxAgeMs: 1 })).toBeNull();
    // Somebody none of whose events is that old still resumes.
    expect(await b.replay?.('nobody', start, end, { maxEvents: 3, maxAgeMs: 1 })).toEqual([]);
    // Four entries after `start` are within the scan limit; five are not.
    const more = await publish(['x']);
    const newEnd = (more[0] as (typeof more)[0]).position;
    expect(await b.replay?.('u', start, newEnd, limits)).toHaveLength(3);
    const fewer = await publish(['x']);
    expect(await b.replay?.('u', start, (fewer[0] as (typeof fewer)[0]).position, limits)).toBeNull();
  });

  it('null for a range that is not one (after > upTo) and around a counter of 1000 or more in one millisecond', async () => {
    const prefix = testPrefix(url);
    const { broker: b } = await watched(prefix);
    expect(await b.replay?.('u', 2_000_000, 1_000_000, limits)).toBeNull();
    // Entries with made-up ids (a millisecond long past): the reader would deliver `7-1000` at
    // 8000 and `8-0` at 8001, so positions no longer map back to ids around them.
    const admin = await adminClient(url);
    const payload = JSON.stringify({ recipients: ['u'], event: typing('c') });
    for (const id of ['7-1', '7-1000', '8-0', '8-1', '20-0', '30-0'])
      await admin.sendCommand(['XADD', eventsKey(prefix), id, 'm', payload, 'n', '1']);
    const old = { maxEvents: 1000, maxAgeMs: Number.MAX_SAFE_INTEGER };
    expect(await b.replay?.('u', 7001, 8001, old)).toBeNull();
    expect(await b.replay?.('u', 8001, 20_000, old)).toBeNull();
    // Two milliseconds later the positions are plain again.
    expect((await b.replay?.('u', 20_000, 30_000, old))?.map(({ position }) => position)).toEqual([30_000]);
  });
});
