/**
 * Sends awaiting their `ack`, in the order they were made. An entry stays until the server
 * answers for its `clientMessageId`, so a send made offline, or whose ack was lost in a drop, is
 * (re)sent after the next `ready` with the same id: the server stores it once whatever happens.
 *
 * Each send is kept encoded, with its size in UTF-8 bytes: the server's frame limit is about that
 * size, and the connection checks it before a send first goes out and again before every re-send.
 */
import type { ClientFrame } from '../contracts/client-frames.js';
import type { Message } from '../contracts/resources.js';

export type MessageSendFrame = Extract<ClientFrame, { type: 'message.send' }>;

/** A `message.send` frame as it goes on the wire. */
export interface EncodedSend {
  readonly clientMessageId: string;
  /** The frame's JSON: what is written, each time it is (re)sent. */
  readonly data: string;
  /** The size of `data` in UTF-8 bytes: what a WebSocket frame limit counts. */
  readonly bytes: number;
}

export function encodeSend(frame: MessageSendFrame): EncodedSend {
  const data = JSON.stringify(frame);
  return { clientMessageId: frame.clientMessageId, data, bytes: new TextEncoder().encode(data).byteLength };
}

interface Entry {
  send: EncodedSend;
  promise: Promise<Message>;
  resolve(message: Message): void;
  reject(error: unknown): void;
}

export interface Outbox {
  /** The promise of the send with this id, if one is waiting. */
  get(clientMessageId: string): Promise<Message> | undefined;
  /** Queues a send; its promise settles on {@link Outbox.ack} or {@link Outbox.fail}. */
  add(send: EncodedSend): Promise<Message>;
  /** The waiting sends, oldest first. */
  waiting(): EncodedSend[];
  /** Resolves the send; `false` when none waits under this id (a repeated ack). */
  ack(clientMessageId: string, message: Message): boolean;
  /** Rejects the send; `false` when none waits under this id. */
  fail(clientMessageId: string, error: unknown): boolean;
  /** Rejects every waiting send (the connection is closed for good). */
  failAll(error: unknown): void;
}

export function createOutbox(): Outbox {
  // A Map iterates in insertion order: the order of the sends.
  const entries = new Map<string, Entry>();
  const take = (id: string) => {
    const entry = entries.get(id);
    entries.delete(id);
    return entry;
  };
  return {
    get: (id) => entries.get(id)?.promise,
    add(send) {
      let settle!: Pick<Entry, 'resolve' | 'reject'>;
      const promise = new Promise<Message>((resolve, reject) => {
        settle = { resolve, reject };
      });
      entries.set(send.clientMessageId, { send, promise, ...settle });
      return promise;
    },
    waiting: () => Array.from(entries.values(), (entry) => entry.send),
    ack(id, message) {
      const entry = take(id);
      entry?.resolve(message);
      return entry !== undefined;
    },
    fail(id, error) {
      const entry = take(id);
      entry?.reject(error);
      return entry !== undefined;
    },
    failAll(error) {
      for (const id of [...entries.keys()]) take(id)?.reject(error);
    },
  };
}
