/**
 * Who is online, from this process's connections. A user is online while any of their
 * connections is open; after the last one closes they stay online for `graceMs`, so that a page
 * reload (close, then open again within a second) announces nothing. `onChange` fires once per
 * real change.
 */
import type { PresenceView } from '../services/presence.js';

export interface PresenceTracker extends PresenceView {
  connected(userId: string): void;
  disconnected(userId: string): void;
  /** Cancels pending offline announcements (shutdown: nobody is told). */
  close(): void;
}

export function createPresenceTracker(options: {
  graceMs: number;
  onChange: (userId: string, online: boolean) => void;
}): PresenceTracker {
  const connections = new Map<string, number>();
  const leaving = new Map<string, NodeJS.Timeout>();

  return {
    isOnline: (userId) => connections.has(userId) || leaving.has(userId),

    connected(userId) {
      const count = (connections.get(userId) ?? 0) + 1;
      connections.set(userId, count);
      const pending = leaving.get(userId);
      if (pending) {
        // Back within the grace period: never announced offline, so nothing to announce now.
        clearTimeout(pending);
        leaving.delete(userId);
      } else if (count === 1) {
        options.onChange(userId, true);
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
        options.onChange(userId, false);
      }, options.graceMs);
      timer.unref();
      leaving.set(userId, timer);
    },

    close() {
      for (const timer of leaving.values()) clearTimeout(timer);
      leaving.clear();
      connections.clear();
    },
  };
}
