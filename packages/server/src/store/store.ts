/**
 * The storage seam. Services talk only to this interface; lowdb implements it today and
 * PostgreSQL will tomorrow.
 *
 * Rules every implementation keeps:
 * - every method is async and is one business operation: what must be atomic is one call;
 * - a resolved promise means the change is durable (a `kill -9` right after loses nothing);
 * - records are returned as copies: mutating one changes nothing stored;
 * - ordering within a conversation is by `seq` (assigned by the store on append), never by id.
 */
import type {
  AssistantMember,
  ClientToolDeclaration,
  ConversationType,
  FinishReason,
  MessagePart,
  MessageRole,
  MessageStatus,
  ParticipantRole,
  Usage,
} from '@chatwire/sdk/contracts';
import type { SearchTerms } from './search-terms.js';

export interface UserRecord {
  id: string;
  /** As the user typed it. */
  email: string;
  /** Lower-cased email: the unique key. */
  emailKey: string;
  displayName: string;
  /** An `https:` URL of their picture; `null` when none (and for records older than profiles). */
  avatarUrl: string | null;
  /** A line they chose; `null` when none (and for records older than profiles). */
  statusText: string | null;
  passwordHash: string;
  createdAt: string;
  /**
   * When the account was deleted (the record is then a tombstone: see `services/account-deletion.ts`);
   * `null` for a live account (and for records older than account deletion).
   */
  deletedAt: string | null;
}

/** What {@link Store.updateUser} changes: a field left out stays as it is. */
export interface UserPatch {
  displayName?: string;
  avatarUrl?: string | null;
  statusText?: string | null;
  passwordHash?: string;
  /** With `emailKey`: a tombstone frees its address (the old key is free for a new account). */
  email?: string;
  /** Fails with `StoreConflictError('email_taken')` if another user has it. */
  emailKey?: string;
  deletedAt?: string | null;
}

export interface RefreshTokenRecord {
  /** SHA-256 of the opaque token, hex: the token itself is never stored. */
  hash: string;
  userId: string;
  /** Every token rotated from one login shares a family; reuse of a spent one revokes it all. */
  familyId: string;
  createdAt: string;
  expiresAt: string;
  /** Set when rotated: presenting it again is reuse. */
  spentAt: string | null;
  revokedAt: string | null;
}

export interface ParticipantRecord {
  userId: string;
  role: ParticipantRole;
  joinedAt: string;
  /** How many of the conversation's messages this participant has read (`seq` of the marker). */
  readCount: number;
  lastReadMessageId: string | null;
  /**
   * Seqs of messages that mention this participant, ascending: those above `readCount` are their
   * unread mentions. A store may keep only those (PostgreSQL answers only those); absent = none
   * (and for records older than mentions).
   */
  mentionSeqs?: number[];
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  /** Position in the conversation, 1-based, assigned by the store; pages and cursors use it. */
  seq: number;
  senderId: string | null;
  role: MessageRole;
  /** What it says, in parts; `content` is their plain-text projection, kept in step by the services. */
  parts: MessagePart[];
  content: string;
  status: MessageStatus;
  clientMessageId: string | null;
  model: string | null;
  usage: Usage | null;
  /** Why the model stopped (a `complete` reply); `null` otherwise. */
  finishReason: FinishReason | null;
  /** A reply whose prompt was edited after it was written. */
  stale: boolean;
  /** For an assistant reply: the id of the user message it answers (its prompt); `null` otherwise. */
  promptId: string | null;
  /**
   * For an assistant reply: the tools its prompt's client declared, which the model may call in
   * every step of it (also when it goes on after a restart, on another process); `null` if none.
   */
  clientTools: ClientToolDeclaration[] | null;
  /**
   * Who reacted with what, by emoji in the order each was first used; `[]` when none (and for
   * messages stored before reactions). A new message starts with none: see {@link NewMessage}.
   */
  reactions: ReactionRecord[];
  createdAt: string;
  editedAt: string | null;
  /**
   * The participants it mentions (`services/mentions.ts`), each once; `[]` when none (and for
   * messages stored before mentions).
   */
  mentions: string[];
  /** The thread parent this message replies to; `null` for a main-list message (and older records). */
  parentId: string | null;
  /** A thread reply also shown in the main list; `false` otherwise (and for older records). */
  alsoInConversation: boolean;
  /**
   * On a parent with replies, its thread's summary, kept by the store in the step that appends
   * or deletes a reply; `null` otherwise (and for older records).
   */
  thread: ThreadRecord | null;
  /** The snapshot of the message this one quotes, taken at send time; `null` when none. */
  quoted: QuoteRecord | null;
  /** When it was pinned in its conversation; `null` when not (and for messages stored before pins). */
  pinnedAt: string | null;
  /** Who pinned it; `null` when not pinned. */
  pinnedBy: string | null;
}

