/**
 * The store's real-time connection: opened once signed in (unless `realtime: false`), its events
 * fed to the reducer, its status mirrored in the state; closed at sign-out and at the last stop.
 */
import type { RealtimeEvent } from '../contracts/events.js';
import type { RealtimeConnection } from '../realtime/types.js';
import type { StoreContext } from './store-context.js';
import type { ChatStoreOptions } from './types.js';

export type RealtimeLink = ReturnType<typeof createRealtimeLink>;

export function createRealtimeLink(
  ctx: StoreContext,
  options: ChatStoreOptions,
  onEvent: (event: RealtimeEvent) => void,
  /** Events were lost: load again what is shown. */
  onResync: () => void,
) {
  let connection: RealtimeConnection | undefined;
  let offs: Array<() => void> = [];

  return {
    get current() {
      return connection;
    },
    open() {
      if (options.realtime === false || connection) return;
      const opened = ctx.client.realtime(options.realtime);
      connection = opened;
      offs = [
        opened.on('event', onEvent),
        opened.on('status', (realtime) => ctx.set({ realtime })),
        opened.on('resync', onResync),
      ];
      ctx.set({ realtime: opened.status });
    },
    close() {
      for (const off of offs) off();
      offs = [];
      connection?.close();
      connection = undefined;
    },
  };
}
