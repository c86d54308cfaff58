/**
 * Who is who: display names and presence by user id, kept live by `presence` events.
 *
 * Conversations name their participants by id only, and the API finds people by search alone,
 * so names are learned from search results (one walk through the directory when an id is new).
 */

/**
 * @param {import('@chatwire/sdk').ChatwireClient} client
 * @param {import('@chatwire/sdk').User} me
 */
export function createPeople(client, me) {
  /** @type {Map<string, import('@chatwire/sdk').PublicUser>} */
  const known = new Map();

  return {
    me,

    /** Makes sure the names of `ids` are known. */
    async load(ids) {
      const missing = new Set(ids.filter((id) => id !== me.id && !known.has(id)));
      if (missing.size === 0) return;
      for await (const user of client.users.search({ limit: 100 })) {
        known.set(user.id, user);
        missing.delete(user.id);
        if (missing.size === 0) break;
      }
    },

    /** Remembers people found by a search. */
    remember(users) {
      for (const user of users) known.set(user.id, user);
    },

    /** A presence event. */
    setOnline(userId, online) {
      const user = known.get(userId);
      if (user) known.set(userId, { ...user, online });
    },

    name(userId) {
      if (userId === me.id) return 'you';
      return known.get(userId)?.displayName ?? 'someone';
    },

    isOnline(userId) {
      return known.get(userId)?.online ?? false;
    },

    /** The participants other than me. */
    others(conversation) {
      return conversation.participants.map((p) => p.userId).filter((id) => id !== me.id);
    },
  };
}