/** A parent's thread summary as stored: every replier (the contract shows the first few). */
export interface ThreadRecord {
  /** Replies not deleted. */
  replyCount: number;
  lastReplyAt: string;
  /** Everyone who replied, in the order they first did. */
  participantIds: string[];
}

/** What a quote keeps of the quoted message, as it was when the quote was sent. */
export interface QuoteRecord {
  messageId: string;
  senderId: string | null;
  content: string;
  createdAt: string;
}

/** A thread someone takes part in, with their unread count: see {@link Store.listThreadsOf}. */
export interface ThreadListingRecord {
  parent: MessageRecord;
  /** Replies after their thread read marker that are not deleted. */
  unreadCount: number;
  lastReplyAt: string;
}

/**
 * A reply named a parent it may not reply to (gone, deleted, itself a reply): the 404 of a
 * missing message. Nothing was appended.
 */
export class StoreParentError extends Error {
  constructor(readonly parentId: string) {
    super(`parent not available: ${parentId}`);
    this.name = 'StoreParentError';
  }
}

/**
 * One emoji's reactions on a message: the people who chose it, in the order they did. Never
 * empty (a group whose last person took theirs back is gone); its count is `userIds.length`,
 * stored once so it can never disagree with who.
 */
export interface ReactionRecord {
  emoji: string;
  userIds: string[];
}

export interface ConversationRecord {
  id: string;
  type: ConversationType;
  title: string | null;
  model: string | null;
  systemPrompt: string | null;
  createdAt: string;
  updatedAt: string;
  /** For `direct` conversations: the two user ids, sorted and joined — unique. */
  directKey: string | null;
  participants: ParticipantRecord[];
  messageCount: number;
  lastMessage: MessageRecord | null;
  /** When the last message arrived (or the conversation was created): lists sort by it. */
  lastActivityAt: string;
  /** A direct or group conversation's assistant member; `null` for none (and records before it existed). */
  assistant: AssistantMember | null;
}

/**
 * What a participant's action in a conversation needs to know — whether they take part, with
 * what role, and who else hears of it — without the read state of every participant or the
 * last message: see {@link Store.getMembership}.
 */
export interface Membership {
  /** The conversation's id. */
  id: string;
  type: ConversationType;
  title: string | null;
  model: string | null;
  systemPrompt: string | null;
  /** The asking user's role. */
  role: ParticipantRole;
  /**
   * Every participant's id, the asking user's included, in joining order. Read-only: a store may
   * hand out the same array to every caller (PostgreSQL caches it per process).
   */
  participantIds: readonly string[];
  /** The conversation's assistant member (see {@link ConversationRecord.assistant}). */
  assistant: AssistantMember | null;
}

/**
 * `pending`: a direct upload announced but not yet completed (its bytes may not be in the bucket);
 * `checking`: a completion claimed it and is examining its bytes (of two racing completions, one
 * examines); `ready`: its bytes are stored and checked; `deleting`: the sweep claimed it, so no
 * message may attach it and no completion may finish it while its bytes go.
 */
export type FileStatus = 'pending' | 'checking' | 'ready' | 'deleting';

/** An upload's metadata; its bytes live in the `FileStorage` under `storageKey`. */
export interface FileRecord {
  id: string;
  /** Who uploaded it: the only one who may attach it, and whose quota it counts against. */
  ownerId: string;
  /** The name it was uploaded with. */
  name: string;
  /** Sniffed from the bytes. */
  mediaType: string;
  /** Bytes (for a `pending` file: the size announced). */
  size: number;
  /** Hex SHA-256 of the bytes (`''` while `pending`). */
  sha256: string;
  width: number | null;
  height: number | null;
  storageKey: string;
  status: FileStatus;
  /** Where it is attached: set together, once, by the append of the message that uses it. */
  conversationId: string | null;
  messageId: string | null;
  createdAt: string;
  /** When an unattached file is swept; `null` once attached. */
  expiresAt: string | null;
}

