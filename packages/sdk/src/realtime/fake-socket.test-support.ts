/**
 * Test support (not part of the SDK): a scriptable fake WebSocket, and a session over tokens in memory.
 */
import { type AuthSession, createAuthSession } from '../client/auth-session.js';
import { AuthenticationError, ConnectionError } from '../client/errors.js';
import { fixtureMessage, ids, tokens } from '../client/fake-fetch.test-support.js';
import { memoryTokenStore } from '../client/token-store.js';
import type { ClientFrame } from '../contracts/client-frames.js';
import type { RealtimeEvent, ServerFrame } from '../contracts/events.js';
import type { Message, Tokens } from '../contracts/resources.js';
import type { WebSocketLike } from './web-socket.js';

/** A socket the test drives: `open()`, `receive(frame)`, `drop(code)`; what the client sent is in `sent`. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: ClientFrame[] = [];
  /** The code the client closed it with, if it did. */
  closedWith: number | undefined;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error(`send on a socket in state ${this.readyState}`);
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: ServerFrame | string): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  /** The server (or the network) ends the connection. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  /** The frames of one type the client sent. */
  sentOf<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((frame): frame is Extract<ClientFrame, { type: T }> => frame.type === type);
  }
}

/** A factory that records every socket it opens. */
export function fakeSockets() {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: (url: string) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    /** The newest socket. */
    get last(): FakeSocket {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket opened yet');
      return socket;
    },
  };
}

/** A session over tokens in memory; `refresh` answers with `next` tokens (or fails). */
export function fakeSession(
  initial: Tokens | null = tokens('one'),
  next: Array<Tokens | 'refuse' | 'offline'> = [],
) {
  const refreshes: string[] = [];
  const session: AuthSession = createAuthSession(memoryTokenStore(initial), async (refreshToken) => {
    refreshes.push(refreshToken);
    const answer = next.shift();
    if (answer === 'offline') throw new ConnectionError('the network is down');
    if (answer && answer !== 'refuse') return answer;
    throw new AuthenticationError({
      status: 401,
      code: 'unauthorized',
      message: 'refresh refused',
      headers: new Headers(),
    });
  });
  return { session, refreshes };
}

export const otherUser = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e';

/** A stored message as an ack or event carries it. */
export function storedMessage(content: string, clientMessageId: string | null = null): Message {
  return fixtureMessage({ content, clientMessageId });
}

/** The server's `ready`: the head of the stream, and its frame limit (the reference server's by default). */
export function readyFrame(seq: number, maxFrameBytes = 65_536): ServerFrame {
  return { type: 'ready', userId: ids.user, seq, maxFrameBytes, presence: [] };
}

/** An `event` frame of a typing event. */
export function typingFrame(seq: number, state: 'start' | 'stop' = 'start'): ServerFrame {
  const event: RealtimeEvent = { type: 'typing', conversationId: ids.conversation, userId: otherUser, state };
  return { type: 'event', seq, event };
}

/** A JWT-shaped token (unsigned) with this `exp`, in seconds. */
export function jwtExpiringAt(expSeconds: number): string {
  const part = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'HS256' })}.${part({ sub: ids.user, exp: expSeconds })}.signature`;
}
