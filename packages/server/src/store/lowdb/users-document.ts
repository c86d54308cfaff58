/**
 * `users.json`: every user in one document, indexed in memory by id and by email key. Writes
 * rewrite this file only — never a conversation.
 */
import { join } from 'node:path';
import type { UserPatch, UserRecord, UserSearchAfter } from '../store.js';
import { StoreConflictError } from '../store.js';
import { JsonDocument } from './documents.js';
import { isUsersFile } from './file-shapes.js';
import { FORMAT_VERSION, USERS_FILE, type UsersFile } from './layout.js';

export class UsersDocument {
  readonly #byId = new Map<string, UserRecord>();
  readonly #byEmailKey = new Map<string, UserRecord>();

  private constructor(readonly document: JsonDocument<UsersFile>) {
    for (const user of document.data.users) this.#index(withProfile(user));
  }

  /** Reads `users.json` from `dataDir` (an empty document when there is none yet). */
  static async load(dataDir: string): Promise<UsersDocument> {
    const document = await JsonDocument.readOrCreate(join(dataDir, USERS_FILE), isUsersFile, {
      version: FORMAT_VERSION,
      users: [],
    });
    return new UsersDocument(document);
  }

  get(id: string): UserRecord | undefined {
    return this.#byId.get(id);
  }

  getByEmailKey(emailKey: string): UserRecord | undefined {
    return this.#byEmailKey.get(emailKey);
  }

  /**
   * Adds `user`. Call under the users lock: the check and the write must not interleave with
   * another creation.
   *
   * @throws StoreConflictError('email_taken') when the email key is taken;
   * StoreConflictError('conflict') when the id is.
   */
  async create(user: UserRecord): Promise<void> {
    if (this.#byEmailKey.has(user.emailKey)) throw new StoreConflictError('email_taken');
    if (this.#byId.has(user.id)) throw new StoreConflictError('conflict');
    const stored = structuredClone(user);
    const data = this.document.data;
    await this.document.commit({ ...data, users: [...data.users, stored] });
    this.#index(stored);
  }

  /**
   * Applies `patch` to user `id`; `undefined` when there is none. Call under the users lock: the
   * whole document is rewritten from the users in memory.
   */
  async update(id: string, patch: UserPatch): Promise<UserRecord | undefined> {
    const current = this.#byId.get(id);
    if (!current) return undefined;
    const next: UserRecord = { ...current };
    if (patch.displayName !== undefined) next.displayName = patch.displayName;
    if (patch.avatarUrl !== undefined) next.avatarUrl = patch.avatarUrl;
    if (patch.statusText !== undefined) next.statusText = patch.statusText;
    if (patch.passwordHash !== undefined) next.passwordHash = patch.passwordHash;
    if (patch.email !== undefined) next.email = patch.email;
    if (patch.deletedAt !== undefined) next.deletedAt = patch.deletedAt;
    if (patch.emailKey !== undefined && patch.emailKey !== current.emailKey) {
      if (this.#byEmailKey.has(patch.emailKey)) throw new StoreConflictError('email_taken');
      next.emailKey = patch.emailKey;
    }
    const data = this.document.data;
    const users = data.users.map((user) => (user.id === id ? next : user));
    await this.document.commit({ ...data, users });
    // A tombstone's old address is free again: someone may register with it.
    if (next.emailKey !== current.emailKey) this.#byEmailKey.delete(current.emailKey);
    this.#index(next);
    return next;
  }

  /**
   * Users whose display name contains `query` case-insensitively, ordered by (lower-cased
   * display name, id), strictly after `after`. A scan of all users: fine at the sizes a
   * file-backed store is meant for.
   */
  search(query: string, limit: number, after?: UserSearchAfter): UserRecord[] {
    if (limit <= 0) return [];
    const needle = query.toLowerCase();
    const rows: (UserSearchAfter & { user: UserRecord })[] = [];
    for (const user of this.#byId.values()) {
      if (user.deletedAt !== null) continue; // a tombstone is nobody to find
      const row = { nameKey: user.displayName.toLowerCase(), id: user.id, user };
      if (!row.nameKey.includes(needle)) continue;
      if (after && compareKeys(row, after) <= 0) continue;
      rows.push(row);
    }
    rows.sort(compareKeys);
    return rows.slice(0, limit).map((row) => row.user);
  }

  #index(user: UserRecord): void {
    this.#byId.set(user.id, user);
    this.#byEmailKey.set(user.emailKey, user);
  }
}

/**
 * A user as read from disk: records written before profiles existed have no avatar or status,
 * which reads as `null` (no migration of the file needed).
 */
function withProfile(user: UserRecord): UserRecord {
  if (user.avatarUrl !== undefined && user.statusText !== undefined && user.deletedAt !== undefined)
    return user;
  return {
    ...user,
    avatarUrl: user.avatarUrl ?? null,
    statusText: user.statusText ?? null,
    // Written before account deletion: a live account.
    deletedAt: user.deletedAt ?? null,
  };
}

/** Orders (name key, id) pairs; plain code-unit comparison, the same a keyset cursor needs. */
function compareKeys(a: UserSearchAfter, b: UserSearchAfter): number {
  if (a.nameKey !== b.nameKey) return a.nameKey < b.nameKey ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
