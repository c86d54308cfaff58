/**
 * The store following the sign-in: the stored session is checked at the first `start`, then every
 * sign-in and sign-out is followed; once signed in, the real-time connection opens. Counted: the
 * store stops when every `start` has been undone.
 */
import { AuthenticationError } from '../client/errors.js';
import type { User } from '../contracts/resources.js';
import { asError } from '../internal/foundation.js';
import type { RealtimeLink } from './realtime-link.js';
import type { StoreContext } from './store-context.js';

export function createSession(
  ctx: StoreContext,
  link: RealtimeLink,
  /** Forgets everything of the previous session; `error` says why the session ended, if not asked for. */
  reset: (error?: Error | null) => void,
) {
  const { client } = ctx;
  let starts = 0;
  let offAuth: (() => void) | undefined;

  function signedIn(user: User) {
    const current = ctx.get().auth.user;
    if (current && current.id !== user.id) reset();
    ctx.set({ auth: { status: 'signed-in', user, error: null } });
    link.open();
  }

  async function checkSession() {
    const at = ++ctx.epoch;
    try {
      const tokens = await client.auth.getTokens();
      const user = tokens && (await client.auth.me());
      if (at !== ctx.epoch) return;
      if (user) signedIn(user);
      else reset();
    } catch (error) {
      // An expired session is simply signed out; anything else is worth showing.
      if (at === ctx.epoch) reset(AuthenticationError.isInstance(error) ? null : asError(error));
    }
  }

  return {
    start() {
      if (starts++ === 0) {
        offAuth = client.auth.onChange((change) => {
          if (change.type === 'signed-in') {
            ctx.epoch++;
            signedIn(change.user);
          } else if (change.type === 'signed-out') reset();
        });
        void checkSession();
      }
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        if (--starts > 0) return;
        offAuth?.();
        link.close();
        ctx.set({ realtime: 'idle' });
      };
    },
  };
}
