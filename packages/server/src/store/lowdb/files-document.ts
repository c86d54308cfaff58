/**
 * `files.json`: every upload's metadata in one document, indexed in memory by id, by owner (a
 * running byte total: the quota check reads one number) and by conversation (what a delete of a
 * message or conversation removes). Records are written encoded once each (as segments are), so a
 * write re-encodes only the records it changes; it still rewrites the whole file, which suits the
 * sizes an embedded store is for.
 *
 * ## Attaching: two files on disk, in an order a crash cannot hurt
 *
 * A message that attaches files changes two documents, this one and its conversation's open
 * segment, and no one rename covers both. So the claim comes first: the files are written as
 * attached to the message, each with a `claim` note of the `expiresAt` it had; then the segment.
 * - A crash between the two leaves files claimed for a message that no segment holds. Start-up
 *   ({@link FilesDocument.settle}) looks up the message of every noted claim: claims whose message
 *   holds the file are confirmed, the others are given back (unattached, with their old expiry)
 *   and the result written. The send was never acknowledged; its retry finds the files free.
 * - A crash after both: the message is there and holds the file, so its claim is confirmed.
 * - The other order could leave a message on disk showing a file that is not attached to it, and
 *   so swept or attached elsewhere — visible to every participant.
 *
 * Notes are dropped lazily: once the segment has landed, the claim is confirmed in memory and the
 * next write of `files.json`, whatever it is for, leaves the note out. A message with attachments
 * thus costs one extra write, and start-up checks only the claims since the last one. An append
 * that fails after its claim gives the files back in memory only: the note on disk already says
 * what start-up would do (no message holding the file → given back).
 *
 * Every mutating method is a read-check-write: call it under the files lock (`FileOperations`),
 * which is also what makes two sends racing for one file see each other.
 */
import { join } from 'node:path';
import type { Adapter } from 'lowdb';
import { copyFile } from '../copies.js';
import { attachedTo, attachRefusal } from '../file-attachments.js';
import type { FilePatch, FileRecord, FileStatus, NewMessage } from '../store.js';
import { StoreConflictError, StoreFileError } from '../store.js';
import { atomicJsonFile, JsonDocument } from './documents.js';
import { isFilesFile } from './file-shapes.js';
import { FILES_FILE, type FilesFile, FORMAT_VERSION, type StoredFile } from './layout.js';

/** What a claim noted: the expiry a file gets back if its message never lands. */
interface Claim {
  expiresAt: string | null;
}

/** Whether the message `messageId` of `conversationId` is on disk and shows file `fileId`. */
export type HoldsFile = (conversationId: string, messageId: string, fileId: string) => Promise<boolean>;

/** Compact JSON, each record encoded once (committed records are never mutated; see `segmentAdapter`). */
function filesAdapter(path: string): Adapter<FilesFile> {
  const encoded = new WeakMap<StoredFile, string>();
  const encode = (file: StoredFile): string => {
    let json = encoded.get(file);
    if (json === undefined) {
      json = JSON.stringify(file);
      encoded.set(file, json);
    }
    return json;
  };
  return atomicJsonFile<FilesFile>(path, {
    parse: (text) => JSON.parse(text) as FilesFile,
    stringify: ({ files, ...rest }) =>
      `${JSON.stringify(rest).slice(0, -1)},"files":[${files.map(encode).join(',')}]}`,
  });
}

export class FilesDocument {
  readonly #byId = new Map<string, FileRecord>();
  readonly #bytesByOwner = new Map<string, number>();
  /** Attached files' ids by conversation. */
  readonly #byConversation = new Map<string, Set<string>>();
  /** Ids of files no message uses yet: what a sweep looks through. */
  readonly #unattached = new Set<string>();
  /** Claims whose message is not known to be on disk yet (written with a note while here). */
  readonly #claims = new Map<string, Claim>();

  private constructor(readonly document: JsonDocument<FilesFile>) {
    for (const { claim, ...file } of document.data.files) {
      this.#put(file.id, file);
      if (claim) this.#claims.set(file.id, claim);
    }
  }

  /** Reads `files.json` from `dataDir` (an empty document when there is none yet). */
  static async load(dataDir: string): Promise<FilesDocument> {
    const path = join(dataDir, FILES_FILE);
    const adapter = filesAdapter(path);
    const document =
      (await JsonDocument.read(path, isFilesFile, adapter)) ??
      new JsonDocument(path, { version: FORMAT_VERSION, files: [] }, adapter);
    return new FilesDocument(document);
  }

