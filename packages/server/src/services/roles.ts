/**
 * Roles: the owner of a group makes someone an admin, takes it back, or hands the group over
 * (`role: 'owner'`: the previous owner becomes an admin, both in one store write). Everyone in
 * the conversation hears `participant.updated` for each role that changed. What each role may do
 * is `permissions.ts`.
 */
import type { Conversation, ParticipantRole } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import type { RoleChange, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { conversationNotFound, requireParticipant, roleIn } from './conversation-rules.js';
import { NotFound, Refused } from './errors.js';
import { requireCan } from './permissions.js';
import { type Presenter, participantIds, toParticipant } from './views.js';

export interface RoleServiceDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  present: Pick<Presenter, 'conversation'>;
}

/**
 * @example
 * ```ts
 * const roles = createRoleService({ store, broker, clock, present });
 * await roles.setRole(ownerId, groupId, bobId, 'admin'); // bob may now add people, rename, pin
 * await roles.setRole(ownerId, groupId, bobId, 'owner'); // bob owns it; the caller is an admin
 * ```
 */
export function createRoleService(deps: RoleServiceDeps) {
  const { store, broker, clock, present } = deps;
  return {
    async setRole(userId: string, id: string, target: string, role: ParticipantRole): Promise<Conversation> {
      const conversation = await requireParticipant(store, userId, id);
      if (conversation.type !== 'group') throw new Refused('Only groups have roles to change');
      requireCan(roleIn(conversation, userId), 'setRoles');
      const current = conversation.participants.find((p) => p.userId === target);
      if (!current) throw new NotFound('That user is not in this conversation');
      if (target === userId) {
        throw new Refused('The owner keeps their role until they hand the group to someone else');
      }
      if (current.role === role) return present.conversation(conversation, userId);
      const changes: RoleChange[] =
        role === 'owner'
          ? [
              { userId: target, role: 'owner' },
              { userId, role: 'admin' },
            ]
          : [{ userId: target, role }];
      const updated = await store.setRoles(id, changes, clock.now().toISOString());
      if (!updated) throw conversationNotFound();
      const everyone = participantIds(updated);
      for (const change of changes) {
        const participant = updated.participants.find((p) => p.userId === change.userId);
        if (!participant) continue;
        await broker.publish({
          recipients: everyone,
          event: {
            type: 'participant.updated',
            conversationId: id,
            participant: toParticipant(participant),
          },
        });
      }
      return present.conversation(updated, userId);
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
