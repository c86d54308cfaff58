/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import { randomUUID } from 'node:crypto';
import type { Store, UserRecord } from '../store/store.js';
import { StoreConflictError } from '../store/store.js';
import { newConversation, newUser, participant } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Users: creation, the unique email key, lookups, search, profile changes, contacts, copies. */
export function describeUsers(store: Store): void {
  describe('users', () => {
    it('creates a user and finds it by id and by email key', async () => {
      const user = newUser({ email: 'Ada@Example.com', displayName: 'Ada' });
      expect(await store.createUser(user)).toEqual(user);
      expect(await store.getUser(user.id)).toEqual(user);
      expect(await store.getUserByEmail('ada@example.com')).toEqual(user);
      expect(await store.getUser(randomUUID())).toBeNull();
      expect(await store.getUserByEmail('nobody@example.com')).toBeNull();
    });

    it('refuses a taken email key, also when two sign-ups race', async () => {
      await store.createUser(newUser({ email: 'ada@example.com' }));
      await expect(store.createUser(newUser({ email: 'ADA@example.com' }))).rejects.toMatchObject({
        reason: 'email_taken',
      });
      const results = await Promise.allSettled([
        store.createUser(newUser({ email: 'grace@example.com' })),
        store.createUser(newUser({ email: 'grace@example.com' })),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const reasons = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      expect(reasons).toEqual([expect.any(StoreConflictError)]);
      expect(reasons[0]).toMatchObject({ reason: 'email_taken' });
    });

    it('gets several users at once, skipping unknown ids', async () => {
      const a = await store.createUser(newUser());
      const b = await store.createUser(newUser());
      const found = await store.getUsers([b.id, randomUUID(), a.id]);
      expect(found.map((user) => user.id).sort()).toEqual([a.id, b.id].sort());
      expect(await store.getUsers([])).toEqual([]);
    });

    it('searches display names case-insensitively, ordered by name then id, with a keyset', async () => {
      for (const displayName of ['bob', 'Alice', 'alina', 'Zed', 'ALI', 'Carol']) {
        await store.createUser(newUser({ displayName }));
      }
      const twins = [await store.createUser(newUser({ displayName: 'Ali' }))];
      twins.push(await store.createUser(newUser({ displayName: 'ali' })));
      const names = (users: UserRecord[]) => users.map((user) => user.displayName.toLowerCase());

      const all = await store.searchUsers('', 100);
      expect(all).toHaveLength(8);
      expect(names(all)).toEqual(['ali', 'ali', 'ali', 'alice', 'alina', 'bob', 'carol', 'zed']);
      const aliIds = all.slice(0, 3).map((user) => user.id);
      expect(aliIds).toEqual([...aliIds].sort());

      const first = await store.searchUsers('LI', 2);
      expect(names(first)).toEqual(['ali', 'ali']);
      const last = first.at(-1)!;
      const second = await store.searchUsers('LI', 10, { nameKey: 'ali', id: last.id });
      expect(names(second)).toEqual(['ali', 'alice', 'alina']);
      expect(await store.searchUsers('nobody', 10)).toEqual([]);
    });

    it('changes only the fields a patch names; null clears; the new name is searched at once', async () => {
      const user = await store.createUser(newUser({ displayName: 'Ada' }));
      expect(user).toMatchObject({ avatarUrl: null, statusText: null });
      const avatarUrl = 'https://example.com/ada.png';
      const changed = await store.updateUser(user.id, {
        displayName: 'Countess',
        avatarUrl,
        statusText: 'Away',
      });
      expect(changed).toEqual({ ...user, displayName: 'Countess', avatarUrl, statusText: 'Away' });
      expect(await store.getUser(user.id)).toEqual(changed);
      expect(await store.getUserByEmail(user.emailKey)).toEqual(changed);
      expect((await store.searchUsers('countess', 10)).map((found) => found.id)).toEqual([user.id]);
      expect(await store.searchUsers('ada', 10)).toEqual([]);

      const cleared = await store.updateUser(user.id, { statusText: null, passwordHash: 'new hash' });
      expect(cleared).toEqual({ ...changed, statusText: null, passwordHash: 'new hash' });
      expect(await store.updateUser(user.id, {})).toEqual(cleared);
      expect(await store.updateUser(randomUUID(), { displayName: 'Nobody' })).toBeNull();
      expect(await store.updateUser('not-an-id', { displayName: 'Nobody' })).toBeNull();
    });

    it('lists the people who share a conversation with a user, each once, not the user', async () => {
      const [me, a, b, stranger] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await store.createConversation(newConversation([me, a]));
      await store.createConversation(newConversation([a, me, b]));
      await store.createConversation(newConversation([stranger, a]));
      await store.createConversation(newConversation([stranger]));
      expect((await store.listContactIds(me)).sort()).toEqual([a, b].sort());
      expect(await store.listContactIds(stranger)).toEqual([a]);
      expect(await store.listContactIds(randomUUID())).toEqual([]);

      const group = await store.createConversation(newConversation([stranger]));
      await store.addParticipants(group.id, [participant(me)], group.createdAt);
      expect((await store.listContactIds(me)).sort()).toEqual([a, b, stranger].sort());
      await store.removeParticipant(group.id, me, group.createdAt);
      expect((await store.listContactIds(me)).sort()).toEqual([a, b].sort());
    });

    it('hands out copies: mutating a result or the input changes nothing stored', async () => {
      const input = newUser({ displayName: 'Ada' });
      const created = await store.createUser(input);
      input.displayName = 'changed input';
      created.displayName = 'changed result';
      const fetched = (await store.getUser(input.id))!;
      fetched.displayName = 'changed fetch';
      (await store.getUsers([input.id]))[0]!.displayName = 'changed list';
      (await store.searchUsers('', 10))[0]!.displayName = 'changed search';
      (await store.updateUser(input.id, { statusText: 'Here' }))!.displayName = 'changed update';
      expect((await store.getUser(input.id))?.displayName).toBe('Ada');
    });
  });
}
