/**
 * Who is online, for search results. Async and batched: across several processes the answer
 * comes from the presence directory (one Redis round trip per page, not one per user); the
 * real-time gateway provides the real one.
 */
export interface PresenceView {
  /** Which of `userIds` are online. */
  onlineAmong(userIds: readonly string[]): Promise<ReadonlySet<string>>;
}

export const nobodyOnline: PresenceView = { onlineAmong: async () => new Set() };
