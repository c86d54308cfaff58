/**
 * Profiles in the SDK's chat store against real servers: Ada changes hers (`store.updateProfile`);
 * Bob's store, which knows her from a lookup, and Ada's second tab's store get `user.updated` over
 * their own sockets and show the new profile (Bob's in `users`, Ada's in `auth.user`, email kept) —
 * on each store, and across two processes (Ada on one, Bob and her second tab on the other).
 */
import { type ChatStore, createChatStore, createClient } from '@chatwire/sdk';
import type { TestServer } from '@chatwire/server/testing';
import { afterEach, expect, it, vi } from 'vitest';
import { signUp } from '../support/clients.js';
import { describeOnEachStore } from '../support/stores.js';
import { describeOnTwoProcesses } from '../support/two-processes.js';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A started store, once it is signed in and its socket is open. */
async function liveStore(client: ChatStore['client']): Promise<ChatStore> {
  const store = createChatStore(client, { throttleMs: 0 });
  stops.push(store.start());
  await vi.waitFor(() => expect(store.getState().realtime).toBe('open'), { timeout: 5000 });
  return store;
}

async function changeReachesEveryone(mine: TestServer, theirs: TestServer) {
  const ada = await signUp(mine.url, 'ada');
  const bob = await signUp(theirs.url, 'bob');
  const adaTab2 = createClient({ baseUrl: theirs.url, retry: { maxRetries: 0 } });
  await adaTab2.auth.login(ada.account);
  await bob.client.conversations.create({ type: 'direct', participantIds: [ada.user.id] });

  const [adaStore, adaOtherTab, bobStore] = await Promise.all([
    liveStore(ada.client),
    liveStore(adaTab2),
    liveStore(bob.client),
  ]);
  await bobStore.loadUsers([ada.user.id]);
  expect(bobStore.getState().users[ada.user.id]?.displayName).toBe(ada.user.displayName);

  const patch = { displayName: 'Ada King', statusText: 'Counting engines' };
  const answered = await adaStore.updateProfile(patch);
  expect(answered).toMatchObject({ ...patch, email: ada.user.email });
  expect(adaStore.getState().auth.user).toMatchObject(patch);
  await vi.waitFor(() => expect(bobStore.getState().users[ada.user.id]).toMatchObject(patch), {
    timeout: 5000,
  });
  await vi.waitFor(
    () => expect(adaOtherTab.getState().auth.user).toMatchObject({ ...patch, email: ada.user.email }),
    {
      timeout: 5000,
    },
  );
}

describeOnEachStore('profiles in the SDK store', (server) => {
  it('a change reaches the other person’s store and my other tab’s, live', async () => {
    await changeReachesEveryone(server(), server());
  });
});

describeOnTwoProcesses('profiles in the SDK store across processes', 'profiles-store:', (servers) => {
  it('a change made on one process reaches the stores connected to the other', async () => {
    await changeReachesEveryone(servers.one, servers.two);
  });
});