  /** The stored record; shared, copy before handing out. */
  get(id: string): FileRecord | undefined {
    return this.#byId.get(id);
  }

  /** See `Store.fileBytesOf`: the running total, no scan. */
  bytesOf(ownerId: string): number {
    return this.#bytesByOwner.get(ownerId) ?? 0;
  }

  /** See `Store.listExpiredFiles`: a scan of the unattached files only, oldest expiry first. */
  expired(now: string, limit: number): FileRecord[] {
    if (!(limit > 0)) return [];
    const cutoff = Date.parse(now);
    const due: { at: number; file: FileRecord }[] = [];
    for (const id of this.#unattached) {
      const file = this.#byId.get(id)!;
      const at = file.expiresAt === null ? Number.NaN : Date.parse(file.expiresAt);
      if (at <= cutoff) due.push({ at, file });
    }
    due.sort((a, b) => a.at - b.at || compareIds(a.file.id, b.file.id));
    return due.slice(0, Math.floor(limit)).map(({ file }) => copyFile(file));
  }

  /** See `Store.listUnattachedFilesOf`: a scan of the unattached files only. */
  unattachedOf(ownerId: string): FileRecord[] {
    const files: FileRecord[] = [];
    for (const id of this.#unattached) {
      const file = this.#byId.get(id)!;
      if (file.ownerId === ownerId) files.push(copyFile(file));
    }
    return files;
  }