export interface FilePatch {
  name?: string;
  mediaType?: string;
  size?: number;
  sha256?: string;
  width?: number | null;
  height?: number | null;
  status?: FileStatus;
  expiresAt?: string | null;
  /** Where the bytes are: a completed direct upload moves from its staging key to its own. */
  storageKey?: string;
}

/**
 * A message named a file it may not attach: `missing` (no such file, someone else's, not `ready`,
 * or expired — the 404 of a missing id) or `taken` (already attached to another message: 409).
 * Nothing was appended.
 */
export class StoreFileError extends Error {
  constructor(
    readonly reason: 'missing' | 'taken',
    readonly fileId: string,
  ) {
    super(`${reason}: ${fileId}`);
    this.name = 'StoreFileError';
  }
}

export type NewConversation = Omit<ConversationRecord, 'messageCount' | 'lastMessage' | 'lastActivityAt'>;
/**
 * A message to append: the store assigns its `seq`, and it starts with no reactions and no thread.
 * The thread, quote and mention fields may be left out (a main-list message that quotes and
 * mentions nobody).
 */
export type NewMessage = Omit<
  MessageRecord,
  | 'seq'
  | 'reactions'
  | 'pinnedAt'
  | 'pinnedBy'
  | 'mentions'
  | 'thread'
  | 'parentId'
  | 'alsoInConversation'
  | 'quoted'
> &
  Partial<Pick<MessageRecord, 'mentions' | 'parentId' | 'alsoInConversation' | 'quoted'>>;

export interface ConversationPatch {
  title?: string | null;
  model?: string | null;
  systemPrompt?: string | null;
  updatedAt: string;
  assistant?: AssistantMember | null;
}

/**
 * What an assistant conversation becomes when its owner invites people (see
 * `Store.addParticipants`): a group whose assistant answers every message.
 */
export interface BecomesGroup {
  type: 'group';
  assistant: AssistantMember;
}

export interface MessagePatch {
  parts?: MessagePart[];
  content?: string;
  status?: MessageStatus;
  model?: string | null;
  usage?: Usage | null;
  finishReason?: FinishReason | null;
  stale?: boolean;
  reactions?: ReactionRecord[];
  editedAt?: string | null;
  /** Whom it mentions now (an edit re-parses; a delete clears): the mentioned's counts follow. */
  mentions?: string[];
  /** Set together with `pinnedBy` (a delete unpins: both `null`); pinning goes through {@link Store.setPin}. */
  pinnedAt?: string | null;
  pinnedBy?: string | null;
}

/** A pin (who, when) or, `null`, an unpin: what {@link Store.setPin} writes. */
export type PinChange = { by: string; at: string } | null;

/**
 * What {@link Store.setPin} did: `changed` (pinned or unpinned), `unchanged` (it already was), or
 * `full` (the conversation has its most pins already: nothing written). With the message after.
 */
export interface PinResult {
  outcome: 'changed' | 'unchanged' | 'full';
  message: MessageRecord;
}

/** One participant's new role, for {@link Store.setRoles}. */
export interface RoleChange {
  userId: string;
  role: ParticipantRole;
}

/** What {@link Store.appendMessage} answers. */
export interface AppendResult {
  /** The message as stored (on a repeat: as stored the first time). */
  message: MessageRecord;
  /** `false` when (`senderId`, `clientMessageId`) was seen before: nothing was appended. */
  created: boolean;
  /**
   * The reply appended with the message (`reply` given), or, on a repeat, the reply appended with
   * it the first time — the message right after it that names it as `promptId`; `null` when none.
   */
  reply: MessageRecord | null;
}

export type RotateResult =
  | { status: 'rotated'; userId: string }
  /** The token was already spent: its whole family has now been revoked. */
  | { status: 'reused'; userId: string }
  | { status: 'invalid' };

/** Keyset position in a user search: the last row of the previous page. */
export interface UserSearchAfter {
  nameKey: string;
  id: string;
}

/** Keyset position in a user's conversation list: the last row of the previous page. */
export interface ConversationListAfter {
  lastActivityAt: string;
  id: string;
}

export interface MessageQuery {
  limit: number;
  /** Only messages with a smaller `seq`; the newest `limit` of them. */
  beforeSeq?: number;
  /** Only messages with a larger `seq`; the oldest `limit` of them. */
  afterSeq?: number;
  /** Leave out thread replies not also in the conversation (the main list): `limit` counts the others. */
  mainList?: boolean;
}

