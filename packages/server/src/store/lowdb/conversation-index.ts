/**
 * The in-memory index over every conversation's current state: by id, by participant (for a
 * user's list) and by direct key (for find-or-create). Built at start-up; kept in step by the
 * store after each acknowledged change.
 */
import type { ConversationListAfter, ConversationRecord } from '../store.js';
import type { ConversationState } from './conversation-state.js';

export class ConversationIndex {
  readonly #byId = new Map<string, ConversationState>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #byDirectKey = new Map<string, string>();

  get(id: string): ConversationState | undefined {
    return this.#byId.get(id);
  }

  idForDirectKey(directKey: string): string | undefined {
    return this.#byDirectKey.get(directKey);
  }

  /** Indexes a conversation that is new here (created, or loaded at start-up). */
  add(state: ConversationState): void {
    this.#byId.set(state.id, state);
    this.#indexRecord(state.id, state.record);
  }

  /** Re-indexes a conversation after a change (participants may have changed). */
  update(state: ConversationState, before: ConversationRecord): void {
    // Most changes (every append, every streamed delta) keep who takes part: re-indexing a big
    // group's participants for them would cost O(participants) per message.
    if (sameMembers(before, state.record)) {
      this.#byId.set(state.id, state);
      return;
    }
    this.#unindexRecord(state.id, before);
    this.#byId.set(state.id, state);
    this.#indexRecord(state.id, state.record);
  }

  remove(id: string): void {
    const state = this.#byId.get(id);
    if (!state) return;
    this.#unindexRecord(id, state.record);
    this.#byId.delete(id);
  }

  /**
   * The user's conversations ordered by `lastActivityAt` then id, both descending, strictly
   * after `after`. Sorts the user's conversations on each call: O(n log n) in the conversations
   * of one user, which is fine for the list sizes a chat user has.
   */
  listForUser(userId: string, limit: number, after?: ConversationListAfter): ConversationRecord[] {
    const ids = this.#byUser.get(userId);
    if (!ids || limit <= 0) return [];
    const records: ConversationRecord[] = [];
    for (const id of ids) {
      const record = this.#byId.get(id)?.record;
      if (record && (!after || isAfter(record, after))) records.push(record);
    }
    records.sort(newestFirst);
    return records.slice(0, limit);
  }

  /** The ids of the conversations `userId` takes part in now (live: copy before awaiting). */
  conversationIdsOf(userId: string): ReadonlySet<string> {
    return this.#byUser.get(userId) ?? new Set();
  }

  /**
   * Everyone in at least one of `userId`'s conversations, `userId` excluded: a walk of that
   * user's conversations only, O(their participants).
   */
  contactIdsOf(userId: string): string[] {
    const contacts = new Set<string>();
    for (const id of this.#byUser.get(userId) ?? []) {
      for (const participant of this.#byId.get(id)?.record.participants ?? [])
        contacts.add(participant.userId);
    }
    contacts.delete(userId);
    return [...contacts];
  }

  #indexRecord(id: string, record: ConversationRecord): void {
    for (const participant of record.participants) {
      const ids = this.#byUser.get(participant.userId) ?? new Set<string>();
      ids.add(id);
      this.#byUser.set(participant.userId, ids);
    }
    if (record.directKey !== null) this.#byDirectKey.set(record.directKey, id);
  }

  #unindexRecord(id: string, record: ConversationRecord): void {
    for (const participant of record.participants) {
      const ids = this.#byUser.get(participant.userId);
      ids?.delete(id);
      if (ids?.size === 0) this.#byUser.delete(participant.userId);
    }
    if (record.directKey !== null && this.#byDirectKey.get(record.directKey) === id) {
      this.#byDirectKey.delete(record.directKey);
    }
  }
}

function compareKeys(a: ConversationListAfter, b: ConversationListAfter): number {
  if (a.lastActivityAt !== b.lastActivityAt) return a.lastActivityAt < b.lastActivityAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function newestFirst(a: ConversationRecord, b: ConversationRecord): number {
  return compareKeys(b, a);
}

/** Whether `record` comes after the keyset position `after` in newest-first order. */
function isAfter(record: ConversationRecord, after: ConversationListAfter): boolean {
  return compareKeys(record, after) < 0;
}

/** Whether two versions of a conversation have the same participants (in the same order) and direct key. */
function sameMembers(before: ConversationRecord, after: ConversationRecord): boolean {
  if (before.directKey !== after.directKey) return false;
  if (before.participants === after.participants) return true;
  if (before.participants.length !== after.participants.length) return false;
  return before.participants.every((participant, i) => participant.userId === after.participants[i]?.userId);
}
