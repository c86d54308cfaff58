/**
 * Where the client keeps the signed-in user's tokens.
 */
import { Tokens } from '../contracts/resources.js';

/**
 * Storage for the session's tokens. The client reads it before every request (so a token
 * refreshed elsewhere is picked up) and writes it on sign-in, refresh and sign-out (`null`).
 * Both methods may be async, e.g. for secure storage on a device.
 */
export interface TokenStore {
  get(): Tokens | null | Promise<Tokens | null>;
  set(tokens: Tokens | null): void | Promise<void>;
}

/**
 * Keeps the tokens in memory: the default. A page reload signs the user out.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl, tokenStore: memoryTokenStore() });
 * ```
 */
export function memoryTokenStore(initial: Tokens | null = null): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
  };
}

/** The part of the Web Storage API the token store uses. */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Keeps the tokens in `localStorage` under `key`, so a reload stays signed in. Storage is looked
 * up on each call, never at import or creation: where there is none (server-side rendering, a
 * worker, storage disabled) it holds nothing and `set` does nothing. A stored value that is not
 * valid tokens (edited by hand, an older format) reads as signed out.
 *
 * Anything in `localStorage` is readable by scripts on the page: weigh this against XSS exposure.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: '/api', tokenStore: localStorageTokenStore('myapp.tokens') });
 * ```
 */
export function localStorageTokenStore(
  key = 'chatwire.tokens',
  storage: () => TokenStorage | undefined = defaultStorage,
): TokenStore {
  return {
    get() {
      const raw = storage()?.getItem(key);
      if (!raw) return null;
      try {
        const parsed = Tokens.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    set(tokens) {
      const target = storage();
      if (!target) return;
      if (tokens) target.setItem(key, JSON.stringify(tokens));
      else target.removeItem(key);
    },
  };
}

function defaultStorage(): TokenStorage | undefined {
  try {
    // Reading `localStorage` throws in some browsers when storage is disabled.
    return (globalThis as { localStorage?: TokenStorage }).localStorage;
  } catch {
    return undefined;
  }
}
