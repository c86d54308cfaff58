/**
 * Profiles in the store over a fake client: `user.updated` replaces a known person's profile (a
 * repeat changes nothing, not even the state object), my own event updates `auth.user` (another
 * tab's change), `updateProfile` lands the server's answer, and `loadUsers` asks for each unknown
 * person once.
 */
import { describe, expect, it, vi } from 'vitest';
import type { RealtimeEvent } from '../contracts/events.js';
import type { PublicUser, User } from '../contracts/resources.js';
import type { ChatwireClient } from '../create-client.js';
import type { RealtimeConnection } from '../realtime/types.js';
import { createChatStore } from './create-chat-store.js';

const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const me: User = {
  id: id(1),
  email: 'ada@example.com',
  displayName: 'Ada',
  avatarUrl: null,
  statusText: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const grace: PublicUser = {
  id: id(2),
  displayName: 'Grace',
  avatarUrl: null,
  statusText: null,
  online: true,
  deleted: false,
};
const alan: PublicUser = {
  id: id(3),
  displayName: 'Alan',
  avatarUrl: null,
  statusText: null,
  online: false,
  deleted: false,
};

async function signedInStore() {
  let onEvent: ((event: RealtimeEvent, seq: number) => void) | undefined;
  const connection = {
    status: 'open',
    on: (type: string, listener: never) => {
      if (type === 'event') onEvent = listener;
      return () => {};
    },
    close: vi.fn(),
  };
  const lookups: string[][] = [];
  const updates: unknown[] = [];
  const client = {
    auth: {
      getTokens: async () => ({ accessToken: 'a', refreshToken: 'r', tokenType: 'bearer', expiresIn: 60 }),
      me: async () => me,
      onChange: () => () => {},
    },
    users: {
      get: async (ids: string[]) => {
        lookups.push(ids);
        return [grace, alan].filter((user) => ids.includes(user.id));
      },
      updateMe: async (patch: Partial<User>) => {
        updates.push(patch);
        return { ...me, ...patch };
      },
    },
    realtime: () => connection as unknown as RealtimeConnection,
  } as unknown as ChatwireClient;
  const store = createChatStore(client, { throttleMs: 0 });
  store.start();
  await vi.waitFor(() => expect(store.getState().auth.status).toBe('signed-in'));
  await vi.waitFor(() => expect(onEvent).toBeDefined());
  let seq = 0;
  const updated = (user: PublicUser) => onEvent?.({ type: 'user.updated', user }, ++seq);
  return { store, updated, lookups, updates };
}

describe('store profiles', () => {
  it('user.updated replaces a known person’s profile; a repeat changes nothing', async () => {
    const { store, updated } = await signedInStore();
    store.rememberUsers([grace]);
    const renamed = {
      ...grace,
      displayName: 'Grace H.',
      statusText: 'At sea',
      avatarUrl: 'https://x.test/g.png',
    };
    updated(renamed);
    expect(store.getState().users[grace.id]).toMatchObject({
      displayName: 'Grace H.',
      statusText: 'At sea',
      avatarUrl: 'https://x.test/g.png',
    });
    const before = store.getState();
    const listener = vi.fn();
    store.subscribe(listener);
    updated(renamed);
    expect(store.getState()).toBe(before);
    expect(listener).not.toHaveBeenCalled();
    // A later change back wins: the last profile heard is the one shown.
    updated(grace);
    expect(store.getState().users[grace.id]?.displayName).toBe('Grace');
  });

  it('a user.updated that only says the account was deleted is applied', async () => {
    const { store, updated } = await signedInStore();
    store.rememberUsers([grace]);
    updated({ ...grace, deleted: true });
    expect(store.getState().users[grace.id]?.deleted).toBe(true);
  });

  it('my own user.updated (another tab’s change) updates auth.user, keeping my email', async () => {
    const { store, updated } = await signedInStore();
    updated({
      id: me.id,
      displayName: 'Ada L.',
      avatarUrl: null,
      statusText: 'Writing',
      online: true,
      deleted: false,
    });
    expect(store.getState().auth.user).toEqual({ ...me, displayName: 'Ada L.', statusText: 'Writing' });
  });

  it('updateProfile lands the server’s answer in auth.user', async () => {
    const { store, updates } = await signedInStore();
    const user = await store.updateProfile({ statusText: 'In Lisbon' });
    expect(updates).toEqual([{ statusText: 'In Lisbon' }]);
    expect(user.statusText).toBe('In Lisbon');
    expect(store.getState().auth.user?.statusText).toBe('In Lisbon');
  });

  it('loadUsers asks once for the people it does not know, never for me', async () => {
    const { store, lookups } = await signedInStore();
    store.rememberUsers([grace]);
    await Promise.all([store.loadUsers([me.id, grace.id, alan.id]), store.loadUsers([alan.id])]);
    await store.loadUsers([alan.id, grace.id]);
    expect(lookups).toEqual([[alan.id]]);
    expect(store.getState().users[alan.id]?.displayName).toBe('Alan');
    expect(store.getState().presence[alan.id]).toBe(false);
  });

  it('a lookup answered after a user.updated does not undo it', async () => {
    const { store, updated } = await signedInStore();
    const loading = store.loadUsers([grace.id]);
    updated({ ...grace, displayName: 'Grace H.' });
    await loading;
    expect(store.getState().users[grace.id]?.displayName).toBe('Grace H.');
  });

  it('loadUsers calls of one tick share one request', async () => {
    const { store, lookups } = await signedInStore();
    await Promise.all([store.loadUsers([grace.id]), store.loadUsers([alan.id]), store.loadUsers([grace.id])]);
    expect(lookups).toEqual([[grace.id, alan.id]]);
    expect(Object.keys(store.getState().users).sort()).toEqual([grace.id, alan.id].sort());
  });
});
