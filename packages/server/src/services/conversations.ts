/**
 * Conversations and who is in them. Every read or change checks that the caller takes part:
 * to anyone else a conversation does not exist (404).
 */
import type {
  Conversation,
  Page,
  RealtimeEvent,
  RouteBody,
  Routes,
  UpdateConversationInput,
} from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';
import type { Broker } from '../broker/broker.js';
import { conversationNotFound, HttpError } from '../http/http-error.js';
import { newId } from '../ids.js';
import type { ModelRegistry } from '../providers/registry.js';
import type { ConversationRecord, Membership, ParticipantRecord, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { participantIds, toConversation } from './views.js';

const ListCursor = z.object({ a: z.string(), i: z.string() });

export interface ConversationServiceDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  models: ModelRegistry;
}

type CreateInput = RouteBody<Routes['createConversation']>;

export function createConversationService(deps: ConversationServiceDeps) {
  const { store, broker, clock } = deps;

  const publish = (recipients: readonly string[], event: RealtimeEvent) =>
    broker.publish({ recipients, event });

  /**
   * The caller's membership if `userId` takes part in conversation `id`; 404 otherwise. The
   * cheap check for the hot paths (send, typing, read): no read state, no last message. Use
   * {@link requireParticipant} when the whole record is needed (a view, owner checks).
   */
  async function requireMember(userId: string, id: string): Promise<Membership> {
    const membership = await store.getMembership(id, userId);
    if (!membership) throw conversationNotFound();
    return membership;
  }

  /** The conversation if `userId` takes part in it; 404 otherwise. */
  async function requireParticipant(userId: string, id: string): Promise<ConversationRecord> {
    const conversation = await store.getConversation(id);
    if (!conversation?.participants.some((p) => p.userId === userId)) throw conversationNotFound();
    return conversation;
  }

  function requireOwner(userId: string, conversation: ConversationRecord, action: string): void {
    const role = conversation.participants.find((p) => p.userId === userId)?.role;
    if (role !== 'owner') throw new HttpError('forbidden', `Only the conversation's owner can ${action}`);
  }

  async function requireUsers(ids: readonly string[], path: string[]): Promise<void> {
    const found = new Set((await store.getUsers(ids)).map((user) => user.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new HttpError('not_found', `No such user: ${missing.join(', ')}`, {
        details: missing.map((id) => ({ path, message: `No user ${id}` })),
      });
    }
  }

  function resolveModelAlias(alias: string | null | undefined, path: string[]): string | null {
    if (alias === null || alias === undefined) return null;
    if (!deps.models.list().some((model) => model.id === alias)) {
      const known = deps.models.list().map((model) => model.id);
      throw new HttpError(
        'validation_failed',
        `Unknown model "${alias}"; this server offers: ${known.join(', ')}`,
        {
          details: [{ path, message: `Unknown model; one of ${known.join(', ')}` }],
        },
      );
    }
    return alias;
  }

  async function announceCreated(conversation: ConversationRecord): Promise<void> {
    const recipients = participantIds(conversation);
    await Promise.all(
      recipients.map((userId) =>
        publish([userId], {
          type: 'conversation.created',
          conversation: toConversation(conversation, userId),
        }),
      ),
    );
  }

  async function announceUpdated(conversation: ConversationRecord): Promise<void> {
    await Promise.all(
      participantIds(conversation).map((userId) =>
        publish([userId], {
          type: 'conversation.updated',
          conversation: toConversation(conversation, userId),
        }),
      ),
    );
  }

  const participant = (userId: string, role: ParticipantRecord['role'], at: string): ParticipantRecord => ({
    userId,
    role,
    joinedAt: at,
    readCount: 0,
    lastReadMessageId: null,
  });

  return {
    requireParticipant,
    requireMember,

    async create(
      userId: string,
      input: CreateInput,
    ): Promise<{ status: 200 | 201; conversation: Conversation }> {
      const now = clock.now().toISOString();
      const base = {
        id: newId(),
        createdAt: now,
        updatedAt: now,
        model: null,
        systemPrompt: null,
        title: null,
      };
      if (input.type === 'assistant') {
        const conversation = await store.createConversation({
          ...base,
          type: 'assistant',
          title: input.title || null,
          model: resolveModelAlias(input.model, ['body', 'model']),
          systemPrompt: input.systemPrompt ?? null,
          directKey: null,
          participants: [participant(userId, 'owner', now)],
        });
        await announceCreated(conversation);
        return { status: 201, conversation: toConversation(conversation, userId) };
      }
      const others = [...new Set(input.participantIds)].filter((id) => id !== userId);
      if (others.length === 0) {
        throw new HttpError('validation_failed', 'Name at least one other user', {
          details: [{ path: ['body', 'participantIds'], message: 'Must name someone other than yourself' }],
        });
      }
      await requireUsers(others, ['body', 'participantIds']);
      if (input.type === 'direct') {
        const other = others[0]!;
        const { conversation, created } = await store.findOrCreateDirectConversation({
          ...base,
          type: 'direct',
          directKey: [userId, other].sort().join(':'),
          participants: [participant(userId, 'member', now), participant(other, 'member', now)],
        });
        if (created) await announceCreated(conversation);
        return { status: created ? 201 : 200, conversation: toConversation(conversation, userId) };
      }
      const conversation = await store.createConversation({
        ...base,
        type: 'group',
        title: input.title || null,
        directKey: null,
        participants: [
          participant(userId, 'owner', now),
          ...others.map((id) => participant(id, 'member', now)),
        ],
      });
      await announceCreated(conversation);
      return { status: 201, conversation: toConversation(conversation, userId) };
    },

    async list(userId: string, query: { limit: number; cursor?: string }): Promise<Page<Conversation>> {
      const after = query.cursor ? decodeCursor(query.cursor, ListCursor) : undefined;
      const rows = await store.listConversationsForUser(
        userId,
        query.limit + 1,
        after ? { lastActivityAt: after.a, id: after.i } : undefined,
      );
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map((row) => toConversation(row, userId)),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor({ a: last.lastActivityAt, i: last.id }) : null,
      };
    },

    async get(userId: string, id: string): Promise<Conversation> {
      return toConversation(await requireParticipant(userId, id), userId);
    },

    async update(userId: string, id: string, patch: UpdateConversationInput): Promise<Conversation> {
      const current = await requireParticipant(userId, id);
      if (current.type === 'direct') {
        throw new HttpError(
          'bad_request',
          'A direct conversation has no title, model or system prompt to change',
        );
      }
      if (current.type === 'group' && (patch.model !== undefined || patch.systemPrompt !== undefined)) {
        throw new HttpError('bad_request', 'Only assistant conversations have a model and a system prompt');
      }
      const updated = await store.updateConversation(id, {
        ...(patch.title !== undefined ? { title: patch.title || null } : {}),
        ...(patch.systemPrompt !== undefined ? { systemPrompt: patch.systemPrompt } : {}),
        ...(patch.model !== undefined ? { model: resolveModelAlias(patch.model, ['body', 'model']) } : {}),
        updatedAt: clock.now().toISOString(),
      });
      if (!updated) throw conversationNotFound();
      await announceUpdated(updated);
      return toConversation(updated, userId);
    },

    async remove(userId: string, id: string): Promise<void> {
      const conversation = await requireParticipant(userId, id);
      if (conversation.type !== 'direct') requireOwner(userId, conversation, 'delete it');
      if (!(await store.deleteConversation(id))) throw conversationNotFound();
      await publish(participantIds(conversation), { type: 'conversation.deleted', conversationId: id });
    },

    async addParticipants(userId: string, id: string, userIds: string[]): Promise<Conversation> {
      const conversation = await requireParticipant(userId, id);
      if (conversation.type !== 'group')
        throw new HttpError('bad_request', 'Only groups take more participants');
      requireOwner(userId, conversation, 'add people');
      const present = new Set(participantIds(conversation));
      const added = [...new Set(userIds)].filter((candidate) => !present.has(candidate));
      await requireUsers(added, ['body', 'userIds']);
      if (added.length === 0) return toConversation(conversation, userId);
      const now = clock.now().toISOString();
      const updated = await store.addParticipants(
        id,
        added.map((candidate) => participant(candidate, 'member', now)),
        now,
      );
      if (!updated) throw conversationNotFound();
      const everyone = participantIds(updated);
      for (const record of updated.participants.filter((p) => added.includes(p.userId))) {
        await publish(everyone, {
          type: 'participant.added',
          conversationId: id,
          participant: { userId: record.userId, role: record.role, joinedAt: record.joinedAt },
        });
      }
      await Promise.all(
        added.map((newcomer) =>
          publish([newcomer], {
            type: 'conversation.created',
            conversation: toConversation(updated, newcomer),
          }),
        ),
      );
      return toConversation(updated, userId);
    },

    async removeParticipant(userId: string, id: string, target: string): Promise<void> {
      const conversation = await requireParticipant(userId, id);
      if (conversation.type !== 'group')
        throw new HttpError('bad_request', 'Only groups change participants');
      if (target !== userId) requireOwner(userId, conversation, 'remove people');
      const leaving = conversation.participants.find((p) => p.userId === target);
      if (!leaving) throw new HttpError('not_found', 'That user is not in this conversation');
      if (leaving.role === 'owner' && conversation.participants.length > 1) {
        throw new HttpError(
          'bad_request',
          'The owner cannot leave a group others are in: delete the group instead',
        );
      }
      if (conversation.participants.length === 1) {
        await store.deleteConversation(id);
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
      const membership = await requireMember(userId, id);
      const result = await store.markRead(id, userId, messageId);
      if (!result) throw new HttpError('not_found', 'Message not found');
      if (result.moved) {
        await publish(membership.participantIds, { type: 'read', conversationId: id, userId, messageId });
      }
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
