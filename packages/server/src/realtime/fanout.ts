/**
 * Delivery: the broker's messages to every open connection of every recipient, each frame
 * stamped with the recipient's next seq. The event is serialized once per publish; per user only
 * a string concatenation happens (`eventFrame`), and per socket only `send` — never awaited, with
 * `compress: false` — followed by a look at `bufferedAmount`: a consumer that does not keep up is
 * cut off (4008) instead of growing this process's memory without bound.
 */
import { WebSocket } from 'ws';
import type { BrokerMessage } from '../events/broker.js';
import { CloseCode } from './close-codes.js';
import type { Connection } from './connection.js';
import type { EventLogs } from './event-log.js';
import { eventFrame } from './frames.js';

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

// One options object for every send: `ws` copies it, and the hot loop allocates nothing for it.
const sendOptions = { compress: false } as const;

export interface Sender {
  /** Sends one frame to one connection, unless closing; cuts off a slow consumer. */
  send(connection: Connection, frame: string): void;
}

export function createSender(options: { maxBufferedBytes: number; closeTimeoutMs: number }): Sender {
  function cutOff(socket: WebSocket): void {
    // The close frame queues behind the data the peer is not reading, so it may never arrive:
    // terminate shortly after rather than waiting for ws's 30 s close timeout.
    socket.close(CloseCode.slowConsumer, 'slow consumer: reconnect and resume');
    setTimeout(() => socket.terminate(), options.closeTimeoutMs).unref();
  }
  return {
    send(connection, frame) {
      const { socket } = connection;
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(frame, sendOptions);
      if (socket.bufferedAmount > options.maxBufferedBytes) cutOff(socket);
    },
  };
}

/** The broker listener: logs each event for each recipient that has a log, and delivers it. */
export function createFanout(deps: { registry: ConnectionRegistry; logs: EventLogs; sender: Sender }) {
  const { registry, logs, sender } = deps;
  return (message: BrokerMessage): void => {
    let json: string | undefined;
    for (const userId of message.recipients) {
      const log = logs.get(userId);
      if (!log) continue; // not connected here, not recently: nothing to deliver or to keep
      json ??= JSON.stringify(message.event);
      const frame = eventFrame(logs.append(log, json), json);
      const connections = registry.of(userId);
      if (!connections) continue; // disconnected a moment ago: buffered for a resume
      for (const connection of connections) sender.send(connection, frame);
    }
  };
}
