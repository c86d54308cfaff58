/**
 * Deleting one's own account (`DELETE /v1/users/me`, the current password required).
 *
 * The order, each step safe to repeat (a process dying mid-way leaves an account that still
 * signs in with its password, and deleting it again finishes the job):
 * 1. every refresh token revoked (no new access token from now on);
 * 2. each conversation, one by one: an `assistant` one deleted with its files (the conversation
 *    deletion use case); a direct or group one left — a group owner first hands it over (to the
 *    longest-standing admin, else member) in the same write that makes them a member, a
 *    conversation left empty is deleted with its files, as when the last participant leaves;
 * 3. their uploads no message attaches deleted (bytes, then records);
 * 4. the user record becomes a tombstone: "Deleted user", no avatar or status, the email key freed
 *    (the address can register again), a password hash nothing matches, `deletedAt` set. Last, so
 *    that until it lands the password still proves who asks a retry;
 * 5. announced: `user.updated` (deleted) to everyone who shared a conversation (found before step
 *    2, while they still do — a retry after step 2 tells fewer), then `account.deleted` to the user,
 *    on which every process closes their sockets (4410) and forgets their access tokens.
 *
 * Messages they wrote in others' conversations stay, shown as from the deleted user.
 */
import type { Broker } from '../broker/broker.js';
import type { ConversationRecord, ParticipantRecord, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { ConversationService } from './conversations.js';
import { Unauthenticated } from './errors.js';
import type { FileRemoval } from './file-removal.js';
import { participantIds, toParticipant, toPublicUser } from './views.js';

export interface AccountDeletionDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  conversations: Pick<ConversationService, 'remove'>;
  files: Pick<FileRemoval, 'ofConversation' | 'afterConversationDeleted' | 'unattachedOf'>;
  /** Checks a password against a stored hash (bcrypt). */
  passwordMatches: (password: string, hash: string) => Promise<boolean>;
}

/** What a deleted account is shown as. */
export const deletedUserName = 'Deleted user';

/** Conversations read per pass while leaving them. */
const batch = 100;

/** Who takes over a group its owner leaves: the longest-standing admin, else member. */
export function successorOf(
  participants: readonly ParticipantRecord[],
  leaving: string,
): ParticipantRecord | null {
  const others = participants.filter((p) => p.userId !== leaving);
  const byTenure = (a: ParticipantRecord, b: ParticipantRecord) => a.joinedAt.localeCompare(b.joinedAt);
  return (
    others.filter((p) => p.role === 'admin').sort(byTenure)[0] ??
    others.filter((p) => p.role === 'member').sort(byTenure)[0] ??
    null
  );
}

/**
 * @example
 * ```ts
 * const deletion = createAccountDeletion({ store, broker, clock, conversations, files, passwordMatches });
 * await deletion.deleteAccount(userId, 'their current password');
 * ```
 */
export function createAccountDeletion(deps: AccountDeletionDeps) {
  const { store, broker, clock } = deps;
  const publish = (recipients: readonly string[], event: Parameters<Broker['publish']>[0]['event']) =>
    broker.publish({ recipients, event });

  async function deleteEmpty(id: string, userId: string): Promise<void> {
    await deps.files.ofConversation(id);
    await store.deleteConversation(id);
    await deps.files.afterConversationDeleted(id);
    await publish([userId], { type: 'conversation.deleted', conversationId: id });
  }

  async function leave(conversation: ConversationRecord, userId: string): Promise<void> {
    const { id } = conversation;
    if (conversation.participants.length <= 1) return deleteEmpty(id, userId);
    const me = conversation.participants.find((p) => p.userId === userId);
    const now = clock.now().toISOString();
    if (me?.role === 'owner') {
      const next = successorOf(conversation.participants, userId);
      if (next) {
        const handed = await store.setRoles(
          id,
          [
            { userId: next.userId, role: 'owner' },
            { userId, role: 'member' },
          ],
          now,
        );
        if (handed) {
          await publish(participantIds(handed), {
            type: 'participant.updated',
            conversationId: id,
            participant: toParticipant({ ...next, role: 'owner' }),
          });
        }
      }
    }
    const after = await store.removeParticipant(id, userId, now);
    if (!after) return;
    await publish(participantIds(conversation), { type: 'participant.removed', conversationId: id, userId });
  }

  return {
    async deleteAccount(userId: string, password: string): Promise<void> {
      const user = await store.getUser(userId);
      if (!user || user.deletedAt !== null) {
        throw new Unauthenticated('This account no longer exists', 'unauthorized');
      }
      if (!(await deps.passwordMatches(password, user.passwordHash))) {
        throw new Unauthenticated('The password is incorrect', 'invalid_credentials');
      }
      const contacts = await store.listContactIds(userId);
      await store.revokeRefreshTokensOf(userId, clock.now().toISOString());
      // Each pass removes the caller from what it read, so the next starts from the top again.
      for (;;) {
        const rows = await store.listConversationsForUser(userId, batch);
        if (rows.length === 0) break;
        for (const row of rows) {
          if (row.type === 'assistant') await deps.conversations.remove(userId, row.id);
          else await leave(row, userId);
        }
      }
      await deps.files.unattachedOf(userId);
      const now = clock.now().toISOString();
      const tombstone = await store.updateUser(userId, {
        displayName: deletedUserName,
        avatarUrl: null,
        statusText: null,
        // Not a bcrypt hash: no password compares equal to it.
        passwordHash: '!deleted',
        email: '',
        emailKey: `deleted:${userId}`,
        deletedAt: now,
      });
      if (tombstone && contacts.length > 0) {
        await publish(contacts, { type: 'user.updated', user: toPublicUser(tombstone, false) });
      }
      await publish([userId], { type: 'account.deleted', userId });
    },
  };
}

export type AccountDeletion = ReturnType<typeof createAccountDeletion>;
