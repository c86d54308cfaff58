import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { findFrameFunction, framesOnce, prepareFrame, writeFrame } from './frame-writer.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server-side socket and a client that records every text message it receives. */
async function pair(): Promise<{
  server: WebSocket;
  received: string[];
  waitFor(count: number): Promise<void>;
}> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  let onMessage = () => {};
  client.on('message', (data, isBinary) => {
    expect(isBinary).toBe(false);
    received.push(String(data));
    onMessage();
  });
  await new Promise((resolve) => client.once('open', resolve));
  const server = await accepted;
  cleanups.push(async () => {
    client.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });
  return {
    server,
    received,
    waitFor: (count) =>
      new Promise<void>((resolve) => {
        onMessage = () => received.length >= count && resolve();
        onMessage();
      }),
  };
}

const text = (length: number, fill = 'é') => fill.repeat(length).slice(0, length);

describe('frame writer', () => {
  it('frames once with this ws: the wire bytes are a header + the payload, which is a view into them', () => {
    expect(framesOnce).toBe(true);
    const payload = Buffer.from('{"type":"event"}');
    const frame = prepareFrame(payload);
    expect(frame.wire).toEqual(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
    expect(frame.payload).toEqual(payload);
    expect(frame.payload.buffer).toBe(frame.wire?.buffer);
    expect(prepareFrame(payload, { frameOnce: false })).toEqual({ payload, wire: null });
  });

  it('refuses a ws without Sender.frame, or one that frames differently (the fallback is used)', () => {
    expect(findFrameFunction({})).toBeNull();
    expect(findFrameFunction(null)).toBeNull();
    expect(findFrameFunction({ Sender: { frame: () => [Buffer.from([0x01])] } })).toBeNull();
    expect(
      findFrameFunction({
        Sender: {
          frame: () => {
            throw new TypeError('changed');
          },
        },
      }),
    ).toBeNull();
  });

  it('both paths deliver the same messages, in order with ws’s own sends, for every length form', async () => {
    const { server, received, waitFor } = await pair();
    const sent: string[] = [];
    // 7-bit, 16-bit and 64-bit payload lengths, multi-byte UTF-8, each pre-framed and not.
    for (const length of [0, 2, 125, 126, 200, 65_535, 70_000]) {
      for (const frameOnce of [true, false]) {
        const message = text(length);
        writeFrame(server, prepareFrame(Buffer.from(message), { frameOnce }));
        sent.push(message);
        const control = `control ${length} ${frameOnce}`;
        server.send(control); // through ws: must not be overtaken or interleaved
        sent.push(control);
      }
    }
    await waitFor(sent.length);
    expect(received).toEqual(sent);
  });

  it('falls back to socket.send when ws has frames queued, or exposes no TCP socket', () => {
    const frame = prepareFrame(Buffer.from('hi'));
    const make = <T extends object>(internals: T) => ({ ...internals, send: vi.fn() });

    const queued = make({ _socket: { write: vi.fn() }, _sender: { _bufferedBytes: 10 } });
    writeFrame(queued as unknown as WebSocket, frame);
    expect(queued.send).toHaveBeenCalledWith(frame.payload, { compress: false, binary: false });
    expect(queued._socket.write).not.toHaveBeenCalled();

    const opaque = make({});
    writeFrame(opaque as unknown as WebSocket, frame);
    expect(opaque.send).toHaveBeenCalledTimes(1);

    const idle = make({ _socket: { write: vi.fn() }, _sender: { _bufferedBytes: 0 } });
    writeFrame(idle as unknown as WebSocket, frame);
    expect(idle._socket.write).toHaveBeenCalledWith(frame.wire);
    expect(idle.send).not.toHaveBeenCalled();
  });

  it('direct writes count in bufferedAmount (the slow-consumer check reads it)', async () => {
    const { server } = await pair();
    // More than loopback socket buffers take at once (tcp_wmem + rmem maxima are a few MiB).
    const frame = prepareFrame(Buffer.alloc(16 << 20, 0x61));
    writeFrame(server, frame);
    expect(server.bufferedAmount).toBeGreaterThan(0);
  });
});
