import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ids, tokens } from '../client/fake-fetch.test-support.js';
import type { ServerFrame } from '../contracts/events.js';
import type { Tokens } from '../contracts/resources.js';
import { createRealtimeConnection } from './connection.js';
import { RealtimeError } from './errors.js';
import {
  type FakeSocket,
  fakeSession,
  fakeSockets,
  jwtExpiringAt,
  otherUser,
  readyFrame,
  storedMessage,
  typingFrame,
} from './fake-socket.test-support.js';
import type { RealtimeOptions, RealtimeStatus } from './types.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets the awaits of an attempt (token read, factory) run. */
const flush = () => vi.advanceTimersByTimeAsync(0);

function setup(
  options: RealtimeOptions = {},
  initial: Tokens | null = tokens('one'),
  next: Array<Tokens | 'refuse' | 'offline'> = [],
) {
  const sockets = fakeSockets();
  const { session, refreshes } = fakeSession(initial, next);
  const live = createRealtimeConnection(
    { baseUrl: 'https://api.test/chat/', session },
    // random 0.5 puts the jitter at 0: delays are exactly 1 s, 2 s, 4 s, …
    { webSocketFactory: sockets.factory, random: () => 0.5, ...options },
  );
  const statuses: RealtimeStatus[] = [];
  const errors: Error[] = [];
  live.on('status', (status) => statuses.push(status));
  live.on('error', (error) => errors.push(error));
  return { live, sockets, session, refreshes, statuses, errors };
}

/** Opens `socket` and answers its auth with `ready` (with the server's frame limit). */
function accept(socket: FakeSocket, seq = 100, maxFrameBytes?: number) {
  socket.open();
  socket.receive(readyFrame(seq, maxFrameBytes));
}

