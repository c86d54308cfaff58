/**
 * Who is who: display names, statuses and presence by user id, kept live by `presence` and
 * `user.updated` events.
 *
 * Conversations name their participants by id only: the names of new ids come from one
 * `client.users.get(ids)`.
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
      const missing = ids.filter((id) => id !== me.id && !known.has(id));
      for (const user of await client.users.get(missing)) known.set(user.id, user);
    },

    /** Remembers people found by a search. */
    remember(users) {
      for (const user of users) known.set(user.id, user);
    },

    /** Someone's profile as they know it now (`user.updated`); `undefined` for a stranger. */
    get: (userId) => known.get(userId),

    /** A `user.updated`: their new name, avatar and status (presence stays as `presence` says). */
    update(user) {
      if (user.id === me.id) return;
      const before = known.get(user.id);
      known.set(user.id, { ...before, ...user, online: before?.online ?? user.online });
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
