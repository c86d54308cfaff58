/**
 * Delivery: the broker's messages to every open connection of every recipient. A publish takes
 * one stream seq, and its `event` frame is encoded (and WebSocket-framed) once, lazily, when the
 * first recipient served here is found; every recipient's replay buffer keeps a reference to that
 * one entry, and every socket gets the same bytes (frame-writer.ts). Per socket only a write —
 * never awaited, uncompressed — then a look at `bufferedAmount` (no allocation): a consumer that
 * does not keep up is cut off (4008) instead of growing this process's memory without bound.
 * Several publishes in one tick (a group commit's messages) leave in one write per socket
 * (write-coalescer.ts).
 */
import { WebSocket } from 'ws';
import type { BrokerMessage } from '../broker/broker.js';
import { CloseCode } from './close-codes.js';
import type { Connection } from './connection.js';
import type { EventLogs, StreamEntry } from './event-log.js';
import { type OutgoingFrame, writeFrame } from './frame-writer.js';
import { encodeEventFrame } from './frames.js';
import { createWriteCoalescer } from './write-coalescer.js';

/** Open, authenticated connections by user. */
export interface ConnectionRegistry {
  add(connection: Connection & { userId: string }): void;
  remove(connection: Connection): boolean;
  of(userId: string): readonly Connection[] | undefined;
}

export function createConnectionRegistry(): ConnectionRegistry {
  // Arrays, not Sets: most users have one or two connections, and a one-element array costs a
  // fraction of a Set's memory (per idle socket, it shows).
  const byUser = new Map<string, Connection[]>();
  return {
    add(connection) {
      const list = byUser.get(connection.userId);
      if (list) list.push(connection);
      else byUser.set(connection.userId, [connection]);
    },
    remove(connection) {
      if (connection.userId === null) return false;
      const list = byUser.get(connection.userId);
      const index = list ? list.indexOf(connection) : -1;
      if (!list || index < 0) return false;
      list.splice(index, 1);
      if (list.length === 0) byUser.delete(connection.userId);
      return true;
    },
    of: (userId) => byUser.get(userId),
  };
}

// One options object for every control-frame send: `ws` copies it, nothing is allocated for it.
const sendOptions = { compress: false } as const;

export interface Sender {
  /** Sends one (rare, per-connection) frame, unless closing; cuts off a slow consumer. */
  send(connection: Connection, frame: string): void;
  /** Sends a frame encoded once for many connections, unless closing; cuts off a slow consumer. */
  sendShared(connection: Connection, frame: OutgoingFrame): void;
  /** A publish is being delivered: from the second in a tick, each socket's writes are coalesced. */
  publishing(): void;
}

export function createSender(options: { maxBufferedBytes: number; closeTimeoutMs: number }): Sender {
  function cutOff(socket: WebSocket): void {
    // The close frame queues behind the data the peer is not reading, so it may never arrive:
    // terminate shortly after rather than waiting for ws's 30 s close timeout.
    socket.close(CloseCode.slowConsumer, 'slow consumer: reconnect and resume');
    setTimeout(() => socket.terminate(), options.closeTimeoutMs).unref();
  }
  const coalescer = createWriteCoalescer();
  return {
    publishing: coalescer.publishing,
    send(connection, frame) {
      const { socket } = connection;
      if (socket.readyState !== WebSocket.OPEN) return;
      coalescer.beforeWrite(socket);
      socket.send(frame, sendOptions);
      if (socket.bufferedAmount > options.maxBufferedBytes) cutOff(socket);
    },
    sendShared(connection, frame) {
      const { socket } = connection;
      if (socket.readyState !== WebSocket.OPEN) return;
      coalescer.beforeWrite(socket);
      writeFrame(socket, frame);
      if (socket.bufferedAmount > options.maxBufferedBytes) cutOff(socket);
    },
  };
}

/** The broker listener: one seq per publish; the shared entry goes to each recipient's buffer and sockets. */
export function createFanout(deps: {
  registry: ConnectionRegistry;
  logs: EventLogs<OutgoingFrame>;
  sender: Sender;
}) {
  const { registry, logs, sender } = deps;
  return (message: BrokerMessage, position?: number): void => {
    // Taken even when nobody here is a recipient: a buffer opened later must start above it.
    // A shared broker's position makes it the same seq in every process.
    const seq = logs.next(position);
    sender.publishing();
    let entry: StreamEntry<OutgoingFrame> | undefined;
    for (const userId of message.recipients) {
      const log = logs.get(userId);
      if (!log) continue; // not connected here, not recently: nothing to deliver or to keep
      entry ??= logs.entry(seq, encodeEventFrame(seq, message.event));
      logs.record(log, entry);
      const connections = registry.of(userId);
      if (!connections) continue; // disconnected a moment ago: buffered for a resume
      for (const connection of connections) sender.sendShared(connection, entry.frame);
    }
  };
}
