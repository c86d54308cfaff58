import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import { FORMAT_VERSION, USERS_FILE } from './layout.js';
import { createLowdbStore } from './lowdb-store.js';

let dataDir: string;
afterEach(() => rm(dataDir, { recursive: true, force: true }));

async function opened() {
  const store = createLowdbStore({ dataDir });
  await store.init();
  return store;
}

describe('users.json', () => {
  it('reads users written before profiles and account deletion: no avatar, no status, not deleted', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chatwire-users-'));
    const {
      avatarUrl: _avatar,
      statusText: _status,
      deletedAt: _deleted,
      ...old
    } = f.newUser({ displayName: 'Ada' });
    await writeFile(join(dataDir, USERS_FILE), JSON.stringify({ version: FORMAT_VERSION, users: [old] }));
    const store = await opened();
    expect(await store.getUser(old.id)).toEqual({
      ...old,
      avatarUrl: null,
      statusText: null,
      deletedAt: null,
    });
    expect((await store.searchUsers('ada', 10))[0]).toMatchObject({ avatarUrl: null, statusText: null });
    await store.close();
  });

  it('keeps a tombstone, and its freed email key, across a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chatwire-users-'));
    let store = await opened();
    const user = await store.createUser(
      f.newUser({ email: 'gone@example.com', emailKey: 'gone@example.com' }),
    );
    await store.updateUser(user.id, { email: '', emailKey: `deleted:${user.id}`, deletedAt: f.at(5) });
    await store.close();
    store = await opened();
    expect((await store.getUser(user.id))?.deletedAt).toBe(f.at(5));
    expect(await store.getUserByEmail('gone@example.com')).toBeNull();
    await store.close();
  });

  it('keeps a profile change across a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chatwire-users-'));
    let store = await opened();
    const user = await store.createUser(f.newUser({ displayName: 'Ada' }));
    const other = await store.createUser(f.newUser({ displayName: 'Bob' }));
    await store.updateUser(user.id, { statusText: 'Away', avatarUrl: 'https://example.com/a.png' });
    await store.close();
    const file = JSON.parse(await readFile(join(dataDir, USERS_FILE), 'utf8'));
    expect(file.users).toHaveLength(2);
    store = await opened();
    expect(await store.getUser(user.id)).toMatchObject({
      statusText: 'Away',
      avatarUrl: 'https://example.com/a.png',
    });
    expect(await store.getUser(other.id)).toEqual(other);
    await store.close();
  });
});
