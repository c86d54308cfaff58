/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import { randomUUID } from 'node:crypto';
import type { Store, UserRecord } from '../store/store.js';
import { StoreConflictError } from '../store/store.js';
import { newUser } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Users: creation, the unique email key, lookups, search, copies. */
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

    it('hands out copies: mutating a result or the input changes nothing stored', async () => {
      const input = newUser({ displayName: 'Ada' });
      const created = await store.createUser(input);
      input.displayName = 'changed input';
      created.displayName = 'changed result';
      const fetched = (await store.getUser(input.id))!;
      fetched.displayName = 'changed fetch';
      (await store.getUsers([input.id]))[0]!.displayName = 'changed list';
      (await store.searchUsers('', 10))[0]!.displayName = 'changed search';
      expect((await store.getUser(input.id))?.displayName).toBe('Ada');
    });
  });
}
