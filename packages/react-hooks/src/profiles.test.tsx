// @vitest-environment happy-dom
/**
 * Profiles live, against a real server: Ada changes hers with `useProfile`; Bob, who shares a
 * conversation with her, sees it in `useUser` and `useUsers` without asking; Ada's second tab
 * sees it in `useProfile().me`; a wrong current password is refused and changes nothing.
 */
import { AuthenticationError } from '@chatwire/sdk';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderFor, signInAgain, signUp, startServer, type TestServer } from './server.test-support.js';
import { useProfile } from './use-profile.js';
import { useRealtimeStatus } from './use-realtime-status.js';
import { useUser } from './use-user.js';
import { useUsers } from './use-users.js';

afterEach(cleanup);

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('profiles', () => {
  it('a change reaches the other person (useUser, useUsers) and my other tab (useProfile) live', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const adaTab2 = await signInAgain(server.url, ada.account);
    await bob.client.conversations.create({ type: 'direct', participantIds: [ada.user.id] });

    const adaHere = renderFor(ada, () => ({ profile: useProfile(), live: useRealtimeStatus() }));
    const adaThere = renderFor(adaTab2, () => ({ profile: useProfile(), live: useRealtimeStatus() }));
    const bobView = renderFor(bob, () => ({
      ada: useUser(ada.user.id),
      search: useUsers(ada.user.displayName, { debounceMs: 10 }),
      live: useRealtimeStatus(),
    }));
    await waitFor(() => expect(bobView.result.current.ada?.displayName).toBe(ada.user.displayName));
    await waitFor(() => expect(bobView.result.current.search.users.map((u) => u.id)).toEqual([ada.user.id]));
    for (const view of [adaHere, adaThere, bobView])
      await waitFor(() => expect(view.result.current.live).toBe('open'));

    const patch = {
      displayName: 'Ada Lovelace',
      statusText: 'Counting engines',
      avatarUrl: 'https://example.com/ada.png',
    };
    await act(async () => {
      await adaHere.result.current.profile.update(patch);
    });
    expect(adaHere.result.current.profile.me).toMatchObject({ ...patch, email: ada.user.email });
    await waitFor(() => expect(adaThere.result.current.profile.me).toMatchObject(patch));
    await waitFor(() => expect(bobView.result.current.ada).toMatchObject(patch));
    expect(bobView.result.current.search.users[0]).toMatchObject(patch);
  });

  it('useUser of myself is my own live profile', async () => {
    const ada = await signUp(server.url, 'ada');
    const { result } = renderFor(ada, () => ({ me: useUser(ada.user.id), profile: useProfile() }));
    await waitFor(() => expect(result.current.me?.displayName).toBe(ada.user.displayName));
    await act(async () => {
      await result.current.profile.update({ statusText: 'Here' });
    });
    expect(result.current.me).toMatchObject({ id: ada.user.id, statusText: 'Here' });
  });

  it('changePassword refuses a wrong current password, then changes it', async () => {
    const ada = await signUp(server.url, 'ada');
    const { result } = renderFor(ada, () => useProfile());
    await waitFor(() => expect(result.current.me).not.toBeNull());
    const next = 'N3w-S3cure!pass-words';
    await expect(result.current.changePassword('not my password', next)).rejects.toSatisfy((error) =>
      AuthenticationError.isInstance(error),
    );
    await result.current.changePassword(ada.account.password, next);
    await expect(
      signInAgain(server.url, { email: ada.account.email, password: next }),
    ).resolves.toMatchObject({
      user: { id: ada.user.id },
    });
    // Still signed in here: the change answered new tokens.
    expect(result.current.me?.id).toBe(ada.user.id);
    await expect(ada.client.auth.me()).resolves.toMatchObject({ id: ada.user.id });
  });
});