describe('createRealtimeConnection', () => {
  it('opens wss://…/v1/realtime and sends auth with the current token first, never in the URL', async () => {
    const { live, sockets, statuses } = setup();
    expect(live.status).toBe('connecting');
    await flush();
    expect(sockets.last.url).toBe('wss://api.test/chat/v1/realtime');
    sockets.last.open();
    expect(sockets.last.sent).toEqual([{ type: 'auth', token: 'access-one' }]);
    const readies: unknown[] = [];
    live.on('ready', (ready) => readies.push(ready));
    sockets.last.receive(readyFrame(100));
    expect(live.status).toBe('open');
    expect(statuses).toEqual(['open']);
    expect(readies).toEqual([{ userId: ids.user, seq: 100, presence: [] }]);
    expect(live.lastSeq).toBe(100);
  });

  it('delivers events to listeners typed by event type, and to `event`', async () => {
    const { live, sockets } = setup();
    await flush();
    accept(sockets.last);
    const typing: string[] = [];
    const all: number[] = [];
    const off = live.on('typing', (event, seq) => typing.push(`${event.userId}:${event.state}@${seq}`));
    live.on('event', (_event, seq) => all.push(seq));
    sockets.last.receive(typingFrame(101));
    off();
    sockets.last.receive(typingFrame(102, 'stop'));
    expect(typing).toHaveLength(1);
    expect(typing[0]).toMatch(/:start@101$/);
    expect(all).toEqual([101, 102]);
    expect(live.lastSeq).toBe(102);
  });

  it('delivers a message announced twice (a retried send, published again) once', async () => {
    const { live, sockets } = setup();
    await flush();
    accept(sockets.last);
    const contents: string[] = [];
    live.on('message.created', (event) => contents.push(event.message.content));
    const message = storedMessage('only once', 'c-9');
    const created = (seq: number): ServerFrame => ({
      type: 'event',
      seq,
      event: { type: 'message.created', conversationId: message.conversationId, message },
    });
    sockets.last.receive(created(101));
    sockets.last.receive(created(105));
    expect(contents).toEqual(['only once']);
    expect(live.lastSeq).toBe(105);
  });

  it('resumes from the last seq after a drop, with the same listeners, and ignores replayed duplicates', async () => {
    const { live, sockets, statuses } = setup();
    await flush();
    accept(sockets.last, 100);
    const seen: number[] = [];
    live.on('typing', (_event, seq) => seen.push(seq));
    sockets.last.receive(typingFrame(101));
    sockets.last.receive(typingFrame(102));
    sockets.last.drop(1006);
    expect(live.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets.sockets).toHaveLength(2);
    sockets.last.open();
    expect(sockets.last.sent).toEqual([{ type: 'auth', token: 'access-one', resumeFrom: 102 }]);
    // The resumed `ready` reports the head; the replay follows. 101 and 102 were seen already.
    sockets.last.receive(readyFrame(104));
    for (const seq of [101, 102, 103, 104, 104]) sockets.last.receive(typingFrame(seq));
    expect(seen).toEqual([101, 102, 103, 104]);
    expect(live.lastSeq).toBe(104);
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);
  });

  it('reconnects on 1001 (going away), 4008 (slow consumer) and 1013 (try again later) too', async () => {
    const { sockets } = setup();
    await flush();
    accept(sockets.last);
    sockets.last.drop(1001);
    await vi.advanceTimersByTimeAsync(1000);
    accept(sockets.last);
    sockets.last.drop(4008);
    await vi.advanceTimersByTimeAsync(1000);
    // The server's broker is down: closed right after opening, before any `ready`.
    sockets.last.open();
    sockets.last.drop(1013);
    await vi.advanceTimersByTimeAsync(2000);
    expect(sockets.sockets).toHaveLength(4);
  });

  it('backs off exponentially up to the cap while attempts fail, and resets after a ready', async () => {
    const { sockets } = setup({ reconnect: { maxDelayMs: 5000 } });
    await flush();
    sockets.last.drop();
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = sockets.sockets.length;
      let waited = 0;
      while (sockets.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(250);
        waited += 250;
      }
      gaps.push(waited);
      if (i < 4) sockets.last.drop();
    }
    expect(gaps).toEqual([1000, 2000, 4000, 5000, 5000]);
    accept(sockets.last);
    sockets.last.drop();
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets.sockets).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets.sockets).toHaveLength(7);
  });

  it('applies the jitter drawn from `random`', async () => {
    const { sockets } = setup({ random: () => 0 });
    await flush();
    sockets.last.drop();
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets.sockets).toHaveLength(2);
  });

  it('gives up after reconnect.maxAttempts', async () => {
    const { live, sockets, errors } = setup({ reconnect: { maxAttempts: 1 } });
    await flush();
    sockets.last.drop();
    await vi.advanceTimersByTimeAsync(1000);
    sockets.last.drop();
    expect(live.status).toBe('closed');
    expect(errors[0]).toMatchObject({ code: 'closed' });
  });

  it('emits resync and continues from the new head', async () => {
    const { live, sockets } = setup();
    await flush();
    accept(sockets.last, 100);
    sockets.last.receive(typingFrame(101));
    sockets.last.drop();
    await vi.advanceTimersByTimeAsync(1000);
    let resyncs = 0;
    live.on('resync', () => resyncs++);
    sockets.last.open();
    // A restarted server: a new counter far above, and nothing buffered to replay.
    sockets.last.receive(readyFrame(5_000_000));
    sockets.last.receive({ type: 'resync' });
    expect(resyncs).toBe(1);
    expect(live.lastSeq).toBe(5_000_000);
    const seen: number[] = [];
    live.on('typing', (_event, seq) => seen.push(seq));
    sockets.last.receive(typingFrame(5_000_001));
    expect(seen).toEqual([5_000_001]);
  });

  it('adopts the head when resync comes before ready', async () => {
    const { live, sockets } = setup();
    await flush();
    accept(sockets.last, 100);
    sockets.last.drop();
    await vi.advanceTimersByTimeAsync(1000);
    sockets.last.open();
    sockets.last.receive({ type: 'resync' });
    sockets.last.receive(readyFrame(7));
    expect(live.lastSeq).toBe(7);
  });

  it('sends at once when open: resolves on ack, rejects on an error frame with its ref', async () => {
    const { live, sockets, errors } = setup();
    await flush();
    accept(sockets.last);
    const sent = live.send({ conversationId: ids.conversation, content: 'hi', clientMessageId: 'c-1' });
    const refused = live.send({ conversationId: ids.conversation, content: 'x'.repeat(20_000) });
    const frames = sockets.last.sentOf('message.send');
    expect(frames[0]).toEqual({
      type: 'message.send',
      conversationId: ids.conversation,
      content: 'hi',
      clientMessageId: 'c-1',
    });
    const generated = frames[1]?.clientMessageId ?? '';
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-1', message: storedMessage('hi', 'c-1') });
    sockets.last.receive({ type: 'error', code: 'payload_too_large', message: 'too long', ref: generated });
    await expect(sent).resolves.toMatchObject({ content: 'hi', clientMessageId: 'c-1' });
    const error = await refused.catch((caught: unknown) => caught);
    expect(RealtimeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'payload_too_large', ref: generated });
    // Tied to a send, so not an `error` event.
    expect(errors).toEqual([]);
  });

  it('queues sends while offline and delivers them once, in order, across a drop before the ack', async () => {
    const { live, sockets } = setup();
    await flush();
    const first = live.send({ conversationId: ids.conversation, content: 'one', clientMessageId: 'c-1' });
    const second = live.send({ conversationId: ids.conversation, content: 'two', clientMessageId: 'c-2' });
    expect(live.send({ conversationId: ids.conversation, content: 'one', clientMessageId: 'c-1' })).toBe(
      first,
    );
    accept(sockets.last);
    const ids1 = sockets.last.sentOf('message.send').map((frame) => frame.clientMessageId);
    expect(ids1).toEqual(['c-1', 'c-2']);
    // c-1 is acked; the drop loses c-2's ack; c-3 is made while offline.
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-1', message: storedMessage('one', 'c-1') });
    sockets.last.drop();
    const third = live.send({ conversationId: ids.conversation, content: 'three', clientMessageId: 'c-3' });
    await vi.advanceTimersByTimeAsync(1000);
    accept(sockets.last, 101);
    expect(sockets.last.sentOf('message.send').map((frame) => frame.clientMessageId)).toEqual(['c-2', 'c-3']);
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-2', message: storedMessage('two', 'c-2') });
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-2', message: storedMessage('two', 'c-2') });
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-3', message: storedMessage('three', 'c-3') });
    await expect(Promise.all([first, second, third])).resolves.toMatchObject([
      { content: 'one' },
      { content: 'two' },
      { content: 'three' },
    ]);
    // A further reconnect re-sends nothing: every send was acked.
    sockets.last.drop();
    await vi.advanceTimersByTimeAsync(1000);
    accept(sockets.last, 102);
    expect(sockets.last.sentOf('message.send')).toEqual([]);
  });

  it('sends what was queued before what a ready or status listener sends, each once', async () => {
    const { live, sockets } = setup();
    await flush();
    void live.send({ conversationId: ids.conversation, content: 'queued', clientMessageId: 'c-1' });
    live.on('status', (status) => {
      if (status === 'open')
        void live.send({ conversationId: ids.conversation, content: 'a', clientMessageId: 'c-2' });
    });
    live.on('ready', () => {
      void live.send({ conversationId: ids.conversation, content: 'b', clientMessageId: 'c-3' });
    });
    accept(sockets.last);
    expect(sockets.last.sentOf('message.send').map((frame) => frame.clientMessageId)).toEqual([
      'c-1',
      'c-2',
      'c-3',
    ]);
  });

  it('drops typing while offline, and keeps the latest read per conversation for the reconnect', async () => {
    const { live, sockets } = setup();
    await flush();
    live.typing(ids.conversation, 'start');
    live.markRead(ids.conversation, ids.user);
    live.markRead(ids.conversation, ids.message);
    accept(sockets.last);
    expect(sockets.last.sent.slice(1)).toEqual([
      { type: 'read', conversationId: ids.conversation, messageId: ids.message },
    ]);
    live.typing(ids.conversation, 'stop');
    live.markRead(ids.conversation, ids.message);
    expect(sockets.last.sent.slice(2)).toEqual([
      { type: 'typing', conversationId: ids.conversation, state: 'stop' },
      { type: 'read', conversationId: ids.conversation, messageId: ids.message },
    ]);
  });

  it('on 4401 refreshes the token and reconnects at once with the new one', async () => {
    const { live, sockets, refreshes, statuses } = setup({}, tokens('one'), [tokens('two')]);
    await flush();
    accept(sockets.last);
    sockets.last.drop(4401);
    expect(live.status).toBe('reconnecting');
    await flush();
    expect(refreshes).toEqual(['refresh-one']);
    sockets.last.open();
    expect(sockets.last.sent[0]).toEqual({ type: 'auth', token: 'access-two', resumeFrom: 100 });
    sockets.last.receive(readyFrame(100));
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);
  });

  it('gives up when the server refuses the refreshed token too', async () => {
    const { live, sockets, errors } = setup({}, tokens('one'), [tokens('two')]);
    await flush();
    sockets.last.open();
    sockets.last.receive({ type: 'error', code: 'token_expired', message: 'expired' });
    sockets.last.drop(4401);
    await flush();
    sockets.last.open();
    sockets.last.drop(4401);
    expect(live.status).toBe('closed');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'unauthorized' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets.sockets).toHaveLength(2);
  });

  it('gives up when the refresh is refused, and rejects what waits', async () => {
    const { live, sockets, errors, statuses } = setup({}, tokens('one'), ['refuse']);
    await flush();
    const waiting = live
      .send({ conversationId: ids.conversation, content: 'hi' })
      .catch((error: unknown) => error);
    sockets.last.open();
    sockets.last.drop(4401);
    await flush();
    expect(live.status).toBe('closed');
    expect(statuses).toEqual(['closed']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'unauthorized' });
    expect(await waiting).toBe(errors[0]);
    expect(sockets.sockets).toHaveLength(1);
  });

  it('refreshes a JWT about to expire before authenticating with it', async () => {
    const expiring = { ...tokens('one'), accessToken: jwtExpiringAt(Math.floor(Date.now() / 1000) + 5) };
    const { sockets, refreshes } = setup({}, expiring, [tokens('two')]);
    await flush();
    expect(refreshes).toEqual(['refresh-one']);
    sockets.last.open();
    expect(sockets.last.sent[0]).toEqual({ type: 'auth', token: 'access-two' });
  });

  it('closes with an error when not signed in', async () => {
    const { live, sockets, errors } = setup({}, null);
    await flush();
    expect(live.status).toBe('closed');
    expect(sockets.sockets).toHaveLength(0);
    expect(errors[0]).toMatchObject({ code: 'unauthorized' });
  });

  it('closes when the user signs out', async () => {
    const { live, sockets, session, errors } = setup();
    await flush();
    accept(sockets.last);
    await session.signOut('logout');
    expect(live.status).toBe('closed');
    expect(sockets.last.closedWith).toBe(1000);
    expect(errors).toEqual([]);
  });

  it('on 4410 (the account was deleted) signs the session out and never reconnects', async () => {
    const { live, sockets, session, errors } = setup();
    const changes: string[] = [];
    session.onChange((change) => changes.push(change.type));
    await flush();
    accept(sockets.last);
    sockets.last.drop(4410);
    expect(live.status).toBe('closed');
    expect(errors[0]).toMatchObject({ code: 'unauthorized' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets.sockets).toHaveLength(1);
    expect(await session.tokens()).toBeNull();
    expect(changes).toEqual(['signed-out']);
  });

  it('an `account.deleted` about the user signs the session out and closes; one about another user does not', async () => {
    const { live, sockets, session } = setup();
    await flush();
    accept(sockets.last);
    const heard: string[] = [];
    live.on('account.deleted', (event) => heard.push(event.userId));
    const deleted = (seq: number, userId: string): ServerFrame => ({
      type: 'event',
      seq,
      event: { type: 'account.deleted', userId },
    });
    sockets.last.receive(deleted(101, otherUser));
    await flush();
    expect(live.status).toBe('open');
    expect(await session.tokens()).not.toBeNull();
    sockets.last.receive(deleted(102, ids.user));
    expect(heard).toEqual([otherUser, ids.user]);
    expect(live.status).toBe('closed');
    await flush();
    expect(await session.tokens()).toBeNull();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets.sockets).toHaveLength(1);
  });

  it('close() stops everything: socket closed, sends rejected, no reconnect', async () => {
    const { live, sockets, statuses } = setup();
    await flush();
    accept(sockets.last);
    const waiting = live.send({ conversationId: ids.conversation, content: 'hi' });
    live.close();
    live.close();
    expect(sockets.last.closedWith).toBe(1000);
    expect(live.status).toBe('closed');
    expect(statuses).toEqual(['open', 'closed']);
    await expect(waiting).rejects.toMatchObject({ code: 'closed' });
    await expect(live.send({ conversationId: ids.conversation, content: 'late' })).rejects.toMatchObject({
      code: 'closed',
    });
    // A late close event of the old socket changes nothing.
    sockets.last.drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets.sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() while the first attempt awaits its token opens no socket', async () => {
    const { live, sockets } = setup();
    live.close();
    await flush();
    expect(sockets.sockets).toHaveLength(0);
    expect(live.status).toBe('closed');
  });

  it('reports malformed frames as errors and carries on', async () => {
    const { live, sockets, errors } = setup();
    await flush();
    accept(sockets.last);
    sockets.last.receive('not json');
    sockets.last.receive({ type: 'nonsense' } as never);
    sockets.last.receive('{"type":"event","seq":"x","event":{}}');
    sockets.last.receive(typingFrame(101));
    expect(errors).toHaveLength(3);
    expect(errors.every((error) => RealtimeError.isInstance(error) && error.code === 'malformed_frame')).toBe(
      true,
    );
    expect(live.status).toBe('open');
    expect(live.lastSeq).toBe(101);
  });

  it('reports a server error frame without a ref as an error event', async () => {
    const { sockets, errors } = setup();
    await flush();
    accept(sockets.last);
    sockets.last.receive({ type: 'error', code: 'rate_limited', message: 'slow down' });
    expect(errors[0]).toMatchObject({ code: 'rate_limited', message: 'slow down' });
  });

  it('pings after silence and reconnects when no answer comes in time', async () => {
    const { live, sockets } = setup({ pingIntervalMs: 10_000, pongTimeoutMs: 2000 });
    await flush();
    accept(sockets.last);
    await vi.advanceTimersByTimeAsync(9999);
    expect(sockets.last.sentOf('ping')).toHaveLength(0);
    sockets.last.receive(typingFrame(101)); // traffic: the socket is alive, no ping needed
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets.last.sentOf('ping')).toHaveLength(1);
    sockets.last.receive({ type: 'pong' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets.last.sentOf('ping')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(live.status).toBe('reconnecting');
    expect(sockets.sockets[0]?.closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets.sockets).toHaveLength(2);
  });

  it('abandons an attempt that gets no ready within connectTimeoutMs', async () => {
    const { live, sockets } = setup({ connectTimeoutMs: 5000 });
    await flush();
    sockets.last.open();
    await vi.advanceTimersByTimeAsync(5000);
    expect(live.status).toBe('reconnecting');
    expect(sockets.last.closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets.sockets).toHaveLength(2);
  });

  it('retries with backoff when the refresh fails for a passing reason (the network)', async () => {
    const { live, sockets, refreshes } = setup({}, tokens('one'), ['offline', tokens('two')]);
    await flush();
    accept(sockets.last);
    sockets.last.drop(4401);
    await flush();
    expect(refreshes).toHaveLength(1);
    expect(live.status).toBe('reconnecting');
    expect(sockets.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    // The 4401 is still owed a refresh: the retry makes it before authenticating.
    expect(refreshes).toHaveLength(2);
    sockets.last.open();
    expect(sockets.last.sent[0]).toMatchObject({ token: 'access-two' });
  });

  it('gives up with a clear error when the factory cannot open a socket', async () => {
    const { session } = fakeSession();
    const live = createRealtimeConnection(
      { baseUrl: 'http://api.test', session },
      {
        webSocketFactory: () => {
          throw new TypeError('no WebSocket here');
        },
      },
    );
    const errors: Error[] = [];
    live.on('error', (error) => errors.push(error));
    await flush();
    expect(live.status).toBe('closed');
    expect(errors[0]?.message).toBe('no WebSocket here');
  });
});

