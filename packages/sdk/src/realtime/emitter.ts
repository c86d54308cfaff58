/**
 * A typed event emitter: one listener set per event name, kept for the life of the connection,
 * so reconnects never register a listener twice (socket.io #4919's duplicate-handler trap).
 */

/** Listener signatures by event name. */
export type ListenerMap<M> = { [K in keyof M]: (...args: never[]) => void };

export interface Emitter<M extends ListenerMap<M>> {
  /** Adds `listener` (once: adding the same function again changes nothing); returns its removal. */
  on<K extends keyof M>(type: K, listener: M[K]): () => void;
  emit<K extends keyof M>(type: K, ...args: Parameters<M[K]>): void;
}

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
          // One faulty listener must neither break the others nor the connection: report it apart.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
