/**
 * Sends awaiting their `ack`, in the order they were made. An entry stays until the server
 * answers for its `clientMessageId`, so a send made offline, or whose ack was lost in a drop, is
 * (re)sent after the next `ready` with the same id: the server stores it once whatever happens.
 */
import type { ClientFrame } from '../contracts/events.js';
import type { Message } from '../contracts/resources.js';

export type MessageSendFrame = Extract<ClientFrame, { type: 'message.send' }>;

interface Entry {
  frame: MessageSendFrame;
  promise: Promise<Message>;
  resolve(message: Message): void;
  reject(error: unknown): void;
}

export interface Outbox {
  /** The promise of the send with this id, if one is waiting. */
  get(clientMessageId: string): Promise<Message> | undefined;
  /** Queues a send; its promise settles on {@link Outbox.ack} or {@link Outbox.fail}. */
  add(frame: MessageSendFrame): Promise<Message>;
  /** The waiting sends, oldest first. */
  frames(): MessageSendFrame[];
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
    add(frame) {
      let settle!: Pick<Entry, 'resolve' | 'reject'>;
      const promise = new Promise<Message>((resolve, reject) => {
        settle = { resolve, reject };
      });
      entries.set(frame.clientMessageId, { frame, promise, ...settle });
      return promise;
    },
    frames: () => Array.from(entries.values(), (entry) => entry.frame),
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
