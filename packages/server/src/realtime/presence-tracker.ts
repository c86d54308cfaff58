/**
 * Who is online, from this process's connections, told to the deployment's
 * {@link PresenceDirectory}. A user is here while any of their connections is open; after the
 * last one closes they stay for `graceMs`, so that a page reload (close, then open again within a
 * second) tells nobody anything. Only those local transitions reach the directory (first
 * connection → `join`, grace over → `leave`), and `onChange` fires only when the directory says
 * the change is real everywhere — once per change, in the order the directory answered (one
 * connection to it, so the order it ran them in).
 *
 * It also sweeps the directory on the directory's interval, announcing what dead processes
 * left behind.
 */
import type { PresenceDirectory } from '../presence/presence-directory.js';
import type { PresenceView } from '../services/presence.js';

export interface PresenceTracker extends PresenceView {
  connected(userId: string): void;
  disconnected(userId: string): void;
  /** Stops sweeping and cancels pending leaves (shutdown: nobody is told; the directory is its owner's to close). */
  close(): void;
}

export function createPresenceTracker(options: {
  graceMs: number;
  directory: PresenceDirectory;
  onChange: (userId: string, online: boolean) => void;
  /** A directory call failed (the directory catches up on its next sweep). */
  onError: (error: unknown, userId?: string) => void;
}): PresenceTracker {
  const { directory } = options;
  const connections = new Map<string, number>();
  const leaving = new Map<string, NodeJS.Timeout>();
  let closed = false;

  function tell(userId: string, online: boolean, call: Promise<boolean>): void {
    call.then(
      (changed) => {
        if (changed && !closed) options.onChange(userId, online);
      },
      (error: unknown) => options.onError(error, userId),
    );
  }

  let sweeping = false;
  const sweeper =
    directory.sweepIntervalMs === undefined
      ? undefined
      : setInterval(() => {
          if (sweeping || closed) return;
          sweeping = true;
          directory
            .sweep()
            .then(({ online, offline }) => {
              if (closed) return;
              for (const userId of online) options.onChange(userId, true);
              for (const userId of offline) options.onChange(userId, false);
            })
            .catch((error: unknown) => options.onError(error))
            .finally(() => {
              sweeping = false;
            });
        }, directory.sweepIntervalMs);
  sweeper?.unref();

  const isHere = (userId: string) => connections.has(userId) || leaving.has(userId);

  return {
    async onlineAmong(userIds) {
      try {
        return await directory.onlineAmong(userIds);
      } catch (error) {
        // Directory unreachable: search still answers, from what this process knows.
        options.onError(error);
        return new Set(userIds.filter(isHere));
      }
    },

    connected(userId) {
      const count = (connections.get(userId) ?? 0) + 1;
      connections.set(userId, count);
      const pending = leaving.get(userId);
      if (pending) {
        // Back within the grace period: never left, so nothing to tell anyone.
        clearTimeout(pending);
        leaving.delete(userId);
      } else if (count === 1) {
        tell(userId, true, directory.join(userId));
      }
    },

    disconnected(userId) {
      const count = (connections.get(userId) ?? 0) - 1;
      if (count > 0) {
        connections.set(userId, count);
        return;
      }
      connections.delete(userId);
      const timer = setTimeout(() => {
        leaving.delete(userId);
        tell(userId, false, directory.leave(userId));
      }, options.graceMs);
      timer.unref();
      leaving.set(userId, timer);
    },

    close() {
      closed = true;
      if (sweeper) clearInterval(sweeper);
      for (const timer of leaving.values()) clearTimeout(timer);
      leaving.clear();
      connections.clear();
    },
  };
}