/** What {@link Store.searchMessages} looks for: parsed words (see `search-terms.ts`), optionally in one conversation. */
export interface MessageSearch {
  terms: SearchTerms;
  /** Only this conversation (still only if the user takes part in it). */
  conversationId?: string;
}

/**
 * Where a page of {@link Store.searchMessages} starts. Pages rank by score, then newest first
 * (`createdAt`, then `id`, both descending); a page after the first starts strictly after the
 * previous page's last hit, among messages created no later than `asOf` (the first page's time),
 * so messages arriving meanwhile neither shift nor repeat what the next pages show.
 */
export interface MessageSearchPage {
  limit: number;
  /** Only messages created at or before this instant (ISO 8601). */
  asOf: string;
  after?: MessageSearchAfter;
}

/** The previous page's last hit, with the word weights its ranking used (see {@link MessageSearchResult}). */
export interface MessageSearchAfter {
  score: number;
  createdAt: string;
  id: string;
  weights: number[] | null;
}

/** A page of search hits, best first. */
export interface MessageSearchResult {
  hits: { message: MessageRecord; score: number }[];
  /**
   * The per-word weights the scores were computed with, when they depend on the whole corpus
   * (lowdb's rarity): handed back in `after`, the next page scores with the same ones, so its
   * positions compare. `null` when scores depend on the message and the words alone (`ts_rank`).
   */
  weights: number[] | null;
}

/** The email (or direct pair) is taken: maps to `409`. */
export class StoreConflictError extends Error {
  constructor(readonly reason: 'email_taken' | 'conflict') {
    super(reason);
    this.name = 'StoreConflictError';
  }
}

