/**
 * The ids of the messages announced lately, to drop a second `message.created` for the same
 * message. The server publishes a send again when its `clientMessageId` comes back (the first
 * attempt may have been stored by a process that died before it could announce it), so the same
 * message can arrive twice with two different seqs; seqs alone cannot tell.
 */
export interface RecentIds {
  /** `true` the first time `id` is seen (among the last `capacity`), `false` after. */
  add(id: string): boolean;
}

export function createRecentIds(capacity = 512): RecentIds {
  // A Set keeps insertion order: the first entry is the oldest, evicted first.
  const ids = new Set<string>();
  return {
    add(id) {
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > capacity) ids.delete(ids.values().next().value as string);
      return true;
    },
  };
}