  /** See `Store.listAttachedFiles`, ordered by creation then id. */
  attachedIn(conversationId: string, messageId?: string): FileRecord[] {
    const files: FileRecord[] = [];
    for (const id of this.#byConversation.get(conversationId) ?? []) {
      const file = this.#byId.get(id)!;
      if (messageId === undefined || file.messageId === messageId) files.push(copyFile(file));
    }
    return files.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || compareIds(a.id, b.id));
  }

  /** @throws StoreConflictError('conflict') when the id is taken. */
  async create(file: FileRecord): Promise<void> {
    if (this.#byId.has(file.id)) throw new StoreConflictError('conflict');
    await this.#commit(new Map([[file.id, copyFile(file)]]));
  }

  /** See `Store.updateFile`: `null` when missing, attached, or its status is not one of `whileStatus`. */
  async update(
    id: string,
    patch: FilePatch,
    whileStatus?: readonly FileStatus[],
  ): Promise<FileRecord | null> {
    const file = this.#byId.get(id);
    if (!file || file.conversationId !== null) return null;
    if (whileStatus && !whileStatus.includes(file.status)) return null;
    const next = patchedFile(file, patch);
    await this.#commit(new Map([[id, next]]));
    return copyFile(next);
  }

  async delete(id: string): Promise<boolean> {
    if (!this.#byId.has(id)) return false;
    await this.#commit(new Map([[id, null]]));
    return true;
  }

  /**
   * Writes the files `fileIds` as attached to `message`, each noted as a claim (see the module
   * comment); the caller appends the message next and then calls {@link confirm} or, if that
   * failed, {@link release}.
   *
   * @throws StoreFileError for the first file that `message` may not attach; nothing is written.
   */
  async claim(message: NewMessage, fileIds: readonly string[]): Promise<void> {
    const changed = new Map<string, FileRecord>();
    const claiming = new Map<string, Claim>();
    for (const id of fileIds) {
      const file = this.#byId.get(id);
      const refusal = attachRefusal(file, message);
      if (refusal || !file) throw new StoreFileError(refusal ?? 'missing', id);
      changed.set(id, attachedTo(file, message));
      claiming.set(id, { expiresAt: file.expiresAt });
    }
    await this.#commit(changed, claiming);
    for (const [id, claim] of claiming) this.#claims.set(id, claim);
  }

  /** The message of a claim is on disk: the next write leaves the note out. No write now. */
  confirm(fileIds: readonly string[], messageId: string): void {
    for (const id of fileIds) {
      if (this.#byId.get(id)?.messageId === messageId) this.#claims.delete(id);
    }
  }

  /** The message of a claim did not land: its files are free again, in memory (see the module comment). */
  release(fileIds: readonly string[], messageId: string): void {
    for (const id of fileIds) {
      const file = this.#byId.get(id);
      const claim = this.#claims.get(id);
      if (!file || !claim || file.messageId !== messageId) continue;
      this.#put(id, released(file, claim));
      this.#claims.delete(id);
    }
  }

  /**
   * Start-up: confirms the noted claims whose message holds the file, gives the others back, and
   * writes the result (only when there were notes: after a crash, or a failed append).
   */
  async settle(holds: HoldsFile): Promise<void> {
    if (this.#claims.size === 0) return;
    const changed = new Map<string, FileRecord>();
    for (const [id, claim] of this.#claims) {
      const file = this.#byId.get(id)!;
      if (!(await holds(file.conversationId!, file.messageId!, id))) changed.set(id, released(file, claim));
    }
    const settled = [...this.#claims.keys()];
    await this.#commit(changed, new Map(), settled);
    for (const id of settled) this.#claims.delete(id);
  }

  /**
   * Writes the document with `changed` applied (a `null` removes the record) and only then makes
   * it what memory holds: readers never see what is not on disk. Records under a claim (pending in
   * memory, or `claiming` now) are written with their note, except those `settled`.
   */
  async #commit(
    changed: ReadonlyMap<string, FileRecord | null>,
    claiming: ReadonlyMap<string, Claim> = new Map(),
    settled: readonly string[] = [],
  ): Promise<void> {
    const stored = (file: FileRecord): StoredFile => {
      const claim =
        claiming.get(file.id) ?? (settled.includes(file.id) ? undefined : this.#claims.get(file.id));
      return claim ? { ...file, claim } : file;
    };
    const files: StoredFile[] = [];
    for (const [id, file] of this.#byId) {
      const next = changed.has(id) ? changed.get(id) : file;
      if (next) files.push(stored(next));
    }
    for (const [id, file] of changed) {
      if (file && !this.#byId.has(id)) files.push(stored(file));
    }
    await this.document.commit({ version: FORMAT_VERSION, files });
    for (const [id, file] of changed) this.#put(id, file);
  }

  /** Replaces the record of `id` (`null`: removes it) in every index. */
  #put(id: string, next: FileRecord | null): void {
    const before = this.#byId.get(id);
    if (before) this.#unindex(before);
    if (next) {
      this.#byId.set(id, next);
      this.#index(next);
    } else {
      this.#byId.delete(id);
      this.#claims.delete(id);
    }
  }

  #index(file: FileRecord): void {
    this.#bytesByOwner.set(file.ownerId, this.bytesOf(file.ownerId) + file.size);
    if (file.conversationId === null) {
      this.#unattached.add(file.id);
      return;
    }
    const ids = this.#byConversation.get(file.conversationId);
    if (ids) ids.add(file.id);
    else this.#byConversation.set(file.conversationId, new Set([file.id]));
  }

  #unindex(file: FileRecord): void {
    const bytes = this.bytesOf(file.ownerId) - file.size;
    if (bytes === 0) this.#bytesByOwner.delete(file.ownerId);
    else this.#bytesByOwner.set(file.ownerId, bytes);
    if (file.conversationId === null) {
      this.#unattached.delete(file.id);
      return;
    }
    const ids = this.#byConversation.get(file.conversationId);
    ids?.delete(file.id);
    if (ids?.size === 0) this.#byConversation.delete(file.conversationId);
  }
}

/** `file` given back by a claim whose message never landed. */
function released(file: FileRecord, claim: Claim): FileRecord {
  return { ...file, conversationId: null, messageId: null, expiresAt: claim.expiresAt };
}

/** `file` with `patch` applied: a new record (committed ones are never mutated). */
function patchedFile(file: FileRecord, patch: FilePatch): FileRecord {
  const next: FileRecord = { ...file };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.mediaType !== undefined) next.mediaType = patch.mediaType;
  if (patch.size !== undefined) next.size = patch.size;
  if (patch.sha256 !== undefined) next.sha256 = patch.sha256;
  if (patch.width !== undefined) next.width = patch.width;
  if (patch.height !== undefined) next.height = patch.height;
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.expiresAt !== undefined) next.expiresAt = patch.expiresAt;
  if (patch.storageKey !== undefined) next.storageKey = patch.storageKey;
  return next;
}

/** Plain code-unit order, as PostgreSQL orders lower-case UUIDs. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
