/**
 * The presence seam: who is online across every server process. Each process's gateway counts
 * its own sockets (with the reload grace period, `realtime/presence-tracker.ts`) and tells the
 * directory only of its local transitions; the directory answers whether that transition changed
 * the user's presence _everywhere_, which is what peers are told. With one process the in-process
 * directory below is enough (and behaves as the tracker alone always did); several processes
 * share a Redis one (`redis-presence.ts`), where a process that dies without saying goodbye is
 * noticed by its expired lease and swept by a survivor.
 *
 * Invariant every implementation keeps: a user is "announced online" from the `join` that
 * answered `true` until the `leave` or `sweep` that reported them offline, and exactly one call
 * in the whole deployment reports each of those two changes.
 */

/** Presence changes found by {@link PresenceDirectory.sweep}, to be announced to peers. */
export interface PresenceChanges {
  /** Offline everywhere now (their processes died, or left while this one was cut off). */
  offline: string[];
  /**
   * Online again: this process had itself been swept (its lease lapsed, e.g. during a Redis
   * outage) and registered its users anew; these were offline everywhere meanwhile.
   */
  online: string[];
}

/**
 * Who is online across processes. Calls for one user come in the order of that user's local
 * transitions (join, leave, join, …), and each answers for the whole deployment.
 *
 * @example
 * ```ts
 * const presence = await createRedisPresence({ url: process.env.REDIS_URL });
 * if (await presence.join(userId)) announce(userId, true); // first connection anywhere
 * if (await presence.leave(userId)) announce(userId, false); // no process has them any more
 * ```
 */
export interface PresenceDirectory {
  /** `memory`, `redis`, …. */
  readonly kind: string;
  /**
   * How often its owner should call {@link sweep}, ms; `undefined` when there is never anything
   * to sweep (one process).
   */
  readonly sweepIntervalMs?: number;
  /** This process now has the user; `true` when nobody had them before (announce online). */
  join(userId: string): Promise<boolean>;
  /** This process no longer has the user; `true` when no live process has them (announce offline). */
  leave(userId: string): Promise<boolean>;
  /** Which of `userIds` some live process has (for search results). */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** Claims what dead processes left behind (each change is reported by one process only). */
  sweep(): Promise<PresenceChanges>;
  /**
   * Stops this process's participation. Nothing is announced: its users stay online for a
   * moment, so that clients reconnecting elsewhere do not flap; the Redis directory lets its
   * lease run out and a survivor's sweep reports those who did not come back.
   */
  close(): Promise<void>;
}

/**
 * The in-process directory: a count per user of the trackers that have them. With the one
 * gateway of a process it is exactly the tracker's own view (online from the first connection to
 * the end of the grace period); several apps in one process sharing one directory see the union.
 *
 * @example
 * ```ts
 * const app = await buildApp({ presence: createMemoryPresence() });
 * ```
 */
export function createMemoryPresence(): PresenceDirectory {
  const holders = new Map<string, number>();
  return {
    kind: 'memory',
    async join(userId) {
      const count = (holders.get(userId) ?? 0) + 1;
      holders.set(userId, count);
      return count === 1;
    },
    async leave(userId) {
      const count = (holders.get(userId) ?? 0) - 1;
      if (count > 0) {
        holders.set(userId, count);
        return false;
      }
      // A leave without its join (never happens from the tracker) must not report a change.
      return holders.delete(userId);
    },
    async onlineAmong(userIds) {
      return new Set(userIds.filter((userId) => holders.has(userId)));
    },
    async sweep() {
      return { offline: [], online: [] };
    },
    async close() {
      holders.clear();
    },
  };
}
