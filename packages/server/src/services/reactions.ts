/**
 * Reactions: a participant adds or takes back an emoji on a message; everyone in the
 * conversation hears of it with the message's reactions after the change.
 *
 * Rules:
 * - only participants react; to anyone else the conversation does not exist (the one 404 of a
 *   missing id), and a missing or deleted message is a 404 too;
 * - a person reacts with an emoji once: adding it again, or taking back one they never gave,
 *   changes nothing and announces nothing (a retried request is harmless);
 * - a message takes at most `reactionsPerMessage` distinct emoji: a new one past it is a conflict,
 *   while joining an existing one always works;
 * - emoji keep the order they were first used in, people the order they reacted in, and an
 *   emoji nobody has any more is gone.
 *
 * Each change is one read-modify-write of the message (`Store.modifyMessage`): two people (or one
 * person on two devices) reacting at once on different processes never lose one another's.
 */
import type { Message, RealtimeEvent } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import type { ReactionRecord, Store } from '../store/store.js';
import type { ConversationService } from './conversations.js';
import { Conflict, NotFound } from './errors.js';
import type { Presenter } from './views.js';

export interface ReactionServiceDeps {
  store: Pick<Store, 'modifyMessage'>;
  broker: Broker;
  conversations: Pick<ConversationService, 'requireMember'>;
  /** How the message goes out in the answer (its files' signed URLs). */
  present: Pick<Presenter, 'message'>;
  /** Most distinct emoji on one message (`REACTIONS_PER_MESSAGE`, default 20). */
  reactionsPerMessage: number;
}

/** What a change does to a message's reactions: the groups after it, or why there are none. */
type Outcome = { groups: ReactionRecord[] } | 'unchanged' | 'full';

/** `groups` with `userId`'s `emoji` added: at the end of its group, or as a new group at the end. */
export function withReaction(
  groups: readonly ReactionRecord[],
  emoji: string,
  userId: string,
  maxGroups: number,
): Outcome {
  const index = groups.findIndex((group) => group.emoji === emoji);
  if (index === -1) {
    if (groups.length >= maxGroups) return 'full';
    return { groups: [...groups, { emoji, userIds: [userId] }] };
  }
  const group = groups[index]!;
  if (group.userIds.includes(userId)) return 'unchanged';
  return { groups: groups.with(index, { emoji, userIds: [...group.userIds, userId] }) };
}

/** `groups` without `userId`'s `emoji`; a group left with nobody goes. */
export function withoutReaction(groups: readonly ReactionRecord[], emoji: string, userId: string): Outcome {
  const index = groups.findIndex((group) => group.emoji === emoji);
  const group = groups[index];
  if (!group?.userIds.includes(userId)) return 'unchanged';
  const userIds = group.userIds.filter((id) => id !== userId);
  return {
    groups: userIds.length === 0 ? groups.toSpliced(index, 1) : groups.with(index, { emoji, userIds }),
  };
}

const messageNotFound = () => new NotFound('Message not found');

/**
 * @example
 * ```ts
 * const reactions = createReactionService({ store, broker, conversations, present, reactionsPerMessage: 20 });
 * const message = await reactions.add(userId, conversationId, messageId, '👍');
 * message.reactions; // [{ emoji: '👍', count: 1, userIds: [userId] }]
 * await reactions.remove(userId, conversationId, messageId, '👍'); // reactions: []
 * ```
 */
export function createReactionService(deps: ReactionServiceDeps) {
  const { store, broker, conversations, present } = deps;

  async function change(
    userId: string,
    conversationId: string,
    messageId: string,
    emoji: string,
    type: 'reaction.added' | 'reaction.removed',
  ): Promise<Message> {
    const membership = await conversations.requireMember(userId, conversationId);
    const next = (groups: readonly ReactionRecord[]): Outcome =>
      type === 'reaction.added'
        ? withReaction(groups, emoji, userId, deps.reactionsPerMessage)
        : withoutReaction(groups, emoji, userId);
    // Set by the change itself; the store may call it more than once, and the last call decides.
    let outcome: Outcome | 'deleted' = 'unchanged';
    const after = await store.modifyMessage(conversationId, messageId, (message) => {
      outcome = message.status === 'deleted' ? 'deleted' : next(message.reactions);
      return typeof outcome === 'string' ? null : { reactions: outcome.groups };
    });
    // A cast: TypeScript does not see the callback's assignment and would narrow to 'unchanged'.
    const decided = outcome as Outcome | 'deleted';
    if (!after || decided === 'deleted') throw messageNotFound();
    if (decided === 'full') {
      throw new Conflict(
        `This message already has ${deps.reactionsPerMessage} different reactions: react with one of them`,
        { fields: [{ path: ['emoji'], message: 'One emoji too many on this message' }] },
      );
    }
    const view = present.message(after);
    if (decided !== 'unchanged') {
      const event: RealtimeEvent = {
        type,
        conversationId,
        messageId,
        userId,
        emoji,
        reactions: view.reactions,
      };
      await broker.publish({ recipients: membership.participantIds, event });
    }
    return view;
  }

  return {
    /** Adds `userId`'s `emoji` to the message (idempotent); answers the message after. */
    add: (userId: string, conversationId: string, messageId: string, emoji: string) =>
      change(userId, conversationId, messageId, emoji, 'reaction.added'),
    /** Takes `userId`'s `emoji` back (idempotent); answers the message after. */
    remove: (userId: string, conversationId: string, messageId: string, emoji: string) =>
      change(userId, conversationId, messageId, emoji, 'reaction.removed'),
  };
}

export type ReactionService = ReturnType<typeof createReactionService>;
