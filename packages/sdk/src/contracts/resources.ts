/**
 * The resources the API returns. Every type in the SDK and the server is inferred from these.
 */
import * as z from 'zod/mini';
import { AssistantMember } from './assistant.js';
import { MessagePart } from './parts.js';
import { Id, Timestamp } from './primitives.js';

/** The signed-in user, as only they see themselves. */
export const User = z.object({
  id: Id,
  email: z.string(),
  displayName: z.string(),
  /** An `https:` URL of their picture, or `null`. */
  avatarUrl: z.nullable(z.string()),
  /** A line they chose ("In Lisbon until Friday"), or `null`. */
  statusText: z.nullable(z.string()),
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

/** Another user as anyone may see them: never their email. */
export const PublicUser = z.object({
  id: Id,
  displayName: z.string(),
  avatarUrl: z.nullable(z.string()),
  statusText: z.nullable(z.string()),
  online: z.boolean(),
  /**
   * The account was deleted: what is left is this tombstone (`displayName` "Deleted user", no
   * avatar or status), so the messages they wrote in others' conversations still have a sender.
   */
  deleted: z.boolean(),
});
export type PublicUser = z.infer<typeof PublicUser>;

export const ConversationType = z.enum(['assistant', 'direct', 'group']);
export type ConversationType = z.infer<typeof ConversationType>;

/**
 * What a participant may do (see `permissions.ts` on the server and the README's Roles table):
 * the `owner` everything; an `admin` runs the group (people, title, prompt, pins) except for the
 * owner and other admins; a `member` takes part.
 */
export const ParticipantRole = z.enum(['owner', 'admin', 'member']);
export type ParticipantRole = z.infer<typeof ParticipantRole>;

export const Participant = z.object({
  userId: Id,
  role: ParticipantRole,
  joinedAt: Timestamp,
  /**
   * The last message this participant has read up to (their read marker), or `null`: what "seen by"
   * is drawn from. `read` events move it.
   */
  lastReadMessageId: z.nullable(Id),
});
export type Participant = z.infer<typeof Participant>;

export const MessageRole = z.enum(['user', 'assistant', 'system']);
export type MessageRole = z.infer<typeof MessageRole>;

/**
 * `streaming` while an assistant reply is generated; `awaiting_input` when it waits for a client
 * tool's result or a person's approval of a tool call (neither complete nor failed; it goes on
 * once answered, on any process, after any restart); `aborted` when it was stopped (the partial
 * reply is kept); `error` when the provider failed (likewise); `deleted` once soft-deleted.
 */
export const MessageStatus = z.enum([
  'complete',
  'streaming',
  'awaiting_input',
  'aborted',
  'error',
  'deleted',
]);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Usage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
});
export type Usage = z.infer<typeof Usage>;

/**
 * Why the model stopped writing a reply: `stop` (it was done), `length` (cut off at its token
 * limit), `content_filter` (the provider withheld the rest), `tool_calls` (it called tools and the
 * loop stopped at its step limit before it answered), `other` (a provider's own reason).
 */
export const FinishReason = z.enum(['stop', 'length', 'content_filter', 'tool_calls', 'other']);
export type FinishReason = z.infer<typeof FinishReason>;

/**
 * One emoji's reactions on a message: how many people chose it and who (every one of them, in the
 * order they reacted). A person reacts with an emoji once; a message has at most
 * `limits.reactionsPerMessage` distinct emoji.
 */
export const ReactionGroup = z.object({
  emoji: z.string(),
  count: z.number(),
  userIds: z.array(Id),
});
export type ReactionGroup = z.infer<typeof ReactionGroup>;

/**
 * A parent message's thread: how many replies it has (deleted ones not counted), when the newest
 * came, and the first few people who replied (in the order they first did).
 */
export const ThreadSummary = z.object({
  replyCount: z.number(),
  lastReplyAt: Timestamp,
  participantIds: z.array(Id),
});
export type ThreadSummary = z.infer<typeof ThreadSummary>;

/**
 * The message a message quotes, as it was when the quote was sent (an edit of it later does not
 * change the snapshot); `deleted` once the quoted message is deleted (its `content` is then `''`).
 */
export const QuotedMessage = z.object({
  messageId: Id,
  senderId: z.nullable(Id),
  /** Its text at send time, cut to the server's `QUOTE_SNAPSHOT_CHARS` (default 200) with `…`. */
  content: z.string(),
  createdAt: Timestamp,
  deleted: z.boolean(),
});
export type QuotedMessage = z.infer<typeof QuotedMessage>;

