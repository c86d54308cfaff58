/**
 * The embedded, zero-set-up store: JSON files under one directory, written atomically through
 * lowdb (temporary file + rename). Appends cost the same however big the database grows — they
 * rewrite one bounded segment — and start-up reads only the metas and each conversation's newest
 * segment or two.
 *
 * ## The segments are the truth; the meta is a checkpoint
 *
 * An append resolves after one write: its segment. Everything it changes in the conversation —
 * count, last message, activity, the sender's read marker — is a function of the message
 * (`applyAppend` in `reconcile.ts`), so `meta.json` need not be written with it: it is a
 * checkpoint, and the current state is the checkpoint with every message past its
 * `messageCount` applied again, in order. Start-up (and the repair after a failed write) does
 * exactly that replay. `updateMessage` likewise writes only its segment: a replay takes
 * `lastMessage` from the newest segment.
 *
 * The meta is written:
 * - synchronously, by every operation that changes what no segment holds — title, model and
 *   prompt, participants, read markers (`markRead`) — and, as it is built from the current
 *   state, it checkpoints every append before it at the same time;
 * - at segment rollover, before the catalog and the new segment: so the meta always names the
 *   open segment or the one before it, and start-up reads at most two segments per conversation;
 * - in the background, `checkpointDelayMs` after the first change that left it behind, once per
 *   conversation however many changes came in between (`checkpoints.ts`);
 * - on `close()`, for every conversation still behind.
 *
 * Why a crash loses nothing and counts nothing twice: memory changes only after the write that
 * makes a change durable (segment or meta) has landed, and the meta is only ever written from
 * that in-memory state, so the meta never claims what no segment holds; the replay skips
 * messages with `seq ≤ messageCount` of the checkpoint, so applying it twice is applying it
 * once; and since the meta holds the markers `markRead` moved and the replay only ever moves
 * a sender's marker forward (`max`), no marker goes backwards. Every meta write — synchronous or
 * background — runs under the conversation's lock and writes the state current at that moment,
 * so an older state never overwrites a newer one, and a failed background write leaves the
 * previous checkpoint in place for the next pass (or the replay) to complete.
 *
 * Uploads' metadata lives in `files.json` (`files-document.ts`), which also says how an append
 * that attaches files survives a crash between its two writes.
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import type { MessageStatus } from '@chatwire/sdk/contracts';
import { copyUser } from '../copies.js';
import { attachedFileIds } from '../file-attachments.js';
import { KeyedLock } from '../keyed-lock.js';
import type {
  AppendResult,
  BecomesGroup,
  ConversationListAfter,
  ConversationPatch,
  ConversationRecord,
  FilePatch,
  FileRecord,
  FileStatus,
  Membership,
  MessagePatch,
  MessageQuery,
  MessageRecord,
  MessageSearch,
  MessageSearchPage,
  MessageSearchResult,
  NewConversation,
  NewMessage,
  ParticipantRecord,
  PinChange,
  PinResult,
  RefreshTokenRecord,
  RoleChange,
  RotateResult,
  Store,
  ThreadListingRecord,
  UserPatch,
  UserRecord,
  UserSearchAfter,
} from '../store.js';
import { StoreUnavailableError } from '../store.js';
import { ConversationAccess } from './conversation-access.js';
import { loadConversations } from './conversation-files.js';
import { ConversationIndex } from './conversation-index.js';
import { ConversationOperations } from './conversations.js';
import { ioFailure } from './documents.js';
import { FileOperations } from './file-operations.js';
import { FilesDocument } from './files-document.js';
import { DEFAULT_SEGMENT_SIZE } from './layout.js';
import { MessageLog } from './message-log.js';
import { MessageOperations } from './messages.js';
import { PinOperations } from './pins.js';
import { RefreshTokensDocument } from './refresh-tokens-document.js';
import { searchIndexed } from './search.js';
import type { MessageSearchIndex } from './search-index.js';
import { buildSearchIndex } from './search-loading.js';
import { SegmentCache } from './segments.js';
import { ThreadOperations } from './threads.js';
import { UsersDocument } from './users-document.js';

/** Options of {@link createLowdbStore}. */
export interface LowdbStoreOptions {
  /** Directory holding the data; created on first start. */
  dataDir: string;
  /**
   * Messages per segment file. An append rewrites the open segment, so this bounds its cost;
   * a page reads one or two segments. Default 100 (≈ 50 kB of JSON for chat-sized messages).
   * Changing it later applies to new segments only.
   */
  segmentSize?: number;
  /**
   * Segments kept in memory (least recently used are dropped). Default 1024: the open segment of
   * a thousand busy conversations, at most ≈ 50 MB of heap with full 100-message segments.
   */
  cachedSegments?: number;
  /**
   * How long, in milliseconds, a conversation's `meta.json` may lag the messages appended to it
   * before a background checkpoint writes it. Durability does not depend on it — the segments
   * hold every acknowledged message — only how much a restart replays (bounded anyway: one or
   * two segments per conversation). Longer coalesces more appends per meta write. Default 1000.
   */
  checkpointDelayMs?: number;
  /**
   * Most appends to one conversation that one segment write takes: appends that arrive while the
   * previous write is in flight share the next (group commit). Default 64; 1 writes each alone.
   */
  appendBatchMax?: number;
}

