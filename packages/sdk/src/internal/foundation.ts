/**
 * What every layer of the SDK shares, from `client/` up: message ids, timers, a typed listener
 * registry, and `asError`. It stands below them all and imports nothing. Internal: of these the
 * package exports `newClientMessageId` only.
 */

/**
 * The global `setTimeout`/`clearTimeout`: the timers of a connection and of the chat store by
 * default (a `RealtimeTimers`, the public type of the option, declared with the connection's).
 */
export const defaultTimers = {
  setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clearTimeout: (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A new random `clientMessageId` (a UUIDv4), as the SDK fills in for a send that has none.
 * `crypto.randomUUID` exists only in secure contexts (HTTPS, localhost), so plain-HTTP pages fall
 * back to `crypto.getRandomValues`.
 *
 * @example
 * ```ts
 * // Your own id, to match the optimistic message to the stored one (and to retry safely).
 * const clientMessageId = newClientMessageId();
 * showPending({ clientMessageId, content });
 * await client.messages.send(conversationId, { content, clientMessageId });
 * ```
 */
export function newClientMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `error` if it is an `Error`, else an `Error` saying what was thrown. */
export const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** Listener signatures by event name. */
export type ListenerMap<M> = { [K in keyof M]: (...args: never[]) => void };

/** A typed registry of listeners by event name. */
export interface Emitter<M extends ListenerMap<M>> {
  /** Adds `listener` (once: adding the same function again changes nothing); returns its removal. */
  on<K extends keyof M>(type: K, listener: M[K]): () => void;
  emit<K extends keyof M>(type: K, ...args: Parameters<M[K]>): void;
}

/**
 * The one listener registry of the SDK (the session's changes, a chat stream's callbacks, a
 * real-time connection's events). Listeners are kept for the life of their owner, so reconnects
 * never register one twice (socket.io #4919's duplicate-handler trap), and a throwing listener
 * breaks neither the others nor the code that emitted: its error is rethrown on its own.
 */
export function createEmitter<M extends ListenerMap<M>>(): Emitter<M> {
  const listeners = new Map<keyof M, Set<M[keyof M]>>();
  return {
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(type, ...args) {
      // A copy: a listener may unsubscribe itself (or others) while we iterate.
      for (const listener of [...(listeners.get(type) ?? [])]) {
        try {
          (listener as (...params: typeof args) => void)(...args);
        } catch (error) {
          // Reported apart (an uncaught error in a microtask), neither swallowed nor thrown here.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
