import type { RealtimeEvent, ServerFrame } from '@chatwire/sdk/contracts';
import { createClient } from 'redis';
import { afterEach, expect, it } from 'vitest';
import type { Broker, BrokerListener } from '../broker/broker.js';
import { createRedisBroker, eventsKey } from '../broker/redis-broker.js';
import type { RealtimeOptions } from '../options.js';
import { call } from '../testing/http.js';
import { describeRedis, redisTestPrefix } from '../testing/redis-prefix.js';
import { sharedLowdbStore } from '../testing/shared-store.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import {
  connectRealtime,
  directConversation,
  signUp,
  type TestSocket,
  type TestUser,
} from '../testing/ws-client.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type EventFrame = Extract<ServerFrame, { type: 'event' }>;

const isMessage = (content: string) => (event: RealtimeEvent) =>
  event.type === 'message.created' && event.message.content === content;

/** The `message.created` contents of some event frames, in order. */
const contents = (frames: readonly ServerFrame[]) =>
  frames.flatMap((frame) =>
    frame.type === 'event' && frame.event.type === 'message.created' ? [frame.event.message.content] : [],
  );

interface Setup {
  one: TestServer;
  two: TestServer;
  prefix: string;
  alice: TestUser;
  bob: TestUser;
  conversationId: string;
  /** Bob's socket on server one that stays connected: every event of Bob's, with its seq. */
  watcher: TestSocket;
  /** Alice sends over REST on server one and waits until the watcher has the event. */
  send(content: string): Promise<EventFrame>;
  connect(server: TestServer, resumeFrom?: number): Promise<TestSocket>;
}

/**
 * A broker whose deliveries to this process can be held back, then released in order: a process
 * whose reader is behind the others'.
 */
function withGate(broker: Broker) {
  let held: (() => void)[] | null = null;
  const gated: Broker = {
    ...broker,
    subscribe(listener: BrokerListener) {
      return broker.subscribe((message, position) => {
        if (held) held.push(() => listener(message, position));
        else listener(message, position);
      });
    },
  };
  return {
    broker: gated,
    hold() {
      held = [];
    },
    release() {
      const waiting = held ?? [];
      held = null;
      for (const deliver of waiting) deliver();
    },
  };
}

async function twoProcesses(
  url: string,
  realtimeTwo: Partial<RealtimeOptions> = {},
  wrapTwo: (broker: Broker) => Broker = (broker) => broker,
): Promise<Setup> {
  const { prefix, cleanup } = redisTestPrefix(url);
  cleanups.push(cleanup);
  const shared = await sharedLowdbStore();
  cleanups.push(shared.cleanup);
  const { store } = shared;
  const broker = async () => {
    const created = await createRedisBroker({ url, prefix, connectTimeoutMs: 2000 });
    cleanups.push(() => created.close());
    return created;
  };
  const one = await startTestServer({ broker: await broker(), store });
  cleanups.push(() => one.close());
  const two = await startTestServer({ broker: wrapTwo(await broker()), store, realtime: realtimeTwo });
  cleanups.push(() => two.close());

  const [alice, bob] = await Promise.all([signUp(one.url), signUp(one.url)]);
  const conversationId = await directConversation(one.url, alice, bob);
  const connect = async (server: TestServer, resumeFrom?: number) => {
    const socket = await connectRealtime(server.url, {
      token: bob.token,
      ...(resumeFrom === undefined ? {} : { resumeFrom }),
    });
    cleanups.push(() => socket.close());
    return socket;
  };
  const watcher = await connect(one);
  return {
    one,
    two,
    prefix,
    alice,
    bob,
    conversationId,
    watcher,
    connect,
    async send(content) {
      const response = await call(`${one.url}/v1/conversations/${conversationId}/messages`, {
        token: alice.token,
        body: { content },
      });
      expect(response.status).toBe(201);
      return watcher.waitForEvent(isMessage(content));
    },
  };
}

/** The frames after `ready`, once the last expected message is there. */
async function afterReady(socket: TestSocket, lastContent: string): Promise<ServerFrame[]> {
  await socket.waitForEvent(isMessage(lastContent));
  const ready = socket.frames.findIndex((frame) => frame.type === 'ready');
  return socket.frames.slice(ready + 1);
}