/** `setTimeout` fires at once for anything longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const USERS_LOCK = 'users';
const REFRESH_TOKENS_LOCK = 'refresh-tokens';

/** What an open store works with. */
interface OpenParts {
  users: UsersDocument;
  refreshTokens: RefreshTokensDocument;
  conversations: ConversationOperations;
  messages: MessageOperations;
  pins: PinOperations;
  files: FileOperations;
  conversationAccess: ConversationAccess;
  search: MessageSearchIndex;
  threads: ThreadOperations;
}

/** @see createLowdbStore */
class LowdbStore implements Store {
  readonly kind = 'lowdb';
  readonly #dataDir: string;
  readonly #lock = new KeyedLock();
  readonly #segments: SegmentCache;
  readonly #log: MessageLog;
  readonly #checkpointDelayMs: number;
  readonly #appendBatchMax: number;
  #state: 'new' | 'opening' | 'open' | 'closed' = 'new';
  /** Set by `init()`. */
  #parts: OpenParts | null = null;

  constructor(options: LowdbStoreOptions) {
    const segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    const cachedSegments = options.cachedSegments ?? 1024;
    const appendBatchMax = options.appendBatchMax ?? 64;
    for (const [name, value] of [
      ['segmentSize', segmentSize],
      ['cachedSegments', cachedSegments],
      ['appendBatchMax', appendBatchMax],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`createLowdbStore: ${name} must be a whole number ≥ 1, got ${value}`);
      }
    }
    const checkpointDelayMs = options.checkpointDelayMs ?? 1000;
    if (!Number.isInteger(checkpointDelayMs) || checkpointDelayMs < 0 || checkpointDelayMs > MAX_TIMER_MS) {
      throw new RangeError(
        `createLowdbStore: checkpointDelayMs must be a whole number of milliseconds from 0 to ${MAX_TIMER_MS}, ` +
          `got ${checkpointDelayMs}`,
      );
    }
    this.#checkpointDelayMs = checkpointDelayMs;
    this.#appendBatchMax = appendBatchMax;
    this.#dataDir = options.dataDir;
    this.#segments = new SegmentCache(cachedSegments);
    this.#log = new MessageLog(this.#segments, segmentSize);
  }

  async init(): Promise<void> {
    if (this.#state !== 'new') {
      throw new StoreUnavailableError(`lowdb store: init() called on a ${this.#state} store`);
    }
    this.#state = 'opening';
    try {
      this.#parts = await this.#load();
      this.#state = 'open';
    } catch (error) {
      // A failed start (say a corrupted file) can be retried once the cause is fixed.
      this.#segments.clear();
      this.#state = 'new';
      throw error;
    }
  }

  async #load(): Promise<OpenParts> {
    try {
      await mkdir(this.#dataDir, { recursive: true });
    } catch (error) {
      throw ioFailure(`cannot create ${this.#dataDir}`, error);
    }
    const [users, refreshTokens, filesDocument, conversations] = await Promise.all([
      UsersDocument.load(this.#dataDir),
      RefreshTokensDocument.load(this.#dataDir),
      FilesDocument.load(this.#dataDir),
      loadConversations(this.#dataDir, this.#segments),
    ]);
    const index = new ConversationIndex();
    for (const conversation of conversations) index.add(conversation);
    const conversationAccess = new ConversationAccess(
      this.#dataDir,
      index,
      this.#log,
      this.#lock,
      this.#checkpointDelayMs,
    );
    // Conversations whose replay went past their checkpoint (a crash, or a close whose final
    // checkpoint failed): the replay is not written during start-up, to keep it read-only and
    // quick; the background pass writes it.
    for (const conversation of conversations) {
      if (conversation.dirty) conversationAccess.checkpoints.schedule(conversation.id);
    }
    const files = new FileOperations(filesDocument, this.#lock);
    const search = await buildSearchIndex(conversations);
    const threads = new ThreadOperations(conversationAccess);
    const messages = new MessageOperations(
      conversationAccess,
      files,
      threads,
      (message) => search.put(message),
      this.#appendBatchMax,
    );
    // Claims whose message may not have landed (a crash between the two writes): kept if the
    // message is there and shows the file, given back otherwise.
    await filesDocument.settle(async (conversationId, messageId, fileId) => {
      const message = await messages.get(conversationId, messageId);
      return message !== null && attachedFileIds(message).includes(fileId);
    });
    return {
      users,
      refreshTokens,
      conversations: new ConversationOperations(conversationAccess),
      messages,
      pins: new PinOperations(conversationAccess, messages),
      files,
      conversationAccess,
      search,
      threads,
    };
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    // Operations already started finish (and their writes land); new ones are refused.
    await this.#lock.idle();
    // Then the metas still behind their segments are checkpointed, so the next start has
    // nothing to replay. Best effort: a failure here loses nothing (the replay covers it).
    await this.#parts?.conversationAccess.checkpoints.close();
    await this.#lock.idle();
    this.#segments.clear();
  }

  async ping(): Promise<boolean> {
    if (this.#state !== 'open') return false;
    try {
      await access(this.#dataDir, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  async createUser(user: UserRecord): Promise<UserRecord> {
    const users = this.#open().users;
    await this.#lock.run(USERS_LOCK, () => users.create(user));
    return copyUser(user);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    return copyUserOrNull(this.#open().users.get(id));
  }

  async getUserByEmail(emailKey: string): Promise<UserRecord | null> {
    return copyUserOrNull(this.#open().users.getByEmailKey(emailKey));
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    const users = this.#open().users;
    const found: UserRecord[] = [];
    for (const id of new Set(ids)) {
      const user = users.get(id);
      if (user) found.push(copyUser(user));
    }
    return found;
  }

  async searchUsers(query: string, limit: number, after?: UserSearchAfter): Promise<UserRecord[]> {
    return this.#open().users.search(query, limit, after).map(copyUser);
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    const users = this.#open().users;
    return copyUserOrNull(await this.#lock.run(USERS_LOCK, () => users.update(id, patch)));
  }

  async listContactIds(userId: string): Promise<string[]> {
    return this.#open().conversationAccess.index.contactIdsOf(userId);
  }

  async saveRefreshToken(token: RefreshTokenRecord): Promise<void> {
    const tokens = this.#open().refreshTokens;
    await this.#lock.run(REFRESH_TOKENS_LOCK, () => tokens.save(token));
  }

  async rotateRefreshToken(
    hash: string,
    next: Omit<RefreshTokenRecord, 'familyId' | 'userId'>,
    now: string,
  ): Promise<RotateResult> {
    const tokens = this.#open().refreshTokens;
    return this.#lock.run(REFRESH_TOKENS_LOCK, () => tokens.rotate(hash, next, now));
  }

  async revokeRefreshTokenFamily(hash: string, now: string): Promise<void> {
    const tokens = this.#open().refreshTokens;
    await this.#lock.run(REFRESH_TOKENS_LOCK, () => tokens.revokeFamily(hash, now));
  }

  async revokeRefreshTokensOf(userId: string, now: string): Promise<void> {
    const tokens = this.#open().refreshTokens;
    await this.#lock.run(REFRESH_TOKENS_LOCK, () => tokens.revokeAllOf(userId, now));
  }

  async createConversation(conversation: NewConversation): Promise<ConversationRecord> {
    return this.#open().conversations.create(conversation);
  }

  async findOrCreateDirectConversation(
    conversation: NewConversation & { directKey: string },
  ): Promise<{ conversation: ConversationRecord; created: boolean }> {
    return this.#open().conversations.findOrCreateDirect(conversation);
  }

  async getConversation(id: string): Promise<ConversationRecord | null> {
    return this.#open().conversations.get(id);
  }

  async getMembership(id: string, userId: string): Promise<Membership | null> {
    return this.#open().conversations.membership(id, userId);
  }

  async listConversationsForUser(
    userId: string,
    limit: number,
    after?: ConversationListAfter,
  ): Promise<ConversationRecord[]> {
    return this.#open().conversations.listForUser(userId, limit, after);
  }

  async updateConversation(id: string, patch: ConversationPatch): Promise<ConversationRecord | null> {
    return this.#open().conversations.update(id, patch);
  }

  async deleteConversation(id: string): Promise<boolean> {
    const parts = this.#open();
    const deleted = await parts.conversations.delete(id);
    if (deleted) parts.search.removeConversation(id);
    return deleted;
  }

  async addParticipants(
    id: string,
    participants: ParticipantRecord[],
    now: string,
    becomes?: BecomesGroup,
  ): Promise<ConversationRecord | null> {
    return this.#open().conversations.addParticipants(id, participants, now, becomes);
  }

  async removeParticipant(id: string, userId: string, now: string): Promise<ConversationRecord | null> {
    return this.#open().conversations.removeParticipant(id, userId, now);
  }

  async markRead(id: string, userId: string, messageId: string): Promise<{ moved: boolean } | null> {
    return this.#open().conversations.markRead(id, userId, messageId);
  }

  async setRoles(
    id: string,
    changes: readonly RoleChange[],
    now: string,
  ): Promise<ConversationRecord | null> {
    return this.#open().conversations.setRoles(id, changes, now);
  }

  async setPin(
    conversationId: string,
    messageId: string,
    pin: PinChange,
    maxPins: number,
  ): Promise<PinResult | null> {
    return this.#open().pins.set(conversationId, messageId, pin, maxPins);
  }

  async listPinnedMessages(conversationId: string): Promise<MessageRecord[]> {
    return this.#open().pins.list(conversationId);
  }

  async appendMessage(message: NewMessage, reply?: NewMessage): Promise<AppendResult | null> {
    return this.#open().messages.append(message, reply);
  }

  async getMessage(conversationId: string, messageId: string): Promise<MessageRecord | null> {
    return this.#open().messages.get(conversationId, messageId);
  }

  async listMessages(conversationId: string, query: MessageQuery): Promise<MessageRecord[]> {
    return this.#open().messages.list(conversationId, query);
  }

  async listMentioning(
    conversationId: string,
    userId: string,
    query: MessageQuery,
  ): Promise<MessageRecord[]> {
    return this.#open().messages.listMentioning(conversationId, userId, query);
  }

  async updateMessage(
    conversationId: string,
    messageId: string,
    patch: MessagePatch,
    whileStatus?: readonly MessageStatus[],
  ): Promise<MessageRecord | null> {
    return this.#open().messages.update(conversationId, messageId, patch, whileStatus);
  }

  async modifyMessage(
    conversationId: string,
    messageId: string,
    change: (message: MessageRecord) => MessagePatch | null,
  ): Promise<MessageRecord | null> {
    return this.#open().messages.modify(conversationId, messageId, change);
  }

  async listReplies(conversationId: string, parentId: string, query: MessageQuery): Promise<MessageRecord[]> {
    const parts = this.#open();
    return (
      (await parts.conversationAccess.run(conversationId, (state) =>
        parts.threads.listReplies(state, parentId, query),
      )) ?? []
    );
  }

  async markThreadRead(
    conversationId: string,
    parentId: string,
    userId: string,
    messageId: string,
  ): Promise<{ moved: boolean } | null> {
    const parts = this.#open();
    return parts.conversationAccess.run(conversationId, (state) =>
      parts.threads.markRead(state, parentId, userId, messageId),
    );
  }

  async listThreadsOf(conversationId: string, userId: string, limit: number): Promise<ThreadListingRecord[]> {
    const parts = this.#open();
    return (
      (await parts.conversationAccess.run(conversationId, (state) =>
        parts.threads.listThreadsOf(state, userId, limit),
      )) ?? []
    );
  }

  async createFile(file: FileRecord): Promise<FileRecord> {
    return this.#open().files.create(file);
  }

  async getFile(id: string): Promise<FileRecord | null> {
    return this.#open().files.get(id);
  }

  async updateFile(
    id: string,
    patch: FilePatch,
    whileStatus?: readonly FileStatus[],
  ): Promise<FileRecord | null> {
    return this.#open().files.update(id, patch, whileStatus);
  }

  async deleteFile(id: string): Promise<boolean> {
    return this.#open().files.delete(id);
  }

  async fileBytesOf(ownerId: string): Promise<number> {
    return this.#open().files.bytesOf(ownerId);
  }

  async listUnattachedFilesOf(ownerId: string): Promise<FileRecord[]> {
    return this.#open().files.listUnattachedOf(ownerId);
  }

  async listExpiredFiles(now: string, limit: number): Promise<FileRecord[]> {
    return this.#open().files.listExpired(now, limit);
  }

  async listAttachedFiles(conversationId: string, messageId?: string): Promise<FileRecord[]> {
    return this.#open().files.listAttached(conversationId, messageId);
  }

  async searchMessages(
    userId: string,
    search: MessageSearch,
    page: MessageSearchPage,
  ): Promise<MessageSearchResult> {
    const parts = this.#open();
    return searchIndexed(parts.search, parts.conversationAccess.index, parts.messages, userId, search, page);
  }

  /** The parts that exist once `init()` has resolved; throws before that and after `close()`. */
  #open(): OpenParts {
    if (this.#state !== 'open' || !this.#parts) {
      throw new StoreUnavailableError(
        this.#state === 'closed' ? 'lowdb store: the store is closed' : 'lowdb store: call init() first',
      );
    }
    return this.#parts;
  }
}

function copyUserOrNull(user: UserRecord | undefined): UserRecord | null {
  return user === undefined ? null : copyUser(user);
}

/**
 * Creates the lowdb store over `options.dataDir`. Call `init()` before use and `close()` when
 * done; every resolved write is on disk.
 *
 * @example
 * const store = createLowdbStore({ dataDir: '.chatwire/data' });
 * await store.init();
 * const { message } = (await store.appendMessage(newMessage))!;
 * await store.close();
 */
export function createLowdbStore(options: LowdbStoreOptions): Store {
  return new LowdbStore(options);
}
