/**
 * The public face of the real-time connection: its options, listeners and methods.
 */
import type { RealtimeEvent, RealtimeEventOf, RealtimeEventType } from '../contracts/events.js';
import type { SendMessageInput } from '../contracts/inputs.js';
import type { Message } from '../contracts/resources.js';
import type { ReconnectOptions } from './backoff.js';
import type { WebSocketFactory } from './web-socket.js';

/**
 * `connecting` (the first connection), `open` (authenticated: events flow, sends go out at once),
 * `reconnecting` (dropped, or the first attempt failed: waiting for, or making, the next attempt),
 * `closed` (for good: `close()` was called, the session ended, or reconnecting was given up).
 */
export type RealtimeStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Timers the connection (and the chat store) schedules with; injectable in tests. Default: the global ones. */
export interface RealtimeTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of `client.realtime()`. Every one has a default. */
export interface RealtimeOptions {
  /** Opens the socket. Default: the global `WebSocket`, or the `ws` package where there is none (Node 20). */
  webSocketFactory?: WebSocketFactory;
  /** Backoff between reconnects; see {@link ReconnectOptions} for each default (1 s ×2 up to 30 s, ±50 %). */
  reconnect?: Partial<ReconnectOptions>;
  /** After this long without any frame from the server, send a `ping`, ms. Default `25000`. */
  pingIntervalMs?: number;
  /** No frame this long after a `ping`: the connection is dead, reconnect, ms. Default `10000`. */
  pongTimeoutMs?: number;
  /** Time allowed from the start of an attempt to the server's `ready`, ms. Default `20000`. */
  connectTimeoutMs?: number;
  /**
   * The largest frame the server takes, in bytes of UTF-8 JSON, until its first `ready` tells its
   * own limit (`maxFrameBytes`), which is used from then on. A send whose frame is larger rejects
   * at once with code `payload_too_large` and is never sent: the server would close the socket on
   * it (1009). Default `65536`, the reference server's limit.
   */
  maxFrameBytes?: number;
  /** Default: the global `setTimeout`/`clearTimeout`. */
  timers?: RealtimeTimers;
  /** Random numbers in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

/** What `ready` tells: the signed-in user, the head of their event stream, and who is online. */
export interface RealtimeReady {
  userId: string;
  seq: number;
  /** Who among the people sharing a conversation with the user is online now (capped by the server). */
  presence: string[];
}

/** The listener of each name {@link RealtimeConnection.on} takes. */
export type RealtimeListeners = {
  /** One event type, e.g. `'message.created'`; `seq` is its position in the user's stream. */
  [T in RealtimeEventType]: (event: RealtimeEventOf<T>, seq: number) => void;
} & {
  /** Every event, whatever its type (e.g. to feed one reducer). */
  event: (event: RealtimeEvent, seq: number) => void;
  /** Authenticated, on every (re)connection. */
  ready: (ready: RealtimeReady) => void;
  /** Events were missed and are no longer buffered on the server: refetch what you show over REST. */
  resync: () => void;
  /** The status changed. */
  status: (status: RealtimeStatus) => void;
  /**
   * A server `error` frame not tied to a send, a malformed frame (`RealtimeError`), or why the
   * connection closed for good (then `status` is `closed`).
   */
  error: (error: Error) => void;
};

/**
 * What {@link RealtimeConnection.send} takes: what the REST send takes (`content`, `attachments`
 * — uploads from `client.files.upload` — and `model` for this one reply in an assistant
 * conversation), and the conversation.
 */
export interface RealtimeSendInput extends Omit<SendMessageInput, 'content'> {
  conversationId: string;
  /** The text; may be left out when the message attaches files. */
  content?: string | undefined;
  /** Generated when absent. Give your own to match an optimistic message to the stored one. */
  clientMessageId?: string;
}

/**
 * A real-time connection to the server: live events for every conversation the user takes part
 * in, and sends over the same socket. It reconnects by itself (backoff with jitter), resumes
 * where it left off without gaps or duplicates, and queues sends made while offline.
 *
 * @example
 * ```ts
 * const live = client.realtime();
 * live.on('message.created', (event) => render(event.message));
 * live.on('typing', (event) => showTyping(event.userId, event.state));
 * live.on('resync', () => refetchConversations());
 * live.on('status', (status) => setBanner(status === 'open' ? null : status));
 * const message = await live.send({ conversationId, content: 'Hi!' });
 * live.close();
 * ```
 */
export interface RealtimeConnection {
  /** The current status; listen to `'status'` for changes. */
  readonly status: RealtimeStatus;
  /** The seq of the last event delivered (what a reconnect resumes from); `undefined` before `ready`. */
  readonly lastSeq: number | undefined;
  /**
   * Listens to an event type (typed by it), or to `event`, `ready`, `resync`, `status`, `error`.
   * Listeners stay across reconnects. Returns a function that removes the listener.
   */
  on<K extends keyof RealtimeListeners>(type: K, listener: RealtimeListeners[K]): () => void;
  /**
   * Sends a message; resolves with the stored message when the server acknowledges it, rejects
   * with a `RealtimeError` carrying the server's `code` when it refuses it. While offline the send
   * is queued and goes out after the reconnect, in order; it is re-sent under the same
   * `clientMessageId` when a drop lost its ack, and the server stores it once. Sending the same
   * `clientMessageId` again while it waits returns the same promise. Rejects with code `closed`
   * when the connection closes for good first.
   *
   * A message whose frame is over the server's limit (`ready.maxFrameBytes`, 64 KiB by default;
   * see {@link RealtimeOptions.maxFrameBytes}) rejects at once with code `payload_too_large`,
   * unsent, and the sends behind it go on. One queued offline is checked again at the reconnect.
   */
  send(input: RealtimeSendInput): Promise<Message>;
  /** Says you started or stopped typing. Not queued: dropped while not `open`, as it would be stale. */
  typing(conversationId: string, state: 'start' | 'stop'): void;
  /** Marks `messageId` read. While offline, the latest per conversation is kept and sent on reconnect. */
  markRead(conversationId: string, messageId: string): void;
  /** Closes the connection for good: no reconnect; waiting sends reject with code `closed`. */
  close(): void;
}
