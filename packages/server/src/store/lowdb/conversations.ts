/**
 * The conversation operations of the lowdb store: create (plain or find-or-create direct),
 * read, list, update, participants, read markers and deletion.
 */

import { copyConversation, copyParticipant } from '../copies.js';
import type {
  BecomesGroup,
  ConversationListAfter,
  ConversationPatch,
  ConversationRecord,
  Membership,
  NewConversation,
  ParticipantRecord,
  RoleChange,
} from '../store.js';
import { StoreConflictError } from '../store.js';
import { type ConversationAccess, conversationLockKey } from './conversation-access.js';
import { createConversationDir, deleteConversationDir } from './conversation-files.js';
import type { ConversationState } from './conversation-state.js';
import { FORMAT_VERSION, isSafeConversationId } from './layout.js';

/** Lock key of a direct key, taken by every creation of a conversation with one. */
function directLockKey(directKey: string): string {
  return `direct:${directKey}`;
}

export class ConversationOperations {
  constructor(readonly access: ConversationAccess) {}

  /** @throws StoreConflictError('conflict') when the id or the direct key is taken. */
  async create(conversation: NewConversation): Promise<ConversationRecord> {
    const { directKey } = conversation;
    if (directKey === null) return this.#create(conversation);
    return this.access.lock.run(directLockKey(directKey), async () => {
      if (this.access.index.idForDirectKey(directKey) !== undefined) throw new StoreConflictError('conflict');
      return this.#create(conversation);
    });
  }

  async findOrCreateDirect(
    conversation: NewConversation & { directKey: string },
  ): Promise<{ conversation: ConversationRecord; created: boolean }> {
    return this.access.lock.run(directLockKey(conversation.directKey), async () => {
      const existingId = this.access.index.idForDirectKey(conversation.directKey);
      const existing = existingId === undefined ? undefined : this.access.index.get(existingId);
      if (existing) return { conversation: copyConversation(existing.record), created: false };
      return { conversation: await this.#create(conversation), created: true };
    });
  }

  get(id: string): ConversationRecord | null {
    const state = this.access.index.get(id);
    return state ? copyConversation(state.record) : null;
  }

  /** See `Store.getMembership`: from the conversation's record in memory. */
  membership(id: string, userId: string): Membership | null {
    const record = this.access.index.get(id)?.record;
    const me = record?.participants.find((participant) => participant.userId === userId);
    if (!record || !me) return null;
    const participantIds = record.participants.map((participant) => participant.userId);
    return {
      id: record.id,
      type: record.type,
      title: record.title,
      model: record.model,
      systemPrompt: record.systemPrompt,
      role: me.role,
      participantIds,
      assistant: record.assistant,
    };
  }

  listForUser(userId: string, limit: number, after?: ConversationListAfter): ConversationRecord[] {
    return this.access.index.listForUser(userId, limit, after).map(copyConversation);
  }

  update(id: string, patch: ConversationPatch): Promise<ConversationRecord | null> {
    return this.access.run(id, async (state) => {
      const next: ConversationRecord = { ...state.record, updatedAt: patch.updatedAt };
      if (patch.title !== undefined) next.title = patch.title;
      if (patch.model !== undefined) next.model = patch.model;
      if (patch.systemPrompt !== undefined) next.systemPrompt = patch.systemPrompt;
      if (patch.assistant !== undefined) next.assistant = patch.assistant;
      return this.#commit(state, next);
    });
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.access.run(id, async (state) => {
      await deleteConversationDir(this.access.dataDir, state.id);
      this.access.index.remove(state.id);
      this.access.log.segments.forget(state.id);
      return true;
    });
    return deleted ?? false;
  }

  addParticipants(
    id: string,
    participants: ParticipantRecord[],
    now: string,
    becomes?: BecomesGroup,
  ): Promise<ConversationRecord | null> {
    return this.access.run(id, async (state) => {
      const present = new Set(state.record.participants.map((participant) => participant.userId));
      const added: ParticipantRecord[] = [];
      for (const participant of participants) {
        if (present.has(participant.userId)) continue;
        present.add(participant.userId);
        added.push(copyParticipant(participant));
      }
      if (added.length === 0 && !becomes) return copyConversation(state.record);
      return this.#commit(state, {
        ...state.record,
        ...(becomes ? { type: becomes.type, assistant: { ...becomes.assistant } } : {}),
        participants: [...state.record.participants, ...added],
        updatedAt: now,
      });
    });
  }

  removeParticipant(id: string, userId: string, now: string): Promise<ConversationRecord | null> {
    return this.access.run(id, async (state) => {
      const participants = state.record.participants.filter((participant) => participant.userId !== userId);
      if (participants.length === state.record.participants.length) return copyConversation(state.record);
      return this.#commit(state, { ...state.record, participants, updatedAt: now });
    });
  }

  /** See `Store.setRoles`: every change in one meta write. */
  setRoles(id: string, changes: readonly RoleChange[], now: string): Promise<ConversationRecord | null> {
    return this.access.run(id, async (state) => {
      const roleOf = new Map(changes.map((change) => [change.userId, change.role]));
      let changed = false;
      const participants = state.record.participants.map((participant) => {
        const role = roleOf.get(participant.userId);
        if (role === undefined || role === participant.role) return participant;
        changed = true;
        return { ...participant, role };
      });
      if (!changed) return copyConversation(state.record);
      return this.#commit(state, { ...state.record, participants, updatedAt: now });
    });
  }

  /** Moves the user's read marker forward to `messageId`; see `Store.markRead`. */
  async markRead(id: string, userId: string, messageId: string): Promise<{ moved: boolean } | null> {
    const result = await this.access.run(id, async (state) => {
      const reader = state.record.participants.find((participant) => participant.userId === userId);
      if (!reader) return null;
      const found = await this.access.log.find(state, messageId);
      if (!found) return null;
      if (found.message.seq <= reader.readCount) return { moved: false };
      const participants = state.record.participants.map((participant) =>
        participant.userId === userId
          ? { ...participant, readCount: found.message.seq, lastReadMessageId: messageId }
          : participant,
      );
      await this.#commit(state, { ...state.record, participants });
      return { moved: true };
    });
    return result ?? null;
  }

  /** Creates the directory and indexes it; the caller holds the direct-key lock if any. */
  async #create(conversation: NewConversation): Promise<ConversationRecord> {
    if (!isSafeConversationId(conversation.id)) {
      throw new RangeError(`Conversation id ${JSON.stringify(conversation.id)} cannot name a directory`);
    }
    const record = copyConversation({
      ...conversation,
      messageCount: 0,
      lastMessage: null,
      lastActivityAt: conversation.createdAt,
    });
    const created = await this.access.lock.run(conversationLockKey(conversation.id), async () => {
      if (this.access.index.get(conversation.id)) throw new StoreConflictError('conflict');
      const state = await createConversationDir(this.access.dataDir, {
        version: FORMAT_VERSION,
        conversation: record,
        lastSegment: 0,
      });
      this.access.index.add(state);
      return state;
    });
    return copyConversation(created.record);
  }

  /**
   * Writes the meta synchronously: what these operations change (title, participants, read
   * markers) is in no segment, so it is durable only once the meta holds it. Built on the
   * current state, the write checkpoints every append before it too.
   */
  async #commit(state: ConversationState, next: ConversationRecord): Promise<ConversationRecord> {
    await this.access.commitMeta(state, { ...state.current, conversation: next });
    return copyConversation(next);
  }
}
