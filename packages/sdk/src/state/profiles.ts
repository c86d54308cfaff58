/**
 * Profiles in the store: the people it knows (`ChatState.users`) and the signed-in user's own
 * `User` follow `user.updated`, the own changes land at once, and unknown people are looked up
 * once each.
 *
 * Ordering: a `user.updated` carries the whole public profile, so a repeated one changes nothing,
 * and one person's events reach a socket in the order the server published them (the per-user
 * event log). A lookup (`load`) answered after an event about the same person leaves the event's
 * profile. Profiles carry no version, so otherwise the last profile the store hears wins: a search
 * (`rememberUsers`) answered before a change but read after its event shows the older profile
 * until the next event or search.
 */
import type { PublicUser, User } from '../contracts/resources.js';
import type { StoreContext } from './store-context.js';

type Profile = Pick<PublicUser, 'displayName' | 'avatarUrl' | 'statusText'>;

/** Whether `b` changes nothing `a` shows: the profile, and whether the account was deleted. */
const sameProfile = (a: Profile & Partial<Pick<PublicUser, 'deleted'>>, b: PublicUser) =>
  a.displayName === b.displayName &&
  a.avatarUrl === b.avatarUrl &&
  a.statusText === b.statusText &&
  (a.deleted ?? false) === b.deleted;

const pickProfile = ({ displayName, avatarUrl, statusText }: Profile): Profile => ({
  displayName,
  avatarUrl,
  statusText,
});

export function createProfiles(ctx: StoreContext) {
  /** Ids asked for and not answered yet (or not found): each is looked up once a session. */
  const sought = new Set<string>();
  /** The lookup gathering this tick's ids, sent once the tick ends. */
  let batch: { wanted: Set<string>; done: Promise<void> } | null = null;

  function lookUp(ids: string[]): Promise<void> {
    return ctx.guarded(
      () => ctx.client.users.get(ids),
      (found) => {
        const users = { ...ctx.get().users };
        const presence = { ...ctx.get().presence };
        for (const user of found) {
          // A `user.updated` heard while this was asked is newer than the answer: it stays.
          if (users[user.id]) continue;
          users[user.id] = user;
          presence[user.id] = user.online;
        }
        ctx.set({ users, presence });
      },
      // Names are a nicety: asked again next session. Not now, or a failing lookup would loop.
      () => {},
    );
  }

  /** Puts `user`'s public profile in the store: in `users`, and in `auth.user` when it is me. */
  function apply(user: PublicUser) {
    const { users, auth } = ctx.get();
    const known = users[user.id];
    const me = auth.user;
    const newToUsers = !known || !sameProfile(known, user);
    const newToMe = me?.id === user.id && !sameProfile(me, user);
    if (!newToUsers && !newToMe) return;
    ctx.set({
      ...(newToUsers && { users: { ...users, [user.id]: { ...known, ...user } } }),
      ...(newToMe && me && { auth: { ...auth, user: { ...me, ...pickProfile(user) } } }),
    });
  }

  /** The answer of my own change: my `User`, and my public profile where others' are kept. */
  function applyMine(user: User) {
    const { auth, users } = ctx.get();
    if (auth.user?.id !== user.id) return;
    const known = users[user.id];
    ctx.set({
      auth: { ...auth, user },
      ...(known && { users: { ...users, [user.id]: { ...known, ...pickProfile(user) } } }),
    });
  }

  return {
    apply,

    async update(patch: Parameters<StoreContext['client']['users']['updateMe']>[0]): Promise<User> {
      const at = ctx.epoch;
      const user = await ctx.client.users.updateMe(patch);
      if (at === ctx.epoch) applyMine(user);
      return user;
    },

    /**
     * Looks up the people among `ids` the store does not know. Calls in the same tick share one
     * request (a list of conversations asks for each row's person at once).
     */
    load(ids: readonly string[]): Promise<void> {
      const { users } = ctx.get();
      const missing = [...new Set(ids)].filter((id) => !users[id] && !sought.has(id) && id !== ctx.me());
      if (missing.length === 0) return Promise.resolve();
      for (const id of missing) sought.add(id);
      if (!batch) {
        const wanted = new Set<string>();
        const done = Promise.resolve().then(() => {
          batch = null;
          return lookUp([...wanted]);
        });
        batch = { wanted, done };
      }
      for (const id of missing) batch.wanted.add(id);
      return batch.done;
    },

    clear() {
      sought.clear();
      batch = null;
    },
  };
}

export type Profiles = ReturnType<typeof createProfiles>;
