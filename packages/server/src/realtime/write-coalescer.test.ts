/**
 * Bursts of publishes leave in one write per socket: from the second publish of a tick, a socket's
 * frames are held (corked) until the tick ends, then go out together, in order. A lone publish is
 * written at once. Real `ws` sockets on 127.0.0.1; what is counted is the TCP socket's writes.
 */
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { prepareFrame, writeFrame } from './frame-writer.js';
import { createWriteCoalescer } from './write-coalescer.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server-side socket whose TCP writes are counted, and a client that records what it receives. */
async function pair() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise((resolve) => client.once('open', resolve));
  const server = await accepted;
  cleanups.push(async () => {
    client.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });
  const tcp = (server as unknown as { _socket: Socket & Record<string, unknown> })._socket;
  const counts = { writes: 0 };
  for (const method of ['_write', '_writev'] as const) {
    const original = tcp[method] as (...args: unknown[]) => unknown;
    tcp[method] = (...args: unknown[]) => {
      counts.writes += 1;
      return original.apply(tcp, args);
    };
  }
  const until = async (count: number) => {
    while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { server, tcp, received, counts, until };
}

const frame = (text: string) => prepareFrame(Buffer.from(text));

describe('write coalescing', () => {
  it('sends the frames of a burst in one write per socket, in order, once the tick ends', async () => {
    const { server, tcp, received, counts, until } = await pair();
    const coalescer = createWriteCoalescer();
    for (const text of ['one', 'two', 'three', 'four']) {
      coalescer.publishing();
      coalescer.beforeWrite(server);
      writeFrame(server, frame(text));
    }
    // The first went out at once; the rest are held until the tick's work is done.
    expect(tcp.writableCorked).toBe(1);
    await until(4);
    expect(received).toEqual(['one', 'two', 'three', 'four']);
    expect(tcp.writableCorked).toBe(0);
    expect(counts.writes).toBe(2);
  });

  it('holds frames sent through ws (acks, errors) in the same burst, in order', async () => {
    const { server, received, counts, until } = await pair();
    const coalescer = createWriteCoalescer();
    coalescer.publishing();
    writeFrame(server, frame('event 1'));
    coalescer.publishing();
    coalescer.beforeWrite(server);
    writeFrame(server, frame('event 2'));
    coalescer.beforeWrite(server);
    server.send('ack', { compress: false });
    await until(3);
    expect(received).toEqual(['event 1', 'event 2', 'ack']);
    expect(counts.writes).toBe(2);
  });

  it('writes a lone publish at once, each tick on its own', async () => {
    const { server, tcp, received, counts, until } = await pair();
    const coalescer = createWriteCoalescer();
    for (const text of ['a', 'b']) {
      coalescer.publishing();
      coalescer.beforeWrite(server);
      writeFrame(server, frame(text));
      expect(tcp.writableCorked).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(2);
    expect(received).toEqual(['a', 'b']);
    expect(counts.writes).toBe(2);
  });
});