export const Message = z.object({
  id: Id,
  conversationId: Id,
  senderId: z.nullable(Id),
  role: MessageRole,
  /** What the message says in parts: text, reasoning, tool calls, steps, sources, files. */
  parts: z.array(MessagePart),
  /** The plain-text projection of `parts` (the text parts, joined): for titles, previews, plain clients. */
  content: z.string(),
  status: MessageStatus,
  clientMessageId: z.nullable(z.string()),
  model: z.nullable(z.string()),
  usage: z.nullable(Usage),
  /**
   * Why the model stopped, once an assistant reply is `complete` (a `length` reply was cut off);
   * `null` while it streams, when it was stopped or failed, and on people's messages.
   */
  finishReason: z.nullable(FinishReason),
  /**
   * An assistant reply whose prompt was edited after it was written: it answers the old text.
   * Regenerating it answers the new one (and clears this).
   */
  stale: z.boolean(),
  /** Reactions by emoji, in the order each emoji was first used; `[]` when none. */
  reactions: z.array(ReactionGroup),
  createdAt: Timestamp,
  editedAt: z.nullable(Timestamp),
  /**
   * The participants the message mentions (`@Display Name`, parsed by the server from its content
   * when sent or edited), each once, in the order first mentioned; `[]` for none and for replies.
   */
  mentions: z.array(Id),
  /** The message this one replies to in its thread; `null` for a message of the main list. */
  parentId: z.nullable(Id),
  /** On a parent with replies, its thread's summary; `null` otherwise. */
  thread: z.nullable(ThreadSummary),
  /** A thread reply also shown in the conversation's main list ("also send to conversation"). */
  alsoInConversation: z.boolean(),
  /** The message this one quotes; `null` when it quotes none. */
  quoted: z.nullable(QuotedMessage),
  /** When the message was pinned in its conversation; `null` when it is not pinned. */
  pinnedAt: z.nullable(Timestamp),
  /** Who pinned it; `null` when it is not pinned. */
  pinnedBy: z.nullable(Id),
});
export type Message = z.infer<typeof Message>;

/** A thread I take part in (I started it or replied), as `GET …/threads` lists it. */
export const ThreadListing = z.object({
  parent: Message,
  /** Replies after my thread read marker (not counting mine or deleted ones). */
  unreadCount: z.number(),
  lastReplyAt: Timestamp,
});
export type ThreadListing = z.infer<typeof ThreadListing>;

/** A conversation as seen by one participant: `unreadCount` is theirs. */
export const Conversation = z.object({
  id: Id,
  type: ConversationType,
  title: z.nullable(z.string()),
  participants: z.array(Participant),
  model: z.nullable(z.string()),
  systemPrompt: z.nullable(z.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastMessage: z.nullable(Message),
  unreadCount: z.number(),
  /** The assistant member of a direct or group conversation; `null` otherwise (see `AssistantMember`). */
  assistant: z.nullable(AssistantMember),
  /** Of the unread messages, how many mention the viewer. */
  unreadMentionCount: z.number(),
});
export type Conversation = z.infer<typeof Conversation>;

/** A model alias the server offers, e.g. `fast` → `openai` `gpt-4o-mini`. */
export const Model = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  default: z.boolean(),
  /**
   * Whether the model takes images: a message with an image attached may be sent to it. Other
   * files (text, PDFs) go to every model, as text.
   */
  vision: z.boolean(),
});
export type Model = z.infer<typeof Model>;

/** What register, login and refresh hand out. */
export const Tokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('bearer'),
  /** Seconds until the access token expires. */
  expiresIn: z.number(),
});
export type Tokens = z.infer<typeof Tokens>;

export const Session = z.object({ user: User, tokens: Tokens });
export type Session = z.infer<typeof Session>;

/** The OAuth2 token response of `POST /v1/auth/token` (what Swagger UI's Authorize expects). */
export const OAuthTokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number(),
  refresh_token: z.string(),
});
export type OAuthTokenResponse = z.infer<typeof OAuthTokenResponse>;

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeSeconds: z.number(),
  storage: z.string(),
  broker: z.string(),
  /** Where uploads' bytes live: `disk` or `s3` (absent on servers without attachments). */
  files: z.optional(z.string()),
});
export type Health = z.infer<typeof Health>;
