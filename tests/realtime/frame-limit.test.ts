/**
 * The server's WebSocket frame limit (64 KiB by default, told in `ready.maxFrameBytes`) through
 * the SDK, against a real server: a send over it is refused by the client before it goes out —
 * the server would close the socket on it (1009) — and the sends behind it are stored as usual.
 */
import { RealtimeError } from '@chatwire/sdk';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SignedIn, signUp } from '../support/clients.js';
import { closeLive, type Live, live } from '../support/live.js';

afterEach(closeLive);

/** `promise`, or a failure after `ms`: without the limit, a send over it never settles. */
function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Opens Ada's connection and records what would show a 1009: closes of its socket, status changes. */
async function openRecording(ada: SignedIn) {
  const a = live(ada.client);
  await a.until('open');
  const closes: number[] = [];
  a.sockets[0]?.once('close', (code) => closes.push(code));
  const statuses: string[] = [];
  a.connection.on('status', (status) => statuses.push(status));
  return { a, closes, statuses };
}

/** A big message, then a normal one right behind it: what each came to. */
async function sendBigThenNormal(a: Live, conversationId: string, bigContent: string) {
  const big = a.connection.send({ conversationId, content: bigContent, clientMessageId: 'ada-big' });
  const normal = a.connection.send({
    conversationId,
    content: 'right behind it',
    clientMessageId: 'ada-next',
  });
  const refusal = await within(
    big.then(
      () => 'sent',
      (error: unknown) => error,
    ),
  );
  return { refusal, stored: await within(normal) };
}

describe.each([
  { limit: 64 * 1024, options: {}, bigContent: 'x'.repeat(70_000), label: 'the default 64 KiB' },
  // Within the option's default and the content limit, but over what this server's `ready` says.
  {
    limit: 8192,
    options: { limits: { wsFrameBytes: 8192 } },
    bigContent: 'x'.repeat(10_000),
    label: '8 KiB',
  },
])('a send over the server’s frame limit ($label)', ({ limit, options, bigContent }) => {
  let server: TestServer;
  let ada: SignedIn;
  let bob: SignedIn;
  beforeAll(async () => {
    server = await startTestServer(options);
  });
  beforeEach(async () => {
    [ada, bob] = await Promise.all([signUp(server.url, 'ada'), signUp(server.url, 'bob')]);
  });
  afterAll(() => server?.close());

  it('rejects at once with payload_too_large, the socket stays up, and the next send is stored', async () => {
    const { id } = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    const { a, closes, statuses } = await openRecording(ada);

    const { refusal, stored } = await sendBigThenNormal(a, id, bigContent);
    expect(RealtimeError.isInstance(refusal)).toBe(true);
    expect(refusal).toMatchObject({ code: 'payload_too_large', ref: 'ada-big' });
    expect((refusal as Error).message).toContain(`at most ${limit}`);
    expect(stored).toMatchObject({ content: 'right behind it', clientMessageId: 'ada-next' });

    const history = await bob.client.messages.list(id);
    expect(history.items.map((message) => message.content)).toEqual(['right behind it']);
    // Never written: no 1009, no reconnect.
    expect(closes).toEqual([]);
    expect(statuses).toEqual([]);
    expect(a.sockets).toHaveLength(1);
    expect(a.connection.status).toBe('open');
  });
});

describe('a send the server refuses as invalid', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('rejects with validation_failed and the fields at fault, as a REST send reports them', async () => {
    const [ada, bob] = await Promise.all([signUp(server.url, 'ada'), signUp(server.url, 'bob')]);
    const { id } = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    const { a } = await openRecording(ada);
    const refusal = await within(
      a.connection.send({ conversationId: id, content: '   ' }).then(
        () => 'sent',
        (error: unknown) => error,
      ),
    );
    expect(RealtimeError.isInstance(refusal)).toBe(true);
    expect(refusal).toMatchObject({ code: 'validation_failed', details: [{ path: ['content'] }] });
    const rest = await ada.client.messages.send(id, { content: '   ' }).catch((error: unknown) => error);
    expect(rest).toMatchObject({ code: 'validation_failed', details: [{ path: ['body', 'content'] }] });
  });
});