/** Storage cannot be reached or written: maps to `503 unavailable`. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export interface Store {
  /** `lowdb`, `postgres`, …: reported by `/health`. */
  readonly kind: string;
  /** Opens files or pools and loads what the implementation keeps in memory. */
  init(): Promise<void>;
  /** Flushes pending writes and releases resources. */
  close(): Promise<void>;
  /** Whether storage answers now (for `/health`). */
  ping(): Promise<boolean>;

  /** Fails with `StoreConflictError('email_taken')` if `emailKey` is taken. */
  createUser(user: UserRecord): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByEmail(emailKey: string): Promise<UserRecord | null>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /**
   * Users whose display name contains `query` (case-insensitive; all users when empty), ordered
   * by lower-cased display name then id, after `after`.
   */
  searchUsers(query: string, limit: number, after?: UserSearchAfter): Promise<UserRecord[]>;
  /**
   * Changes a user's profile or password hash (a new display name is searched for by its new
   * key at once); the user after, or `null` if there is none.
   */
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null>;
  /**
   * Everyone who shares at least one conversation with `userId`, `userId` excluded, each once
   * (in no particular order): who hears of a profile change. One indexed read, not a walk of
   * every conversation's record.
   */
  listContactIds(userId: string): Promise<string[]>;

  saveRefreshToken(token: RefreshTokenRecord): Promise<void>;
  /**
   * Spends `hash` and stores `next` in its family, in one step: of two concurrent rotations of
   * one token exactly one wins; a spent, revoked or expired token rotates nothing, and a spent
   * one revokes its family.
   */
  rotateRefreshToken(
    hash: string,
    next: Omit<RefreshTokenRecord, 'familyId' | 'userId'>,
    now: string,
  ): Promise<RotateResult>;
  /** Revokes every token of the family `hash` belongs to. Unknown hashes are ignored. */
  revokeRefreshTokenFamily(hash: string, now: string): Promise<void>;
  /** Revokes every refresh token of `userId`, in every family (a password change ends all sessions). */
  revokeRefreshTokensOf(userId: string, now: string): Promise<void>;

  createConversation(conversation: NewConversation): Promise<ConversationRecord>;
  /** Creates a direct conversation, or returns the one with the same `directKey`. */
  findOrCreateDirectConversation(
    conversation: NewConversation & { directKey: string },
  ): Promise<{ conversation: ConversationRecord; created: boolean }>;
  getConversation(id: string): Promise<ConversationRecord | null>;
  /**
   * The read on the hot path of every send, typing indicator and read marker: whether `userId`
   * takes part in conversation `id`, and who the event goes to. `null` when the conversation
   * does not exist or the user is not a participant. Unlike {@link Store.getConversation} it
   * reads no read state and no last message, so it stays cheap in a group of a thousand.
   *
   * @example
   * ```ts
   * const membership = await store.getMembership(conversationId, userId);
   * if (!membership) throw conversationNotFound();
   * await broker.publish({ recipients: membership.participantIds, event });
   * ```
   */
  getMembership(id: string, userId: string): Promise<Membership | null>;
  /** The user's conversations, newest activity first (then id, descending), after `after`. */
  listConversationsForUser(
    userId: string,
    limit: number,
    after?: ConversationListAfter,
  ): Promise<ConversationRecord[]>;
  updateConversation(id: string, patch: ConversationPatch): Promise<ConversationRecord | null>;
  /** Deletes the conversation with its messages. */
  deleteConversation(id: string): Promise<boolean>;
  /**
   * Adds the participants not already in; returns the conversation after. With `becomes`, the
   * conversation takes that type and assistant in the same write (an assistant conversation its
   * owner invites people to), whether or not anyone was new.
   */
  addParticipants(
    id: string,
    participants: ParticipantRecord[],
    now: string,
    becomes?: BecomesGroup,
  ): Promise<ConversationRecord | null>;
  removeParticipant(id: string, userId: string, now: string): Promise<ConversationRecord | null>;
  /**
   * Moves the user's read marker to `messageId` — never backwards. `null` if the conversation,
   * the participant or the message does not exist.
   */
  markRead(id: string, userId: string, messageId: string): Promise<{ moved: boolean } | null>;
  /**
   * Sets the roles of participants of conversation `id`, all in one step (an ownership hand-over is
   * two changes that land together). People not in it are skipped. `null` if no such conversation.
   *
   * @example
   * ```ts
   * await store.setRoles(id, [{ userId: bob, role: 'owner' }, { userId: alice, role: 'admin' }], now);
   * ```
   */
  setRoles(id: string, changes: readonly RoleChange[], now: string): Promise<ConversationRecord | null>;

  /**
   * Appends a message, in one step: idempotent on (`senderId`, `clientMessageId`) — a repeat
   * returns the stored message with `created: false` and appends nothing —, assigns `seq`, bumps
   * the conversation's count, last message and activity, and moves the sender's read marker to it.
   * `null` if the conversation does not exist.
   *
   * With `reply` (an assistant turn: the prompt and its reply's `streaming` placeholder), both are
   * appended in that same step, the reply at the next `seq`: no other message can come between a
   * prompt and its reply, and a retried send finds the reply its first attempt started.
   *
   * A message whose parts include `file` parts attaches those files (by `fileId`) in that same step:
   * each must be the sender's, `ready`, unattached and not expired at the message's `createdAt`,
   * else it fails with {@link StoreFileError} and nothing is appended or attached. Attached, a file
   * records the conversation and message and loses its `expiresAt`. A repeat (above) is answered
   * before any file is looked at.
   *
   * A message with `parentId` is a thread reply: in that same step the parent's `thread` summary
   * counts it, and the sender (and the parent's sender) take part in the thread, the sender's
   * thread read marker at the reply. The parent must exist in the conversation, not be deleted
   * and not be a reply itself, else it fails with {@link StoreParentError} and nothing is appended.
   */
  appendMessage(message: NewMessage, reply?: NewMessage): Promise<AppendResult | null>;
  getMessage(conversationId: string, messageId: string): Promise<MessageRecord | null>;
  /** Messages in ascending `seq` order (see {@link MessageQuery}). */
  listMessages(conversationId: string, query: MessageQuery): Promise<MessageRecord[]>;
  /**
   * The messages that mention `userId`, in ascending `seq` order, paged like
   * {@link Store.listMessages}: an indexed read, not a scan of the conversation.
   */
  listMentioning(conversationId: string, userId: string, query: MessageQuery): Promise<MessageRecord[]>;
  /**
   * Changes a message in place; keeps the conversation's `lastMessage` in step. With
   * `whileStatus`, only if the message's status is one of those at the moment of the write (a
   * compare-and-set: of two racing writers at most one sees its expected status); `null` when the
   * message does not exist or its status was another.
   *
   * @example
   * ```ts
   * // A reply's final write must not bring back a reply deleted while it streamed.
   * await store.updateMessage(conversationId, replyId, { content, status: 'complete' }, ['streaming']);
   * ```
   *
   * A thread reply's change to `deleted` takes it out of its parent's `thread` count in the same step.
   */
  updateMessage(
    conversationId: string,
    messageId: string,
    patch: MessagePatch,
    whileStatus?: readonly MessageStatus[],
  ): Promise<MessageRecord | null>;
  /**
   * Reads a message and writes `change(message)` to it in one step (no other write to it comes
   * between): the patch, or `null` to leave it as it is. Resolves with the message after (as it is,
   * when `change` wrote nothing); `null` if it does not exist. `change` must be synchronous and
   * pure — an implementation may call it again.
   *
   * @example
   * ```ts
   * // Record one tool result; the caller learns from the result whether any call still waits.
   * await store.modifyMessage(conversationId, replyId, (reply) =>
   *   reply.status === 'awaiting_input' ? { parts: withOutput(reply.parts, toolCallId, output) } : null,
   * );
   * ```
   */
  modifyMessage(
    conversationId: string,
    messageId: string,
    change: (message: MessageRecord) => MessagePatch | null,
  ): Promise<MessageRecord | null>;

  /**
   * A thread's replies, ascending `seq` (`query` as for {@link Store.listMessages}; `mainList` is
   * ignored). `[]` when the parent does not exist.
   */
  listReplies(conversationId: string, parentId: string, query: MessageQuery): Promise<MessageRecord[]>;
  /**
   * Moves `userId`'s read marker in the thread of `parentId` to `messageId` (a reply of it, or the
   * parent itself) — never backwards — and makes them take part in it. `null` if the parent or
   * the message is not there (or the message is not of this thread).
   */
  markThreadRead(
    conversationId: string,
    parentId: string,
    userId: string,
    messageId: string,
  ): Promise<{ moved: boolean } | null>;
  /** Up to `limit` threads of the conversation `userId` takes part in, newest reply first. */
  listThreadsOf(conversationId: string, userId: string, limit: number): Promise<ThreadListingRecord[]>;
  /**
   * Pins (`pin` given) or unpins (`null`) a message, in one step under the conversation's lock, so
   * two racing pins cannot both take the last of `maxPins` places. `null` when the message does not
   * exist or is `deleted`. Pinning a pinned message, or unpinning one that is not, is `unchanged`.
   *
   * @example
   * ```ts
   * const result = await store.setPin(conversationId, messageId, { by: userId, at: now }, 50);
   * if (result?.outcome === 'full') throw new Conflict('Unpin one first');
   * ```
   */
  setPin(
    conversationId: string,
    messageId: string,
    pin: PinChange,
    maxPins: number,
  ): Promise<PinResult | null>;
  /** The conversation's pinned messages, the newest pin first (then by id). */
  listPinnedMessages(conversationId: string): Promise<MessageRecord[]>;

  /** Stores a new file record (an upload, or a direct upload's `pending` record). */
  createFile(file: FileRecord): Promise<FileRecord>;
  getFile(id: string): Promise<FileRecord | null>;
  /**
   * Changes an unattached file; with `whileStatus`, only if its status is one of those (a
   * compare-and-set: of two racing completions of one direct upload, one wins). `null` when the
   * file does not exist, is attached, or its status was another.
   */
  updateFile(id: string, patch: FilePatch, whileStatus?: readonly FileStatus[]): Promise<FileRecord | null>;
  /** Removes a file record (its bytes are the caller's to delete first). `false` if there was none. */
  deleteFile(id: string): Promise<boolean>;
  /** Bytes of every file `ownerId` has, attached or not, `pending` ones at their announced size (the quota). */
  fileBytesOf(ownerId: string): Promise<number>;
  /** Every file `ownerId` uploaded that no message attaches (yet): what deleting their account removes. */
  listUnattachedFilesOf(ownerId: string): Promise<FileRecord[]>;
  /** Up to `limit` unattached files whose `expiresAt` is at or before `now`, oldest first (the sweep). */
  listExpiredFiles(now: string, limit: number): Promise<FileRecord[]>;
  /**
   * The files attached in conversation `conversationId` (only those of message `messageId`, when
   * given): what a delete of the message or conversation removes.
   */
  listAttachedFiles(conversationId: string, messageId?: string): Promise<FileRecord[]>;

  /**
   * Messages matching `search` — every word (the last as a prefix), diacritics and case aside —
   * in the conversations `userId` takes part in now, never a deleted one, by their current text
   * (a reply still streaming is found once complete). Best first (see {@link MessageSearchPage}).
   *
   * @example
   * ```ts
   * const terms = parseSearch('cafe hel')!;
   * const page = await store.searchMessages(userId, { terms }, { limit: 20, asOf: now });
   * ```
   */
  searchMessages(
    userId: string,
    search: MessageSearch,
    page: MessageSearchPage,
  ): Promise<MessageSearchResult>;
}
