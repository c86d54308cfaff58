/**
 * The store's real-time connection: opened once signed in (unless `realtime: false`), its events
 * fed to the reducer, its status mirrored in the state; closed at sign-out and at the last stop.
 */
import type { RealtimeEvent } from '../contracts/events.js';
import type { RealtimeConnection } from '../realtime/types.js';
import type { StoreContext } from './store-context.js';
import type { ChatStoreOptions } from './types.js';

export type RealtimeLink = ReturnType<typeof createRealtimeLink>;

/**
 * Presence as of a `ready`: its snapshot is who is online now, so everyone else known goes
 * offline (a reconnect may have missed their `presence` events); events keep it current after.
 */
function seededPresence(known: Readonly<Record<string, boolean>>, online: readonly string[]) {
  const presence: Record<string, boolean> = {};
  for (const id in known) presence[id] = false;
  for (const id of online) presence[id] = true;
  return presence;
}

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
        opened.on('ready', ({ presence }) =>
          ctx.set({ presence: seededPresence(ctx.get().presence, presence) }),
        ),
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
