/**
 * Rows as node-postgres returns them, and their mapping to the store's records. Every read goes
 * through these functions, so records are always fresh objects (the "records are copies" rule
 * holds by construction) and timestamps always come back in `toISOString()` form.
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
import type {
  ConversationRecord,
  FileRecord,
  FileStatus,
  MessageRecord,
  ParticipantRecord,
  QuoteRecord,
  ReactionRecord,
  RefreshTokenRecord,
  ThreadRecord,
  UserRecord,
} from '../store.js';

/**
 * A timestamptz arrives as a `Date` from a column and as an ISO string (with an offset) from
 * JSON built in SQL; both become the `…T…Z` form the records use.
 */
type Timestamp = Date | string;

export interface UserRow {
  id: string;
  email: string;
  email_key: string;
  display_name: string;
  avatar_url: string | null;
  status_text: string | null;
  password_hash: string;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface RefreshTokenRow {
  hash: string;
  user_id: string;
  family_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  spent_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface ParticipantRow {
  user_id: string;
  role: ParticipantRole;
  joined_at: Timestamp;
  read_count: number;
  last_read_message_id: string | null;
  /** The seqs of the unread messages that mention them (`CONVERSATION_COLUMNS` adds it). */
  mention_seqs?: number[];
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  conv_seq: number;
  sender_id: string | null;
  role: MessageRole;
  parts: MessagePart[];
  content: string;
  status: MessageStatus;
  client_message_id: string | null;
  model: string | null;
  usage: Usage | null;
  finish_reason: FinishReason | null;
  stale: boolean;
  prompt_id: string | null;
  client_tools: ClientToolDeclaration[] | null;
  reactions: ReactionRecord[];
  created_at: Timestamp;
  edited_at: Timestamp | null;
  mentions: string[];
  parent_id: string | null;
  also_in_conversation: boolean;
  thread: ThreadRecord | null;
  quoted: QuoteRecord | null;
  pinned_at: Timestamp | null;
  pinned_by: string | null;
}

export interface FileRow {
  id: string;
  owner_id: string;
  name: string;
  media_type: string;
  /** A `bigint`: node-postgres hands it over as a string, to not lose precision past 2^53. */
  size: string;
  sha256: string;
  width: number | null;
  height: number | null;
  storage_key: string;
  status: FileStatus;
  conversation_id: string | null;
  message_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp | null;
}

/** A conversation with its participants and last message, as `conversation-select.ts` reads it. */
export interface ConversationRow {
  id: string;
  type: ConversationType;
  title: string | null;
  model: string | null;
  system_prompt: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  direct_key: string | null;
  message_count: number;
  last_activity_at: Timestamp;
  /** `json_agg` of the participants rows, in joining order. */
  participants: ParticipantRow[];
  /** `to_json` of the last message's row. */
  last_message: MessageRow | null;
  /** `jsonb`, parsed by node-postgres. */
  assistant: AssistantMember | null;
}

export function iso(value: Timestamp): string {
  return new Date(value).toISOString();
}

function isoOrNull(value: Timestamp | null): string | null {
  return value === null ? null : iso(value);
}

export function userFromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    emailKey: row.email_key,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    statusText: row.status_text,
    passwordHash: row.password_hash,
    createdAt: iso(row.created_at),
    deletedAt: isoOrNull(row.deleted_at),
  };
}

export function refreshTokenFromRow(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    hash: row.hash,
    userId: row.user_id,
    familyId: row.family_id,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    spentAt: isoOrNull(row.spent_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

export function participantFromRow(row: ParticipantRow): ParticipantRecord {
  return {
    userId: row.user_id,
    role: row.role,
    joinedAt: iso(row.joined_at),
    readCount: row.read_count,
    lastReadMessageId: row.last_read_message_id,
    // Only the unread ones (see `CONVERSATION_COLUMNS`); absent when none, as on lowdb.
    ...(row.mention_seqs?.length ? { mentionSeqs: row.mention_seqs } : {}),
  };
}

export function messageFromRow(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.conv_seq,
    senderId: row.sender_id,
    role: row.role,
    // Parsed from JSON by this very query: fresh objects, as `usage`.
    parts: row.parts,
    content: row.content,
    status: row.status,
    clientMessageId: row.client_message_id,
    model: row.model,
    // Parsed from JSON by this very query: already a fresh object.
    usage: row.usage,
    finishReason: row.finish_reason,
    stale: row.stale,
    promptId: row.prompt_id,
    clientTools: row.client_tools,
    // Parsed from JSON by this very query, as `parts`.
    reactions: row.reactions,
    createdAt: iso(row.created_at),
    editedAt: isoOrNull(row.edited_at),
    mentions: row.mentions ?? [],
    parentId: row.parent_id ?? null,
    alsoInConversation: row.also_in_conversation ?? false,
    // Parsed from JSON by this very query, as `parts`.
    thread: row.thread ?? null,
    quoted: row.quoted ?? null,
    pinnedAt: isoOrNull(row.pinned_at),
    pinnedBy: row.pinned_by,
  };
}

export function conversationFromRow(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    model: row.model,
    systemPrompt: row.system_prompt,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    directKey: row.direct_key,
    participants: row.participants.map(participantFromRow),
    messageCount: row.message_count,
    lastMessage: row.last_message === null ? null : messageFromRow(row.last_message),
    lastActivityAt: iso(row.last_activity_at),
    assistant: row.assistant,
  };
}

export function fileFromRow(row: FileRow): FileRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    mediaType: row.media_type,
    size: Number(row.size),
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    storageKey: row.storage_key,
    status: row.status,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    createdAt: iso(row.created_at),
    expiresAt: isoOrNull(row.expires_at),
  };
}
