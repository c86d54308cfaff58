import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSse } from './sse.js';

let app: FastifyInstance;
beforeEach(() => {
  app = Fastify();
});
afterEach(async () => {
  await app.close();
});

describe('openSse', () => {
  it('writes events sent together at once, in one write with the head: not a turn of the loop later', async () => {
    let writesBeforeNextTurn = -1;
    app.get('/stream', async (_request, reply) => {
      const writes: string[] = [];
      const write = reply.raw.write.bind(reply.raw);
      reply.raw.write = ((chunk: string, ...rest: never[]) => {
        writes.push(String(chunk));
        return write(chunk, ...rest);
      }) as typeof reply.raw.write;
      const stream = openSse(reply);
      stream.send({ type: 'message.created' });
      stream.send({ type: 'message.started' });
      // Whatever the process does next (a store write, the next network read) comes after the
      // events already sent: the first delta never waits for it.
      await Promise.resolve();
      await Promise.resolve();
      writesBeforeNextTurn = writes.length;
      await new Promise((resolve) => setImmediate(resolve));
      stream.send({ type: 'message.completed' });
      stream.end();
      return reply;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const response = await fetch(`http://127.0.0.1:${port}/stream`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    expect(writesBeforeNextTurn).toBe(1);
    expect(text).toBe(
      'event: message.created\ndata: {"type":"message.created"}\n\n' +
        'event: message.started\ndata: {"type":"message.started"}\n\n' +
        'event: message.completed\ndata: {"type":"message.completed"}\n\n',
    );
  });

  it('hands the events to the socket before the rest of the microtask queue runs, not at the next tick', async () => {
    let unsentBeforeNextTick = -1;
    let corkedBeforeNextTick = -1;
    app.get('/stream', async (_request, reply) => {
      const stream = openSse(reply);
      stream.send({ type: 'message.part' });
      // Still in the microtask queue, as a provider's read handled in one go is (its deltas, then
      // the reply's completion stored): Node's response write corks the socket until its next
      // `process.nextTick`, which waits for this queue to drain.
      await Promise.resolve();
      await Promise.resolve();
      const socket = reply.raw.socket;
      unsentBeforeNextTick = socket?.writableLength ?? -1;
      corkedBeforeNextTick = socket?.writableCorked ?? -1;
      stream.end();
      return reply;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const text = await (await fetch(`http://127.0.0.1:${port}/stream`)).text();
    expect(text).toBe('event: message.part\ndata: {"type":"message.part"}\n\n');
    expect(corkedBeforeNextTick).toBe(0);
    expect(unsentBeforeNextTick).toBe(0);
  });
});