describe('createRealtimeConnection: the server’s frame limit', () => {
  const message = (content: string, clientMessageId: string) => ({
    conversationId: ids.conversation,
    content,
    clientMessageId,
  });
  /** The size of a `message.send` frame with this content, as the server counts it (UTF-8 bytes). */
  const frameBytes = (content: string, clientMessageId: string) =>
    new TextEncoder().encode(JSON.stringify({ type: 'message.send', ...message(content, clientMessageId) }))
      .byteLength;
  const sentIds = (socket: FakeSocket) => socket.sentOf('message.send').map((frame) => frame.clientMessageId);
  /** What `promise` came to so far: read after a `flush`, it tells a send refused at once from a queued one. */
  const outcome = (promise: Promise<unknown>) => {
    const seen: { settled: boolean; error?: unknown } = { settled: false };
    promise.then(
      () => (seen.settled = true),
      (error: unknown) => Object.assign(seen, { settled: true, error }),
    );
    return seen;
  };

  it('refuses a send over the limit at once, unsent, and sends the ones behind it', async () => {
    const { live, sockets, errors } = setup();
    await flush();
    accept(sockets.last, 100, 1000);
    // 500 characters, but 'é' is 2 bytes in UTF-8: the frame is over 1000 bytes.
    expect(frameBytes('é'.repeat(500), 'c-big')).toBeGreaterThan(1000);
    const big = live.send(message('é'.repeat(500), 'c-big')).catch((error: unknown) => error);
    // Right at the limit: sent.
    const filler = 'x'.repeat(1000 - frameBytes('', 'c-fit'));
    expect(frameBytes(filler, 'c-fit')).toBe(1000);
    const fits = live.send(message(filler, 'c-fit'));
    const after = live.send(message('after', 'c-after'));

    const error = await big;
    expect(RealtimeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'payload_too_large', ref: 'c-big' });
    expect((error as Error).message).toContain(
      `at most 1000 bytes; this message is ${frameBytes('é'.repeat(500), 'c-big')} bytes`,
    );
    expect(sentIds(sockets.last)).toEqual(['c-fit', 'c-after']);
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-fit', message: storedMessage(filler, 'c-fit') });
    sockets.last.receive({
      type: 'ack',
      clientMessageId: 'c-after',
      message: storedMessage('after', 'c-after'),
    });
    await expect(Promise.all([fits, after])).resolves.toHaveLength(2);
    // Nothing else happened: no error event, no reconnect, and it can be sent again shortened.
    expect(errors).toEqual([]);
    expect(sockets.sockets).toHaveLength(1);
    void live.send(message('é', 'c-big'));
    expect(sentIds(sockets.last)).toEqual(['c-fit', 'c-after', 'c-big']);
  });

  it('before the first ready, checks against maxFrameBytes (default 65536), then takes the server’s', async () => {
    const { live, sockets } = setup();
    await flush();
    const refused = outcome(live.send(message('x'.repeat(65_536), 'c-big')));
    const queued = outcome(live.send(message('x'.repeat(60_000), 'c-1')));
    await flush();
    expect(refused).toMatchObject({ settled: true, error: { code: 'payload_too_large', ref: 'c-big' } });
    expect(queued.settled).toBe(false);
    accept(sockets.last);
    expect(sentIds(sockets.last)).toEqual(['c-1']);

    const small = setup({ maxFrameBytes: 500 });
    await flush();
    const over = outcome(small.live.send(message('x'.repeat(500), 'c-2')));
    await flush();
    expect(over.error).toMatchObject({ code: 'payload_too_large' });
    // The server says it takes more: its limit replaces the option's.
    accept(small.sockets.last, 100, 65_536);
    void small.live.send(message('x'.repeat(500), 'c-3'));
    expect(sentIds(small.sockets.last)).toEqual(['c-3']);
  });

  it('checks the sends queued offline again at ready, against the server’s limit: the rest go, in order', async () => {
    const { live, sockets, errors } = setup();
    await flush();
    const first = live.send(message('one', 'c-1'));
    const big = live.send(message('x'.repeat(2000), 'c-2'));
    const third = live.send(message('three', 'c-3'));
    accept(sockets.last, 100, 1000);
    expect(sentIds(sockets.last)).toEqual(['c-1', 'c-3']);
    await expect(big).rejects.toMatchObject({ code: 'payload_too_large', ref: 'c-2' });
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-1', message: storedMessage('one', 'c-1') });
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-3', message: storedMessage('three', 'c-3') });
    await expect(Promise.all([first, third])).resolves.toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('on a 1009 close fails the largest waiting send, once per close, and re-sends the rest: no loop', async () => {
    const { live, sockets, statuses } = setup();
    await flush();
    const first = live.send(message('one', 'c-1'));
    const big = outcome(live.send(message('x'.repeat(30_000), 'c-2')));
    const bigger = outcome(live.send(message('x'.repeat(40_000), 'c-3')));
    // Before `ready` only `auth` was written: a 1009 then is an ordinary drop, nothing fails.
    sockets.last.open();
    sockets.last.drop(1009);
    await vi.advanceTimersByTimeAsync(1000);
    expect([big.settled, bigger.settled]).toEqual([false, false]);
    // The server says 64 KiB, but something in front of it takes less.
    accept(sockets.last);
    expect(sentIds(sockets.last)).toEqual(['c-1', 'c-2', 'c-3']);

    sockets.last.drop(1009);
    await flush();
    expect(bigger.error).toMatchObject({ code: 'payload_too_large', ref: 'c-3' });
    expect((bigger.error as Error).message).toMatch(/1009/);
    expect(big.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    accept(sockets.last, 101);
    expect(sentIds(sockets.last)).toEqual(['c-1', 'c-2']);

    // c-2 is too big for it as well: the next 1009 fails it, and c-1 goes on its own.
    sockets.last.drop(1009);
    await flush();
    expect(big.error).toMatchObject({ code: 'payload_too_large', ref: 'c-2' });
    await vi.advanceTimersByTimeAsync(1000);
    accept(sockets.last, 102);
    expect(sentIds(sockets.last)).toEqual(['c-1']);
    sockets.last.receive({ type: 'ack', clientMessageId: 'c-1', message: storedMessage('one', 'c-1') });
    await expect(first).resolves.toMatchObject({ content: 'one' });
    expect(sockets.sockets).toHaveLength(4);
    expect(statuses).toEqual(['reconnecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open']);
  });

  it('sends the model asked for this one reply, and none when not asked', async () => {
    const { live, sockets } = setup();
    await flush();
    accept(sockets.last);
    void live.send({ ...message('hi', 'c-1'), model: 'smart' });
    void live.send(message('hi', 'c-2'));
    const [withModel, without] = sockets.last.sentOf('message.send');
    expect(withModel).toMatchObject({ clientMessageId: 'c-1', model: 'smart' });
    expect(without).not.toHaveProperty('model');
  });
});
