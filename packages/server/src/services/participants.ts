/**
 * Who is in a conversation: adding people to a group (its owner and admins), removing them or leaving, and
 * read markers. An outsider gets the same 404 as for a missing conversation.
 *
 * People invited into an assistant conversation make it a group whose assistant (the
 * conversation's model) answers every message: nothing changes for its owner, and everyone
 * already in hears of it as `conversation.updated`.
 */
import type { Conversation, RealtimeEvent } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import type { ModelRegistry } from '../providers/registry.js';
import type { BecomesGroup, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import {
  announceToEach,
  conversationNotFound,
  newParticipant as participant,
  requireMember,
  requireParticipant,
  requireUsers,
  roleIn,
} from './conversation-rules.js';
import { NotFound, Refused } from './errors.js';
import type { FileRemoval } from './file-removal.js';
import { removalOf, requireCan } from './permissions.js';
import { type Presenter, participantIds, toParticipant } from './views.js';

export interface ParticipantServiceDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  /** How conversations go out (their last message's signed file URLs). */
  present: Presenter;
  /** The alias an assistant conversation without a model is answered by: its assistant once people join. */
  models: Pick<ModelRegistry, 'defaultAlias'>;
  /** Removes the files of a group its last participant leaves (which deletes it). */
  files: Pick<FileRemoval, 'ofConversation' | 'afterConversationDeleted'>;
  /** `read` events reach every participant up to this size, only the reader past it. */
  readReceiptsMaxConversationSize: number;
}

export function createParticipantService(deps: ParticipantServiceDeps) {
  const { store, broker, clock, present } = deps;

  const publish = (recipients: readonly string[], event: RealtimeEvent) =>
    broker.publish({ recipients, event });

  return {
    async addParticipants(userId: string, id: string, userIds: string[]): Promise<Conversation> {
      const conversation = await requireParticipant(store, userId, id);
      if (conversation.type === 'direct') throw new Refused('Only groups take more participants');
      // An assistant conversation's owner may invite people: it becomes a group (below).
      requireCan(roleIn(conversation, userId), 'addMembers');
      const inAlready = new Set(participantIds(conversation));
      const added = [...new Set(userIds)].filter((candidate) => !inAlready.has(candidate));
      await requireUsers(store, added, ['userIds']);
      if (added.length === 0) return present.conversation(conversation, userId);
      const now = clock.now().toISOString();
      const becomes: BecomesGroup | undefined =
        conversation.type === 'assistant'
          ? {
              type: 'group',
              assistant: {
                model: conversation.model ?? deps.models.defaultAlias,
                respondTo: 'every_message',
              },
            }
          : undefined;
      const updated = await store.addParticipants(
        id,
        added.map((candidate) => participant(candidate, 'member', now)),
        now,
        becomes,
      );
      if (!updated) throw conversationNotFound();
      if (becomes) await announceToEach(broker, present, 'conversation.updated', updated, [...inAlready]);
      const everyone = participantIds(updated);
      for (const record of updated.participants.filter((p) => added.includes(p.userId))) {
        await publish(everyone, {
          type: 'participant.added',
          conversationId: id,
          participant: toParticipant(record),
        });
      }
      await announceToEach(broker, present, 'conversation.created', updated, added);
      return present.conversation(updated, userId);
    },

    async removeParticipant(userId: string, id: string, target: string): Promise<void> {
      const conversation = await requireParticipant(store, userId, id);
      if (conversation.type !== 'group') throw new Refused('Only groups change participants');
      const leaving = conversation.participants.find((p) => p.userId === target);
      if (target !== userId) {
        const role = roleIn(conversation, userId);
        // An admin learns no more about who is in it than a member would: the role check first.
        requireCan(role, 'removeMembers');
        if (leaving) requireCan(role, removalOf(leaving.role));
      }
      if (!leaving) throw new NotFound('That user is not in this conversation');
      if (leaving.role === 'owner' && conversation.participants.length > 1) {
        throw new Refused('The owner cannot leave a group others are in: delete the group instead');
      }
      if (conversation.participants.length === 1) {
        // As a delete does (conversations.ts): files first, and again after for a racing send.
        await deps.files.ofConversation(id);
        await store.deleteConversation(id);
        await deps.files.afterConversationDeleted(id);
        await publish([target], { type: 'conversation.deleted', conversationId: id });
        return;
      }
      const updated = await store.removeParticipant(id, target, clock.now().toISOString());
      if (!updated) throw conversationNotFound();
      await publish(participantIds(conversation), {
        type: 'participant.removed',
        conversationId: id,
        userId: target,
      });
    },

    async markRead(userId: string, id: string, messageId: string): Promise<void> {
      const membership = await requireMember(store, userId, id);
      const result = await store.markRead(id, userId, messageId);
      if (!result) throw new NotFound('Message not found');
      if (result.moved) {
        // Read receipts: everyone draws "seen by" from these; in a big group only the reader's
        // own tabs hear of it (a frame per member per read would be N² traffic).
        const everyone = membership.participantIds;
        const recipients = everyone.length > deps.readReceiptsMaxConversationSize ? [userId] : everyone;
        await publish(recipients, { type: 'read', conversationId: id, userId, messageId });
      }
    },
  };
}

export type ParticipantService = ReturnType<typeof createParticipantService>;