describeRedis('resume on another process (replayed from the Redis stream)', (url) => {
  it('replays exactly the events missed on process one, then live ones: no gap, no duplicate', async () => {
    const setup = await twoProcesses(url);
    const away = await setup.connect(setup.one);
    await setup.send('seen 1');
    await setup.send('seen 2');
    const last = await away.waitForEvent(isMessage('seen 2'));
    await away.close();
    for (const content of ['missed 1', 'missed 2', 'missed 3']) await setup.send(content);

    const back = await connectRealtime(setup.two.url);
    cleanups.push(() => back.close());
    // Pipelined: the ping is answered after the (asynchronous) admit, not before `ready`.
    back.send({ type: 'auth', token: setup.bob.token, resumeFrom: last.seq });
    back.send({ type: 'ping' });
    await back.waitFor((frame) => frame.type === 'pong');
    expect(back.frames[0]?.type).toBe('ready');
    const ready = back.frames[0] as Extract<ServerFrame, { type: 'ready' }>;

    await setup.send('live');
    const frames = await afterReady(back, 'live');
    const events = frames.filter((frame): frame is EventFrame => frame.type === 'event');
    // The same events, seqs and order as the socket that never left, from just after `resumeFrom`.
    const truth = setup.watcher.events().filter((frame) => frame.seq > last.seq);
    expect(events).toEqual(truth);
    expect(contents(events)).toEqual(['missed 1', 'missed 2', 'missed 3', 'live']);
    expect(frames.map((frame) => frame.type)).toEqual([
      ...events.slice(0, -1).map(() => 'event'),
      'pong',
      'event',
    ]);
    // `ready.seq` is where the replay ends and the live events begin.
    const liveSeq = (events[events.length - 1] as EventFrame).seq;
    expect(ready.seq).toBeGreaterThanOrEqual((events[events.length - 2] as EventFrame).seq);
    expect(ready.seq).toBeLessThan(liveSeq);
  });

  it('resumes where the user has another live connection whose buffer started after resumeFrom', async () => {
    const setup = await twoProcesses(url);
    const away = await setup.connect(setup.one);
    await setup.send('seen');
    const last = await away.waitForEvent(isMessage('seen'));
    await away.close();
    await setup.send('missed before');
    // Bob's buffer on process two starts here: above `last`, so it does not cover it.
    const other = await setup.connect(setup.two);
    await setup.send('missed after');
    await other.waitForEvent(isMessage('missed after'));

    const back = await setup.connect(setup.two, last.seq);
    await setup.send('live');
    const frames = await afterReady(back, 'live');
    expect(frames.every((frame) => frame.type === 'event')).toBe(true);
    expect(frames).toEqual(setup.watcher.events().filter((frame) => frame.seq > last.seq));
    expect(contents(frames)).toEqual(['missed before', 'missed after', 'live']);
  });

  it('waits for a process that has not read up to resumeFrom yet, then resumes without sending it again', async () => {
    let gate: ReturnType<typeof withGate> | undefined;
    const setup = await twoProcesses(url, {}, (broker) => {
      gate = withGate(broker);
      return gate.broker;
    });
    const away = await setup.connect(setup.one);
    gate?.hold();
    await setup.send('seen 1');
    await setup.send('seen 2');
    const last = await away.waitForEvent(isMessage('seen 2'));
    await away.close();

    const back = await connectRealtime(setup.two.url);
    cleanups.push(() => back.close());
    back.send({ type: 'auth', token: setup.bob.token, resumeFrom: last.seq });
    // Process two has not delivered `seen 1`/`seen 2` yet: the resume waits for it.
    back.send({ type: 'ping' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(back.frames).toEqual([]);
    gate?.release();
    await back.waitFor((frame) => frame.type === 'pong');
    await setup.send('live');
    const frames = await afterReady(back, 'live');
    expect(back.frames[0]).toEqual({
      type: 'ready',
      userId: setup.bob.id,
      seq: last.seq,
      maxFrameBytes: 65536,
      presence: expect.any(Array),
    });
    expect(frames.map((frame) => frame.type)).toEqual(['pong', 'event']);
    expect(contents(frames)).toEqual(['live']);
  });

  it('resyncs when the stream was trimmed past resumeFrom', async () => {
    const setup = await twoProcesses(url);
    const away = await setup.connect(setup.one);
    await setup.send('seen');
    const last = await away.waitForEvent(isMessage('seen'));
    await away.close();
    await setup.send('missed 1');
    await setup.send('missed 2');
    const admin = createClient({ url, RESP: 2 });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      // Exactly (not `~`) the last entry is left: `seen` and `missed 1` are gone.
      await admin.sendCommand(['XTRIM', eventsKey(setup.prefix), 'MAXLEN', '1']);
    } finally {
      admin.destroy();
    }
    const back = await setup.connect(setup.two, last.seq);
    expect(back.frames.map((frame) => frame.type)).toEqual(['resync', 'ready']);
    await setup.send('live');
    expect(contents(await afterReady(back, 'live'))).toEqual(['live']);
  });

  it('resyncs when one of the missed events is older than replayMaxAgeMs', async () => {
    const setup = await twoProcesses(url, { replayMaxAgeMs: 50 });
    const away = await setup.connect(setup.one);
    await setup.send('seen');
    const last = await away.waitForEvent(isMessage('seen'));
    await away.close();
    await setup.send('missed long ago');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const back = await setup.connect(setup.two, last.seq);
    expect(back.frames.map((frame) => frame.type)).toEqual(['resync', 'ready']);
  });

  it('resyncs a position ahead of every process (never reached); a socket closed while waiting is let go', async () => {
    const setup = await twoProcesses(url);
    const ahead = Number.MAX_SAFE_INTEGER - 1;
    // Closed while process two waits for its head to reach the position.
    const leaving = await connectRealtime(setup.two.url);
    leaving.send({ type: 'auth', token: setup.bob.token, resumeFrom: ahead });
    await leaving.close();

    const back = await setup.connect(setup.two, ahead);
    expect(back.frames.map((frame) => frame.type)).toEqual(['resync', 'ready']);
    const ready = back.frames[1] as Extract<ServerFrame, { type: 'ready' }>;
    expect(ready.seq).toBeLessThan(ahead);
    await setup.send('live');
    const frames = await afterReady(back, 'live');
    expect(contents(frames)).toEqual(['live']);
    expect(frames).toEqual(setup.watcher.events().filter((frame) => frame.seq > ready.seq));
  });

  /**
   * Two processes where the second broker starts later (its seed, Redis TIME, is above the
   * first's head) and nothing is published: Bob has no conversation yet, so not even presence.
   * `before` optionally publishes on the prefix before either process starts (a long-lived stream).
   */
  async function idleProcesses(options: { before?: boolean } = {}) {
    const { prefix, cleanup } = redisTestPrefix(url);
    cleanups.push(cleanup);
    const shared = await sharedLowdbStore();
    cleanups.push(shared.cleanup);
    const { store } = shared;
    const broker = async () => {
      const created = await createRedisBroker({ url, prefix, connectTimeoutMs: 2000 });
      cleanups.push(() => created.close());
      return created;
    };
    if (options.before) {
      const earlier = await broker();
      await earlier.publish({
        recipients: ['somebody else'],
        event: { type: 'typing', conversationId: 'c', userId: 'u', state: 'start' },
      });
      await earlier.close();
    }
    const one = await startTestServer({ broker: await broker(), store });
    cleanups.push(() => one.close());
    // A later millisecond of Redis's clock: the second seed is above the first.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const two = await startTestServer({ broker: await broker(), store });
    cleanups.push(() => two.close());
    const [alice, bob] = await Promise.all([signUp(one.url), signUp(one.url)]);
    /** Bob's `ready.seq` on `server` (a socket that gets nothing else, then closed). */
    const readyOn = async (server: TestServer) => {
      const socket = await connectRealtime(server.url, { token: bob.token });
      await socket.close();
      const ready = socket.frames[0];
      expect(ready?.type).toBe('ready');
      expect(socket.frames).toHaveLength(1);
      return (ready as Extract<ServerFrame, { type: 'ready' }>).seq;
    };
    /** Resumes on `server`; the ping's `pong` proves the admit answered (and what came before it). */
    const resume = async (server: TestServer, resumeFrom: number) => {
      const socket = await connectRealtime(server.url);
      cleanups.push(() => socket.close());
      socket.send({ type: 'auth', token: bob.token, resumeFrom });
      socket.send({ type: 'ping' });
      await socket.waitFor((frame) => frame.type === 'pong');
      return socket;
    };
    /** Alice starts a conversation with Bob and sends one message: Bob's first events. */
    const publishToBob = async () => {
      const created = await call(`${one.url}/v1/conversations`, {
        token: alice.token,
        body: { type: 'direct', participantIds: [bob.id] },
      });
      const sent = await call(`${two.url}/v1/conversations/${created.body.id as string}/messages`, {
        token: alice.token,
        body: { content: 'live' },
      });
      expect(sent.status).toBe(201);
    };
    return { one, two, readyOn, resume, publishToBob };
  }

  /** After `publishToBob`: the frames after `pong`, each event exactly once, all above `resumeFrom`. */
  async function expectLiveOnce(socket: TestSocket, resumeFrom: number) {
    await socket.waitForEvent(isMessage('live'));
    // Anything still on its way (a duplicate) is behind this pong.
    socket.send({ type: 'ping' });
    await expect
      .poll(() => socket.frames.filter((frame) => frame.type === 'pong').length, { timeout: 5000 })
      .toBe(2);
    const types = socket.frames.map((frame) => (frame.type === 'event' ? frame.event.type : frame.type));
    expect(types).toEqual(['ready', 'pong', 'conversation.created', 'message.created', 'pong']);
    const events = socket.events();
    expect(events.every((frame) => frame.seq > resumeFrom)).toBe(true);
  }

  it('a caught-up client from a process started later resumes on an older one, at once, then gets live events once', async () => {
    const setup = await idleProcesses();
    const onOne = await setup.readyOn(setup.one);
    const onTwo = await setup.readyOn(setup.two);
    // The premise: process two's head (its seed) is above everything process one has.
    expect(onTwo).toBeGreaterThan(onOne);

    const back = await setup.resume(setup.one, onTwo);
    // No `resync`: nothing exists between process one's head and the client's position.
    expect(back.frames.map((frame) => frame.type)).toEqual(['ready', 'pong']);
    expect(back.frames[0]).toEqual({
      type: 'ready',
      userId: expect.any(String),
      seq: onOne,
      maxFrameBytes: 65536,
      presence: expect.any(Array),
    });
    await setup.publishToBob();
    await expectLiveOnce(back, onTwo);
  });

  it('and the reverse: a caught-up client from the older process resumes on the later one', async () => {
    // A stream that already held entries (as in production): its oldest is below both seeds.
    const setup = await idleProcesses({ before: true });
    const onOne = await setup.readyOn(setup.one);
    const onTwo = await setup.readyOn(setup.two);
    expect(onTwo).toBeGreaterThan(onOne);

    const back = await setup.resume(setup.two, onOne);
    expect(back.frames.map((frame) => frame.type)).toEqual(['ready', 'pong']);
    expect(back.frames[0]).toEqual({
      type: 'ready',
      userId: expect.any(String),
      seq: onTwo,
      maxFrameBytes: 65536,
      presence: expect.any(Array),
    });
    await setup.publishToBob();
    await expectLiveOnce(back, onOne);
  });

  it('resyncs a position above both the stream and Redis’s clock, then goes on live', async () => {
    const setup = await idleProcesses();
    const onTwo = await setup.readyOn(setup.two);
    // An hour ahead of Redis's clock: no process handed it out.
    const back = await setup.resume(setup.one, onTwo + 3_600_000_000);
    expect(back.frames.map((frame) => frame.type)).toEqual(['resync', 'ready', 'pong']);
    await setup.publishToBob();
    await back.waitForEvent(isMessage('live'));
  });
});
