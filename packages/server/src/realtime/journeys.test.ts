/**
 * Multi-user journeys over real sockets: fan-out, typing, presence, read receipts, isolation,
 * REST↔WS parity and assistant deltas on a second tab.
 */
import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../testing/http.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { connectRealtime, signUp, type TestSocket, type TestUser } from '../testing/ws-client.js';

let server: TestServer;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startTestServer({ realtime: { presenceGraceMs: 150, typingTtlMs: 200 } });
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.close();
});

async function connect(user: TestUser): Promise<TestSocket> {
  const socket = await connectRealtime(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

async function conversation(
  owner: TestUser,
  type: 'direct' | 'group' | 'assistant',
  others: TestUser[] = [],
) {
  const response = await call(`${server.url}/v1/conversations`, {
    token: owner.token,
    body: type === 'assistant' ? { type } : { type, participantIds: others.map((user) => user.id) },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

const isMessage = (content: string) => (event: RealtimeEvent) =>
  event.type === 'message.created' && event.message.content === content;

describe('fan-out', () => {
  it('1:1: a message sent over WS is acked and reaches both users', async () => {
    const [alice, bob] = await Promise.all([signUp(server.url, 'alice'), signUp(server.url, 'bob')]);
    const [a, b] = await Promise.all([connect(alice), connect(bob)]);
    const id = await conversation(alice, 'direct', [bob]);
    await b.waitForEvent((event) => event.type === 'conversation.created');

    a.send({ type: 'message.send', conversationId: id, content: 'hi bob', clientMessageId: 'c1' });
    const ack = await a.waitFor((frame) => frame.type === 'ack');
    expect(ack).toMatchObject({ clientMessageId: 'c1', message: { content: 'hi bob', senderId: alice.id } });
    const received = await b.waitForEvent(isMessage('hi bob'));
    expect(received.event).toMatchObject({
      conversationId: id,
      message: { id: ack.type === 'ack' ? ack.message.id : '' },
    });
    await a.waitForEvent(isMessage('hi bob')); // the sender's own connections get the event too
  });

  it('group: every connection of every participant gets the event, with one seq for all of them', async () => {
    const [owner, m1, m2] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    const id = await conversation(owner, 'group', [m1, m2]);
    const [o, x1, x2, y] = await Promise.all([connect(owner), connect(m1), connect(m1), connect(m2)]);
    await call(`${server.url}/v1/conversations/${id}/messages`, {
      token: owner.token,
      body: { content: 'to all' },
    });
    const frames = await Promise.all(
      [o, x1, x2, y].map((socket) => socket.waitForEvent(isMessage('to all'))),
    );
    // A seq is the event's position in the stream: the same on every connection of every user.
    expect(new Set(frames.map((frame) => frame.seq)).size).toBe(1);
    // …and the bytes too: the frame is encoded once for everybody.
    expect(new Set(frames.map((frame) => JSON.stringify(frame))).size).toBe(1);
    for (const [socket, frame] of [o, x1, x2, y].map((s, i) => [s, frames[i]] as const)) {
      const ready = socket.frames[0];
      // Nothing else happened to these users since they connected but this message (and presence).
      expect(ready?.type).toBe('ready');
      expect(frame?.seq).toBeGreaterThan(ready?.type === 'ready' ? ready.seq : Number.POSITIVE_INFINITY);
    }
  });

  it('message.send is idempotent on clientMessageId: the repeat is acked with the stored message and announced again with the same id', async () => {
    const [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const id = await conversation(alice, 'direct', [bob]);
    const [a, b] = await Promise.all([connect(alice), connect(bob)]);
    a.send({ type: 'message.send', conversationId: id, content: 'once', clientMessageId: 'dup' });
    a.send({ type: 'message.send', conversationId: id, content: 'once', clientMessageId: 'dup' });
    a.send({ type: 'message.send', conversationId: id, content: 'marker', clientMessageId: 'm' });
    await b.waitForEvent(isMessage('marker'));
    const acks = a.frames.filter((frame) => frame.type === 'ack');
    expect(acks.map((ack) => ack.clientMessageId)).toEqual(['dup', 'dup', 'm']); // in order
    expect(acks[0]?.message.id).toBe(acks[1]?.message.id);
    // Announced again (its first attempt may have been stored by a process that died before
    // announcing it): the same message, which receivers drop by id.
    const announced = b.events().filter((frame) => isMessage('once')(frame.event));
    expect(announced).toHaveLength(2);
    const ids = announced.map((frame) =>
      frame.event.type === 'message.created' ? frame.event.message.id : '',
    );
    expect(ids[1]).toBe(ids[0]);
    expect(ids[0]).toBe(acks[0]?.message.id);
  });

  it('a send to a conversation the user is not in is answered with not_found and its ref', async () => {
    const [alice, bob, eve] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    const id = await conversation(alice, 'direct', [bob]);
    const e = await connect(eve);
    e.send({ type: 'message.send', conversationId: id, content: 'let me in', clientMessageId: 'x1' });
    expect(await e.waitFor((frame) => frame.type === 'error')).toMatchObject({
      code: 'not_found',
      ref: 'x1',
    });
  });

  it('an outsider receives nothing of a conversation', async () => {
    const [alice, bob, eve] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    const e = await connect(eve);
    const [a, b] = await Promise.all([connect(alice), connect(bob)]);
    const id = await conversation(alice, 'group', [bob]);
    a.send({ type: 'message.send', conversationId: id, content: 'secret', clientMessageId: 's1' });
    const created = await b.waitForEvent(isMessage('secret'));
    b.send({ type: 'typing', conversationId: id, state: 'start' });
    b.send({
      type: 'read',
      conversationId: id,
      messageId: created.event.type === 'message.created' ? created.event.message.id : '',
    });
    await call(`${server.url}/v1/conversations/${id}`, {
      method: 'PATCH',
      token: alice.token,
      body: { title: 'Plans' },
    });
    await a.waitForEvent((event) => event.type === 'read');
    await b.waitForEvent((event) => event.type === 'conversation.updated');
    e.send({ type: 'ping' });
    await e.waitFor((frame) => frame.type === 'pong');
    expect(e.events()).toEqual([]);
  });
});

describe('typing', () => {
  it('start reaches the others (not the typist) with expiresAt; stop ends it; a start without stop expires', async () => {
    const [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const id = await conversation(alice, 'direct', [bob]);
    const [a, b] = await Promise.all([connect(alice), connect(bob)]);
    a.send({ type: 'typing', conversationId: id, state: 'start' });
    const start = await b.waitForEvent((event) => event.type === 'typing' && event.state === 'start');
    expect(start.event).toMatchObject({ conversationId: id, userId: alice.id });
    expect(start.event.type === 'typing' && Date.parse(start.event.expiresAt ?? '') > Date.now()).toBe(true);
    a.send({ type: 'typing', conversationId: id, state: 'stop' });
    await b.waitForEvent((event) => event.type === 'typing' && event.state === 'stop');

    const before = b.events().length;
    a.send({ type: 'typing', conversationId: id, state: 'start' });
    await b.waitFor(() => b.events().length === before + 1);
    const began = Date.now();
    await b.waitFor(() => b.events().length === before + 2, 2000);
    expect(b.events().at(-1)?.event).toMatchObject({ type: 'typing', state: 'stop', userId: alice.id });
    expect(Date.now() - began).toBeGreaterThanOrEqual(100); // it expired (ttl 200 ms), nobody sent stop
    expect(a.events().filter((frame) => frame.event.type === 'typing')).toEqual([]);
  });
});

describe('presence', () => {
  it('online while a connection is open; a reload within the grace period does not flap; offline after it', async () => {
    const [alice, bob] = await Promise.all([signUp(server.url, 'presence'), signUp(server.url, 'presence')]);
    await conversation(alice, 'direct', [bob]);
    const b = await connect(bob);
    const isAlice = (online: boolean) => (event: RealtimeEvent) =>
      event.type === 'presence' && event.userId === alice.id && event.online === online;
    const onlineOf = async (user: TestUser) => {
      const page = await call(`${server.url}/v1/users?limit=100`, { token: bob.token });
      return page.body.items.find((item: { id: string }) => item.id === user.id)?.online;
    };

    const first = await connect(alice);
    await b.waitForEvent(isAlice(true));
    expect(await onlineOf(alice)).toBe(true);

    await first.close(); // a reload: the next socket comes within the grace period
    const second = await connect(alice);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.events().filter((frame) => isAlice(false)(frame.event))).toEqual([]);
    expect(b.events().filter((frame) => isAlice(true)(frame.event))).toHaveLength(1);

    await second.close();
    await b.waitForEvent(isAlice(false));
    expect(await onlineOf(alice)).toBe(false);
  });
});

describe('read receipts', () => {
  it('a read frame moves the marker and tells the other participants', async () => {
    const [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const id = await conversation(alice, 'direct', [bob]);
    const [a, b] = await Promise.all([connect(alice), connect(bob)]);
    const sent = await call(`${server.url}/v1/conversations/${id}/messages`, {
      token: alice.token,
      body: { content: 'read me' },
    });
    await b.waitForEvent(isMessage('read me'));
    b.send({ type: 'read', conversationId: id, messageId: sent.body.message.id });
    const read = await a.waitForEvent((event) => event.type === 'read');
    expect(read.event).toEqual({
      type: 'read',
      conversationId: id,
      userId: bob.id,
      messageId: sent.body.message.id,
    });
    const list = await call(`${server.url}/v1/conversations/${id}`, { token: bob.token });
    expect(list.body.unreadCount).toBe(0);
  });
});

describe('REST ↔ WS parity', () => {
  it('a REST send arrives over WS; a WS send is visible over REST', async () => {
    const [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const id = await conversation(alice, 'direct', [bob]);
    const [a, b] = await Promise.all([connect(alice), connect(bob)]);
    await call(`${server.url}/v1/conversations/${id}/messages`, {
      token: alice.token,
      body: { content: 'over rest' },
    });
    await b.waitForEvent(isMessage('over rest'));
    b.send({ type: 'message.send', conversationId: id, content: 'over ws', clientMessageId: 'w1' });
    await b.waitFor((frame) => frame.type === 'ack');
    await a.waitForEvent(isMessage('over ws'));
    const page = await call(`${server.url}/v1/conversations/${id}/messages`, { token: alice.token });
    expect(page.body.items.map((message: { content: string }) => message.content)).toEqual([
      'over rest',
      'over ws',
    ]);
    // The same edit, whichever way it came, is an event too.
    const edited = await call(`${server.url}/v1/conversations/${id}/messages/${page.body.items[1].id}`, {
      method: 'PATCH',
      token: bob.token,
      body: { content: 'over ws (edited)' },
    });
    expect(edited.status).toBe(200);
    await a.waitForEvent(
      (event) => event.type === 'message.updated' && event.message.content === 'over ws (edited)',
    );
  });
});

describe('one send, two transports: the same input refused the same way', () => {
  const refusals: [string, Record<string, unknown>, string[]][] = [
    ['empty content', { content: '' }, ['content']],
    ['blank content', { content: '  \n ' }, ['content']],
    ['content over the byte limit', { content: 'é'.repeat(9000) }, ['content']],
    ['content with U+0000, which PostgreSQL cannot store', { content: 'a\u0000b' }, ['content']],
    ['a model in a human conversation', { content: 'hi', model: 'echo' }, ['model']],
  ];
  for (const [what, input, fields] of refusals) {
    it(`${what}: validation_failed at ${fields.join(', ')} over REST and over WS; nothing stored`, async () => {
      const [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const id = await conversation(alice, 'direct', [bob]);
      const rest = await call(`${server.url}/v1/conversations/${id}/messages`, {
        token: alice.token,
        body: input,
      });
      expect(rest.status).toBe(400);
      expect(rest.body.error.code).toBe('validation_failed');
      const restPaths = rest.body.error.details.map((detail: { path: string[] }) => detail.path.join('.'));
      expect(restPaths).toEqual(fields.map((field) => `body.${field}`));

      const a = await connect(alice);
      a.send({ type: 'message.send', conversationId: id, clientMessageId: 'bad-1', ...input } as never);
      const error = await a.waitFor((frame) => frame.type === 'error' && frame.ref === 'bad-1');
      expect(error).toMatchObject({ code: 'validation_failed' });
      const wsPaths = error.type === 'error' ? error.details?.map((detail) => detail.path.join('.')) : [];
      expect(wsPaths).toEqual(fields);
      const page = await call(`${server.url}/v1/conversations/${id}/messages`, { token: alice.token });
      expect(page.body.items).toEqual([]);
    });
  }
});

describe('assistant replies', () => {
  it('a second tab of the same user sees the reply stream (started, deltas, completed)', async () => {
    const alice = await signUp(server.url);
    const id = await conversation(alice, 'assistant');
    const secondTab = await connect(alice);
    const sent = await call(`${server.url}/v1/conversations/${id}/messages`, {
      token: alice.token,
      body: { content: 'echo this please' },
    });
    expect(sent.status).toBe(201);
    const done = await secondTab.waitForEvent((event) => event.type === 'message.completed');
    const types = secondTab.events().map((frame) => frame.event.type);
    expect(types.slice(0, 2)).toEqual(['message.created', 'message.started']);
    const deltas = secondTab
      .events()
      .flatMap((frame) => (frame.event.type === 'message.delta' ? [frame.event] : []));
    expect(deltas.length).toBeGreaterThan(0);
    const text = deltas.map((delta) => delta.delta).join('');
    expect(done.event.type === 'message.completed' && done.event.message.content).toBe(text);
    expect(text).toBe(sent.body.reply.content);
    // seqs only increase: nothing doubled or reordered (the deltas, joined, are the reply: nothing lost)
    const seqs = secondTab.events().map((frame) => frame.seq);
    for (let i = 1; i < seqs.length; i += 1) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
  });

  it('a message sent over WS in an assistant conversation is answered too', async () => {
    const alice = await signUp(server.url);
    const id = await conversation(alice, 'assistant');
    const a = await connect(alice);
    a.send({ type: 'message.send', conversationId: id, content: 'hello assistant', clientMessageId: 'q1' });
    await a.waitFor((frame) => frame.type === 'ack');
    const done = await a.waitForEvent((event) => event.type === 'message.completed');
    expect(done.event.type === 'message.completed' && done.event.message.status).toBe('complete');
  });
});
