/**
 * The SDK's side of roles, pins and account deletion against a real server, on each store:
 * `conversations.setRole`, `messages.pin`/`unpin`, `conversations.pins`, and `users.deleteMe`
 * leaving the client signed out (a wrong password leaves it signed in).
 */
import { AuthenticationError } from '@chatwire/sdk';
import { expect, it } from 'vitest';
import { signUp } from '../support/clients.js';
import { describeOnEachStore } from '../support/stores.js';

describeOnEachStore('roles, pins and deleting an account through the SDK', (server) => {
  it('sets a role, pins and unpins, lists pins', async () => {
    const [ada, bob] = await Promise.all([signUp(server().url, 'ada'), signUp(server().url, 'bob')]);
    const group = await ada.client.conversations.create({
      type: 'group',
      title: 'sdk',
      participantIds: [bob.user.id],
    });
    const updated = await ada.client.conversations.setRole(group.id, bob.user.id, 'admin');
    expect(updated.participants).toContainEqual(
      expect.objectContaining({ userId: bob.user.id, role: 'admin' }),
    );
    const { message } = await ada.client.messages.send(group.id, { content: 'pin this' });
    const pinned = await bob.client.messages.pin(group.id, message.id);
    expect(pinned.pinnedBy).toBe(bob.user.id);
    expect((await ada.client.conversations.pins(group.id)).items.map((m) => m.id)).toEqual([message.id]);
    expect((await ada.client.messages.unpin(group.id, message.id)).pinnedAt).toBeNull();
    expect((await ada.client.conversations.pins(group.id)).items).toEqual([]);
  });

  it('deleteMe signs the client out; a wrong password keeps it signed in', async () => {
    const ada = await signUp(server().url, 'ada');
    const changes: string[] = [];
    ada.client.auth.onChange((change) => changes.push(change.type));
    await expect(ada.client.users.deleteMe('wrong password')).rejects.toBeInstanceOf(AuthenticationError);
    expect((await ada.client.auth.me()).id).toBe(ada.user.id);
    await ada.client.users.deleteMe(ada.account.password);
    expect(changes).toContain('signed-out');
    await expect(ada.client.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
  });
});
