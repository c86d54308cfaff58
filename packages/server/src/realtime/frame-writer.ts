/**
 * Writing one encoded text message to many WebSockets: fan-out's innermost loop.
 *
 * `socket.send` frames every message itself: per socket an options object (two, inside `ws`), a
 * header buffer, and a cork / two writes / uncork. A fan-out sends the same bytes to every socket,
 * so the message is framed once per publish instead — `ws`'s own `Sender.frame`, header and
 * payload joined into one buffer — and that buffer is written to each socket's TCP socket. This
 * is what engine.io does for Socket.IO's pre-encoded packets (`wsPreEncodedFrame`).
 *
 * It relies on `ws` internals, so it is checked and has a fallback with the same bytes on the wire:
 * - once, at load: `Sender.frame` exists and frames short and 16-bit-length messages exactly as
 *   RFC 6455 §5.2 says; otherwise no message gets a pre-built frame;
 * - per write: the socket exposes its TCP socket (`_socket`) and its sender has nothing queued
 *   (`_sender._bufferedBytes === 0`, e.g. no compression in progress), so a direct write cannot
 *   overtake a frame `ws` holds back; otherwise `socket.send(payload)`.
 * Both keep `socket.bufferedAmount` right (it reads the TCP socket's queue), which the slow-consumer
 * check depends on.
 */

import type { WebSocket } from 'ws';
import * as wsModule from 'ws';

/** A text message encoded once for every socket it goes to. */
export interface OutgoingFrame {
  /** The UTF-8 message: what `socket.send` takes. */
  readonly payload: Buffer;
  /** The whole WebSocket frame (header + payload), or `null` to send `payload` through `ws`. */
  readonly wire: Buffer | null;
}

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}
type FrameFunction = (data: Buffer, options: FrameOptions) => Buffer[];

/** What a write needs of a `ws` socket's internals. */
interface SocketInternals {
  _socket?: { write(chunk: Buffer): boolean } | null;
  _sender?: { _bufferedBytes?: number } | null;
}

// Unmasked (server to client), final, text; `readOnly`: the payload is shared, never modified.
const frameOptions: FrameOptions = { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false };
// One options object for every fallback send: `ws` copies it, the hot loop allocates nothing for it.
const sendOptions = { compress: false, binary: false } as const;

/** `ws`'s `Sender.frame` if it exists and frames as the RFC says, else `null`. */
export function findFrameFunction(module: unknown = wsModule): FrameFunction | null {
  const sender = (module as { Sender?: { frame?: unknown } } | null)?.Sender;
  if (typeof sender?.frame !== 'function') return null;
  const frame = sender.frame.bind(sender) as FrameFunction;
  const long = Buffer.alloc(200, 0x61);
  try {
    const short = Buffer.concat(frame(Buffer.from('ok'), frameOptions));
    const medium = Buffer.concat(frame(long, frameOptions));
    const expected = Buffer.concat([Buffer.from([0x81, 126, 0, 200]), long]);
    if (short.equals(Buffer.from([0x81, 2, 0x6f, 0x6b])) && medium.equals(expected)) return frame;
  } catch {
    // A changed signature: fall back below.
  }
  return null;
}

const frameOnce = findFrameFunction();

/** Whether messages get a pre-built frame in this process (`ws`'s internals passed the check). */
export const framesOnce: boolean = frameOnce !== null;

/**
 * Encodes a text message once for many sockets.
 *
 * @example
 * ```ts
 * const frame = prepareFrame(Buffer.from(JSON.stringify(message)));
 * for (const socket of sockets) writeFrame(socket, frame);
 * ```
 */
export function prepareFrame(payload: Buffer, options: { frameOnce?: boolean } = {}): OutgoingFrame {
  if (frameOnce === null || options.frameOnce === false) return { payload, wire: null };
  const parts = frameOnce(payload, frameOptions);
  const wire = Buffer.concat(parts);
  // The payload as a view into the frame: one copy of the bytes for both paths.
  return { payload: wire.subarray(wire.length - payload.length), wire };
}

/** Writes the message to an open socket: the pre-built frame when safe, else through `ws`. */
export function writeFrame(socket: WebSocket, frame: OutgoingFrame): void {
  const internals = socket as unknown as SocketInternals;
  const tcp = internals._socket;
  if (frame.wire !== null && tcp && internals._sender?._bufferedBytes === 0) tcp.write(frame.wire);
  else socket.send(frame.payload, sendOptions);
}
