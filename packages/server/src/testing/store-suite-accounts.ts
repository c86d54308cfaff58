/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import type { Store } from '../store/store.js';
import { at, newConversation, newFile, newUser, participant, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Roles, tombstones (a freed email key) and a user's unattached uploads. */
export function describeAccounts(store: Store): void {
  describe('roles', () => {
    it('sets several roles in one step and skips people not in the conversation', async () => {
      const [alice, bob, carol] = [userId(), userId(), userId()];
      const conversation = await store.createConversation(
        newConversation([alice, bob, carol], {
          participants: [{ ...participant(alice), role: 'owner' }, participant(bob), participant(carol)],
        }),
      );
      const updated = await store.setRoles(
        conversation.id,
        [
          { userId: bob, role: 'owner' },
          { userId: alice, role: 'admin' },
          { userId: userId(), role: 'admin' },
        ],
        at(50),
      );
      expect(updated?.participants.map((p) => [p.userId, p.role])).toEqual([
        [alice, 'admin'],
        [bob, 'owner'],
        [carol, 'member'],
      ]);
      expect(updated?.updatedAt).toBe(at(50));
      expect((await store.getMembership(conversation.id, alice))?.role).toBe('admin');
      expect((await store.getConversation(conversation.id))?.participants[1]?.role).toBe('owner');
      expect(await store.setRoles(userId(), [{ userId: alice, role: 'admin' }], at(51))).toBeNull();
    });
  });

  describe('tombstones', () => {
    it('frees the email key of a tombstone for a new account, and keeps the record by id', async () => {
      const user = await store.createUser(
        newUser({ email: 'Gone@Example.com', emailKey: 'gone@example.com' }),
      );
      expect(user.deletedAt).toBeNull();
      const tombstone = await store.updateUser(user.id, {
        displayName: 'Deleted user',
        email: '',
        emailKey: `deleted:${user.id}`,
        deletedAt: at(9),
      });
      expect(tombstone).toMatchObject({ displayName: 'Deleted user', deletedAt: at(9), email: '' });
      expect(await store.getUserByEmail('gone@example.com')).toBeNull();
      expect((await store.getUser(user.id))?.deletedAt).toBe(at(9));
      const again = await store.createUser(
        newUser({ email: 'gone@example.com', emailKey: 'gone@example.com' }),
      );
      expect((await store.getUserByEmail('gone@example.com'))?.id).toBe(again.id);
      // A tombstone is nobody to find.
      expect((await store.searchUsers('Deleted user', 10)).map((u) => u.id)).not.toContain(user.id);
    });

    it('refuses an email key another user has', async () => {
      const [a, b] = [await store.createUser(newUser()), await store.createUser(newUser())];
      await expect(store.updateUser(a.id, { emailKey: b.emailKey })).rejects.toMatchObject({
        reason: 'email_taken',
      });
    });
  });

  describe('unattached uploads', () => {
    it("lists an owner's unattached files only", async () => {
      const [owner, other] = [userId(), userId()];
      const mine = await store.createFile(newFile(owner));
      await store.createFile(newFile(other));
      expect((await store.listUnattachedFilesOf(owner)).map((f) => f.id)).toEqual([mine.id]);
      expect(await store.listUnattachedFilesOf(userId())).toEqual([]);
    });
  });
}
