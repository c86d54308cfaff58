/**
 * Conversations: start, list, read, rename (or change model and prompt), delete. Every read or
 * change checks that the caller takes part: to anyone else a conversation does not exist (404).
 * Who is in them is `participants.ts`. Deleting one deletes every file attached in it, first
 * (`file-removal.ts`).
 */
import type {
  AssistantMemberInput,
  Conversation,
  Page,
  RouteBody,
  Routes,
  UpdateConversationInput,
} from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';
import type { Broker } from '../broker/broker.js';
import { newId } from '../ids.js';
import type { ModelRegistry } from '../providers/registry.js';
import type { Membership, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { requireChangeable, resolveAssistantMember, resolveModel } from './conversation-changes.js';
import {
  announceToEach,
  conversationNotFound,
  newParticipant as participant,
  requireMember,
  requireParticipant,
  requireUsers,
  roleIn,
} from './conversation-rules.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Invalid } from './errors.js';
import type { FileRemoval } from './file-removal.js';
import { requireCan } from './permissions.js';
import { type Presenter, participantIds } from './views.js';

const ListCursor = z.object({ a: z.string(), i: z.string() });

export interface ConversationServiceDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  models: ModelRegistry;
  /** How conversations go out (their last message's signed file URLs). */
  present: Presenter;
  /** Removes a deleted conversation's files. */
  files: Pick<FileRemoval, 'ofConversation' | 'afterConversationDeleted'>;
}

type CreateInput = RouteBody<Routes['createConversation']>;

export function createConversationService(deps: ConversationServiceDeps) {
  const { store, broker, clock, present } = deps;

  const resolveModelAlias = (alias: string | null | undefined, path: string[]) =>
    resolveModel(deps.models, alias, path);
  const resolveAssistant = (input: AssistantMemberInput | null | undefined, path: string[]) =>
    resolveAssistantMember(deps.models, input, path);

  return {
    /** See {@link requireMember}: the caller's membership, or 404. */
    requireMember: (userId: string, id: string): Promise<Membership> => requireMember(store, userId, id),

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
        assistant: null,
      };
      if (input.type === 'assistant') {
        const conversation = await store.createConversation({
          ...base,
          type: 'assistant',
          title: input.title || null,
          model: resolveModelAlias(input.model, ['model']),
          systemPrompt: input.systemPrompt ?? null,
          directKey: null,
          participants: [participant(userId, 'owner', now)],
        });
        await announceToEach(broker, present, 'conversation.created', conversation);
        return { status: 201, conversation: present.conversation(conversation, userId) };
      }
      const others = [...new Set(input.participantIds)].filter((id) => id !== userId);
      if (others.length === 0) {
        throw new Invalid('Name at least one other user', [
          { path: ['participantIds'], message: 'Must name someone other than yourself' },
        ]);
      }
      await requireUsers(store, others, ['participantIds']);
      const assistant = resolveAssistant(input.assistant, ['assistant', 'model']);
      if (input.type === 'direct') {
        const other = others[0]!;
        const { conversation, created } = await store.findOrCreateDirectConversation({
          ...base,
          assistant,
          type: 'direct',
          directKey: [userId, other].sort().join(':'),
          participants: [participant(userId, 'member', now), participant(other, 'member', now)],
        });
        if (created) await announceToEach(broker, present, 'conversation.created', conversation);
        return { status: created ? 201 : 200, conversation: present.conversation(conversation, userId) };
      }
      const conversation = await store.createConversation({
        ...base,
        assistant,
        type: 'group',
        title: input.title || null,
        directKey: null,
        participants: [
          participant(userId, 'owner', now),
          ...others.map((id) => participant(id, 'member', now)),
        ],
      });
      await announceToEach(broker, present, 'conversation.created', conversation);
      return { status: 201, conversation: present.conversation(conversation, userId) };
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
        items: items.map((row) => present.conversation(row, userId)),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor({ a: last.lastActivityAt, i: last.id }) : null,
      };
    },

    async get(userId: string, id: string): Promise<Conversation> {
      return present.conversation(await requireParticipant(store, userId, id), userId);
    },

    async update(userId: string, id: string, patch: UpdateConversationInput): Promise<Conversation> {
      const current = await requireParticipant(store, userId, id);
      requireChangeable(userId, current, patch);
      const updated = await store.updateConversation(id, {
        ...(patch.title !== undefined ? { title: patch.title || null } : {}),
        ...(patch.systemPrompt !== undefined ? { systemPrompt: patch.systemPrompt } : {}),
        ...(patch.model !== undefined ? { model: resolveModelAlias(patch.model, ['model']) } : {}),
        ...(patch.assistant !== undefined
          ? { assistant: resolveAssistant(patch.assistant, ['assistant', 'model']) }
          : {}),
        updatedAt: clock.now().toISOString(),
      });
      if (!updated) throw conversationNotFound();
      await announceToEach(broker, present, 'conversation.updated', updated);
      return present.conversation(updated, userId);
    },

    async remove(userId: string, id: string): Promise<void> {
      const conversation = await requireParticipant(store, userId, id);
      requireCan(roleIn(conversation, userId), 'deleteConversation', conversation.type);
      // Files first: a crash in between leaves the conversation, which a retry deletes again.
      await deps.files.ofConversation(id);
      if (!(await store.deleteConversation(id))) throw conversationNotFound();
      // A send that raced the delete may have attached a file after the first pass (best effort:
      // the conversation is gone, and its deletion is announced whatever the storage does).
      await deps.files.afterConversationDeleted(id);
      await broker.publish({
        recipients: participantIds(conversation),
        event: { type: 'conversation.deleted', conversationId: id },
      });
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
