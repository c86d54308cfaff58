/**
 * SDK real-time connections for journeys, opened with the server's `ws` so a test can cut one off
 * (`terminate`: no close frame, what a lost network looks like), recording what they receive.
 */
import { createRequire } from 'node:module';
import type {
  ChatwireClient,
  RealtimeConnection,
  RealtimeEvent,
  RealtimeOptions,
  WebSocketLike,
} from '@chatwire/sdk';

export type NodeSocket = WebSocketLike & {
  terminate(): void;
  once(event: 'close', listener: (code: number) => void): unknown;
};
type NodeSocketConstructor = new (url: string, options?: object) => NodeSocket;

// The SDK loads `ws` by itself on Node 20; here we open the sockets ourselves, to be able to cut
// one off (`terminate`, no close frame: what a lost network looks like). `ws` is the server's.
const requireFromServer = createRequire(new URL('../../packages/server/package.json', import.meta.url));
const { WebSocket: NodeWebSocket } = requireFromServer('ws') as { WebSocket: NodeSocketConstructor };

/** A live connection with what it received, and its raw sockets (the newest last). */
export interface Live {
  connection: RealtimeConnection;
  events: Array<{ event: RealtimeEvent; seq: number }>;
  sockets: NodeSocket[];
  resyncs: number;
  /** The first event (received or to come) matching `match`. */
  next(match: (event: RealtimeEvent) => boolean, timeoutMs?: number): Promise<RealtimeEvent>;
  /** Resolves once the status is `status` (at once if it is). */
  until(status: RealtimeConnection['status'], timeoutMs?: number): Promise<void>;
}

const opened: RealtimeConnection[] = [];

/** Closes `connection` with the others after the test (for connections opened without `live`). */
export function closeAfterTest(connection: RealtimeConnection): void {
  opened.push(connection);
}

/** Closes every connection `live` opened (call it after each test). */
export function closeLive(): void {
  for (const connection of opened.splice(0)) connection.close();
}

export function live(client: ChatwireClient, options: RealtimeOptions = {}): Live {
  const sockets: NodeSocket[] = [];
  const connection = client.realtime({
    webSocketFactory: (url) => {
      const socket = new NodeWebSocket(url, { perMessageDeflate: false });
      sockets.push(socket);
      return socket;
    },
    // Fast reconnects: the backoff itself is unit-tested with fake timers.
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    ...options,
  });
  opened.push(connection);
  const result: Live = {
    connection,
    events: [],
    sockets,
    resyncs: 0,
    next: (match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const seen = result.events.find((entry) => match(entry.event));
        if (seen) return resolve(seen.event);
        const timer = setTimeout(() => {
          off();
          reject(new Error(`no matching event within ${timeoutMs} ms`));
        }, timeoutMs);
        const off = connection.on('event', (event) => {
          if (!match(event)) return;
          clearTimeout(timer);
          off();
          resolve(event);
        });
      }),
    until: (status, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        if (connection.status === status) return resolve();
        const timer = setTimeout(() => {
          off();
          reject(new Error(`status ${connection.status}, not ${status}, after ${timeoutMs} ms`));
        }, timeoutMs);
        const off = connection.on('status', (next) => {
          if (next !== status) return;
          clearTimeout(timer);
          off();
          resolve();
        });
      }),
  };
  connection.on('event', (event, seq) => result.events.push({ event, seq }));
  connection.on('resync', () => result.resyncs++);
  return result;
}
