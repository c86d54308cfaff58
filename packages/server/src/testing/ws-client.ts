/**
 * A small WebSocket client for real-time tests: connects to `/v1/realtime`, authenticates, keeps
 * every frame it receives (validated against the `ServerFrame` contract), and waits for frames.
 */
import { type ClientFrame, type RealtimeEvent, ServerFrame } from '@chatwire/sdk/contracts';
import WebSocket from 'ws';
import { call, newAccount } from './http.js';

type EventFrame = Extract<ServerFrame, { type: 'event' }>;

export interface TestSocket {
  readonly ws: WebSocket;
  /** Every frame received, in order. */
  readonly frames: ServerFrame[];
  /** The `event` frames received, in order. */
  events(): EventFrame[];
  /** Sends a frame (or raw text). */
  send(frame: ClientFrame | string): void;
  /** The first frame (received or to come) matching `match`. */
  waitFor<T extends ServerFrame>(match: (frame: ServerFrame) => frame is T, timeoutMs?: number): Promise<T>;
  waitFor(match: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  /** The first event (received or to come) matching `match`. */
  waitForEvent(match: (event: RealtimeEvent) => boolean, timeoutMs?: number): Promise<EventFrame>;
  /** Resolves when the socket has closed, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Sends `auth` with this token and waits for `ready` (or `resync` + `ready`). */
  token?: string;
  resumeFrom?: number;
  headers?: Record<string, string>;
}

/** `http://host:port` → a socket on `ws://host:port/v1/realtime`, authenticated if `token` is given. */
export async function connectRealtime(baseUrl: string, options: ConnectOptions = {}): Promise<TestSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/realtime`, { headers: options.headers });
  const frames: ServerFrame[] = [];
  const waiters = new Set<{
    match: (frame: ServerFrame) => boolean;
    resolve: (frame: ServerFrame) => void;
  }>();
  ws.on('message', (data) => {
    const frame = ServerFrame.parse(JSON.parse(String(data)));
    frames.push(frame);
    for (const waiter of waiters) {
      if (waiter.match(frame)) {
        waiters.delete(waiter);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused: ${response.statusCode}`)),
    );
    ws.once('error', reject);
  });

  function waitFor(match: (frame: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const seen = frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve };
      waiters.add(waiter);
      setTimeout(() => {
        if (waiters.delete(waiter))
          reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames)}`));
      }, timeoutMs).unref();
    });
  }

  const socket: TestSocket = {
    ws,
    frames,
    events: () => frames.filter((frame): frame is EventFrame => frame.type === 'event'),
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    waitFor: waitFor as TestSocket['waitFor'],
    waitForEvent: (match, timeoutMs) =>
      waitFor((frame) => frame.type === 'event' && match(frame.event), timeoutMs) as Promise<EventFrame>,
    closed,
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      // A socket paused by a test never completes the close handshake: cut it.
      const cut = setTimeout(() => ws.terminate(), 500);
      await closed;
      clearTimeout(cut);
    },
  };
  if (options.token !== undefined) {
    socket.send({
      type: 'auth',
      token: options.token,
      ...(options.resumeFrom === undefined ? {} : { resumeFrom: options.resumeFrom }),
    });
    await waitFor((frame) => frame.type === 'ready');
  }
  return socket;
}

/** A signed-up user: id and access token. */
export interface TestUser {
  id: string;
  token: string;
}

/** Registers a fresh account over REST. */
export async function signUp(baseUrl: string, name = 'user'): Promise<TestUser> {
  const response = await call(`${baseUrl}/v1/auth/register`, { body: newAccount(name) });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return { id: response.body.user.id, token: response.body.tokens.accessToken };
}

/** `owner` starts a direct conversation with `other` over REST; resolves with its id. */
export async function directConversation(baseUrl: string, owner: TestUser, other: TestUser): Promise<string> {
  const response = await call(`${baseUrl}/v1/conversations`, {
    token: owner.token,
    body: { type: 'direct', participantIds: [other.id] },
  });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body.id as string;
}
