/**
 * The checks and announcements every conversation use case shares: is the caller in it (an
 * outsider gets the same 404 as for a missing conversation), what is their role, do the named
 * people exist — and telling each participant of a conversation as they see it.
 */
import type { ConversationType, ParticipantRole } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import type { ConversationRecord, Membership, ParticipantRecord, Store } from '../store/store.js';
import { Forbidden, NotFound } from './errors.js';
import { can } from './permissions.js';
import { type Presenter, participantIds } from './views.js';

/** A conversation that does not exist *or* that the caller is not in: never reveal which. */
export const conversationNotFound = () => new NotFound('Conversation not found');

/**
 * The caller's membership if `userId` takes part in conversation `id`; 404 otherwise. The cheap
 * check for the hot paths (send, typing, read): no read state, no last message. Use
 * {@link requireParticipant} when the whole record is needed (a view, owner checks).
 */
export async function requireMember(store: Store, userId: string, id: string): Promise<Membership> {
  const membership = await store.getMembership(id, userId);
  if (!membership) throw conversationNotFound();
  return membership;
}

/** The conversation if `userId` takes part in it; 404 otherwise. */
export async function requireParticipant(
  store: Store,
  userId: string,
  id: string,
): Promise<ConversationRecord> {
  const conversation = await store.getConversation(id);
  if (!conversation?.participants.some((p) => p.userId === userId)) throw conversationNotFound();
  return conversation;
}

/** `userId`'s role in `conversation` (they are in it: see {@link requireParticipant}). */
export function roleIn(conversation: ConversationRecord, userId: string): ParticipantRole {
  return conversation.participants.find((p) => p.userId === userId)?.role ?? 'member';
}

/**
 * Who may set, change or remove a conversation's assistant member: a group's owner; in a direct
 * conversation (two members, no owner) either person. One function, so that a new role (an
 * `admin`) is one more case here.
 */
export function canManageAssistant(role: ParticipantRole | undefined, type: ConversationType): boolean {
  return role !== undefined && can(role, 'setAssistant', type);
}

export function requireCanManageAssistant(userId: string, conversation: ConversationRecord): void {
  const role = conversation.participants.find((p) => p.userId === userId)?.role;
  if (!canManageAssistant(role, conversation.type)) {
    throw new Forbidden("Only the conversation's owner and admins can choose its assistant");
  }
}

/**
 * Who may stop or regenerate an assistant reply in a conversation between people: the person
 * whose message it answers, or the owner. In an assistant conversation (one person) that is
 * always its owner. `askerId` is `null` when the message it answered is gone: then the owner.
 */
export function canSteerReply(
  userId: string,
  role: ParticipantRole,
  conversationType: ConversationType,
  askerId: string | null,
): boolean {
  if (conversationType === 'assistant') return true;
  // A direct chat has no owner or admin: when the message answered is gone, either person may.
  if (askerId === null && conversationType === 'direct') return true;
  return (askerId !== null && askerId === userId) || can(role, 'steerReplies', conversationType);
}

/** `NotFound` naming each of `ids` that is no user, at `path` in the input. */
export async function requireUsers(store: Store, ids: readonly string[], path: string[]): Promise<void> {
  // A deleted account's tombstone is no one to talk to: it cannot be added anywhere.
  const users = await store.getUsers(ids);
  const found = new Set(users.filter((user) => user.deletedAt === null).map((user) => user.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new NotFound(`No such user: ${missing.join(', ')}`, {
      fields: missing.map((id) => ({ path, message: `No user ${id}` })),
    });
  }
}

export const newParticipant = (
  userId: string,
  role: ParticipantRecord['role'],
  at: string,
): ParticipantRecord => ({
  userId,
  role,
  joinedAt: at,
  readCount: 0,
  lastReadMessageId: null,
});

/** Tells each of `userIds` (default: every participant) of the conversation, as they see it. */
export async function announceToEach(
  broker: Broker,
  present: Pick<Presenter, 'conversation'>,
  type: 'conversation.created' | 'conversation.updated',
  conversation: ConversationRecord,
  userIds: readonly string[] = participantIds(conversation),
): Promise<void> {
  await Promise.all(
    userIds.map((userId) =>
      broker.publish({
        recipients: [userId],
        event: { type, conversation: present.conversation(conversation, userId) },
      }),
    ),
  );
}
