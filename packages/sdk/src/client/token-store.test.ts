import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokens } from './fake-fetch.test-support.js';
import { localStorageTokenStore, memoryTokenStore, type TokenStorage } from './token-store.js';

/** A Web Storage stand-in installed as `globalThis.localStorage`. */
function installFakeStorage(): Map<string, string> {
  const data = new Map<string, string>();
  const storage: TokenStorage = {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
  vi.stubGlobal('localStorage', storage);
  return data;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('memoryTokenStore', () => {
  it('holds what was set', async () => {
    const store = memoryTokenStore();
    expect(await store.get()).toBeNull();
    await store.set(tokens('a'));
    expect(await store.get()).toEqual(tokens('a'));
    await store.set(null);
    expect(await store.get()).toBeNull();
    expect(await memoryTokenStore(tokens('b')).get()).toEqual(tokens('b'));
  });
});

describe('localStorageTokenStore', () => {
  it('stores JSON under its key and removes it on sign-out', async () => {
    const data = installFakeStorage();
    const store = localStorageTokenStore('app.tokens');
    await store.set(tokens('a'));
    expect(JSON.parse(data.get('app.tokens') ?? '')).toEqual(tokens('a'));
    expect(await localStorageTokenStore('app.tokens').get()).toEqual(tokens('a'));
    await store.set(null);
    expect(data.has('app.tokens')).toBe(false);
    expect(await store.get()).toBeNull();
  });

  it('uses chatwire.tokens by default and reads a corrupt value as signed out', async () => {
    const data = installFakeStorage();
    await localStorageTokenStore().set(tokens('a'));
    expect(data.has('chatwire.tokens')).toBe(true);
    data.set('chatwire.tokens', '{not json');
    expect(await localStorageTokenStore().get()).toBeNull();
    data.set('chatwire.tokens', JSON.stringify({ accessToken: 'only-half' }));
    expect(await localStorageTokenStore().get()).toBeNull();
  });

  it('touches no storage at import or creation, and is inert without storage (SSR)', async () => {
    const getter = vi.fn(() => undefined);
    Object.defineProperty(globalThis, 'localStorage', { get: getter, configurable: true });
    try {
      vi.resetModules();
      const module = await import('./token-store.js');
      const store = module.localStorageTokenStore();
      expect(getter).not.toHaveBeenCalled();
      expect(await store.get()).toBeNull();
      await store.set(tokens('a'));
      expect(getter).toHaveBeenCalledTimes(2);
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
  });

  it('treats storage that throws on access (disabled) as none', async () => {
    Object.defineProperty(globalThis, 'localStorage', {
      get: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      configurable: true,
    });
    try {
      expect(await localStorageTokenStore().get()).toBeNull();
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
  });
});
