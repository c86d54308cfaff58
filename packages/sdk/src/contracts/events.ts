/**
 * Events, as streamed over SSE (`POST …/messages` with `Accept: text/event-stream`) and delivered
 * over the WebSocket. Both transports carry the same event objects, so one reducer serves both.
 */
import * as z from 'zod/mini';
import { AssistantStateEvent } from './assistant.js';
import { ErrorCode, ErrorDetail } from './errors.js';
import { MessagePart } from './parts.js';
import { Id, Timestamp } from './primitives.js';
import { Conversation, Message, Participant, PublicUser, ReactionGroup } from './resources.js';

export const MessageCreatedEvent = z.object({
  type: z.literal('message.created'),
  conversationId: Id,
  message: Message,
});
export const MessageUpdatedEvent = z.object({
  type: z.literal('message.updated'),
  conversationId: Id,
  message: Message,
});
export const MessageDeletedEvent = z.object({
  type: z.literal('message.deleted'),
  conversationId: Id,
  message: Message,
});
/**
 * An assistant reply's run has started: the model is asked (for a new reply, for a regenerate, or
 * again once the tool results it waited for are in). Its parts and deltas follow.
 */
export const MessageStartedEvent = z.object({
  type: z.literal('message.started'),
  conversationId: Id,
  messageId: Id,
  model: z.nullable(z.string()),
  /** Set when the reply answers in a thread: the thread's parent (so a client puts it there). */
  parentId: z.optional(Id),
});
/**
 * The part at `index` of a reply is now `part`: a new part, or a new state of one (a tool call's
 * input complete, its output, an approval asked for). Replaces what a client has at that index.
 */
export const MessagePartEvent = z.object({
  type: z.literal('message.part'),
  conversationId: Id,
  messageId: Id,
  index: z.number(),
  part: MessagePart,
});
/**
 * Text appended to the text channel of the part at `part` (a text or reasoning part's text, a
 * streaming tool input); `offset` is where `delta` starts in it.
 */
export const MessageDeltaEvent = z.object({
  type: z.literal('message.delta'),
  conversationId: Id,
  messageId: Id,
  part: z.number(),
  offset: z.number(),
  delta: z.string(),
});
/**
 * The assistant reply as stored at the end of its run: `complete`, `aborted`, `error`, or
 * `awaiting_input` (it goes on once the client tool's result or the approval it waits for is in).
 */
export const MessageCompletedEvent = z.object({
  type: z.literal('message.completed'),
  conversationId: Id,
  message: Message,
});
export const StreamErrorEvent = z.object({
  type: z.literal('error'),
  error: z.object({ code: ErrorCode, message: z.string() }),
});

export const ConversationCreatedEvent = z.object({
  type: z.literal('conversation.created'),
  conversation: Conversation,
});
export const ConversationUpdatedEvent = z.object({
  type: z.literal('conversation.updated'),
  conversation: Conversation,
});
export const ConversationDeletedEvent = z.object({
  type: z.literal('conversation.deleted'),
  conversationId: Id,
});
export const ParticipantAddedEvent = z.object({
  type: z.literal('participant.added'),
  conversationId: Id,
  participant: Participant,
});
export const ParticipantRemovedEvent = z.object({
  type: z.literal('participant.removed'),
  conversationId: Id,
  userId: Id,
});
/** A participant's role changed (an admin made, an admin removed, the group handed over). */
export const ParticipantUpdatedEvent = z.object({
  type: z.literal('participant.updated'),
  conversationId: Id,
  participant: Participant,
});
/**
 * Sent only to the user whose account was just deleted, right before each of their sockets is
 * closed (4410): sign out; the account and its tokens are gone.
 */
export const AccountDeletedEvent = z.object({
  type: z.literal('account.deleted'),
  userId: Id,
});
export const PresenceEvent = z.object({
  type: z.literal('presence'),
  userId: Id,
  online: z.boolean(),
});
/** `expiresAt` lets receivers drop a `start` whose `stop` never comes. */
export const TypingEvent = z.object({
  type: z.literal('typing'),
  conversationId: Id,
  userId: Id,
  state: z.enum(['start', 'stop']),
  expiresAt: z.optional(Timestamp),
});
/**
 * Someone reacted to a message (`reaction.added`) or took a reaction back (`reaction.removed`):
 * `reactions` is the message's reactions after the change, so a client sets them whatever order
 * the events arrive in.
 */
export const ReactionAddedEvent = z.object({
  type: z.literal('reaction.added'),
  conversationId: Id,
  messageId: Id,
  userId: Id,
  emoji: z.string(),
  reactions: z.array(ReactionGroup),
});
export const ReactionRemovedEvent = z.object({
  type: z.literal('reaction.removed'),
  conversationId: Id,
  messageId: Id,
  userId: Id,
  emoji: z.string(),
  reactions: z.array(ReactionGroup),
});
/** A person who shares a conversation with the receiver changed their profile. */
export const UserUpdatedEvent = z.object({
  type: z.literal('user.updated'),
  user: PublicUser,
});
export const ReadEvent = z.object({
  type: z.literal('read'),
  conversationId: Id,
  userId: Id,
  messageId: Id,
});

/** The events of one assistant turn, in order, as the chat SSE stream sends them. */
export const ChatStreamEvent = z.discriminatedUnion('type', [
  MessageCreatedEvent,
  MessageStartedEvent,
  MessagePartEvent,
  MessageDeltaEvent,
  MessageCompletedEvent,
  StreamErrorEvent,
]);
export type ChatStreamEvent = z.infer<typeof ChatStreamEvent>;

/** Every event a real-time connection delivers. */
export const RealtimeEvent = z.discriminatedUnion('type', [
  MessageCreatedEvent,
  MessageUpdatedEvent,
  MessageDeletedEvent,
  MessageStartedEvent,
  MessagePartEvent,
  MessageDeltaEvent,
  MessageCompletedEvent,
  ConversationCreatedEvent,
  ConversationUpdatedEvent,
  ConversationDeletedEvent,
  ParticipantAddedEvent,
  ParticipantRemovedEvent,
  PresenceEvent,
  TypingEvent,
  ReadEvent,
  ReactionAddedEvent,
  ReactionRemovedEvent,
  UserUpdatedEvent,
  AssistantStateEvent,
  ParticipantUpdatedEvent,
  AccountDeletedEvent,
]);
export type RealtimeEvent = z.infer<typeof RealtimeEvent>;
export type RealtimeEventType = RealtimeEvent['type'];
/** The event of one type, e.g. `RealtimeEventOf<'typing'>`. */
export type RealtimeEventOf<T extends RealtimeEventType> = Extract<RealtimeEvent, { type: T }>;

/** A position in the server's event stream (see `ready.seq`). */
export const Seq = z.number().check(z.int(), z.minimum(0));

/** Frames the server sends over `GET /v1/realtime`. */
export const ServerFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    userId: Id,
    seq: Seq,
    /** The largest frame this server takes (bytes, UTF-8): a bigger one closes the socket (1009). */
    maxFrameBytes: z.number().check(z.int(), z.positive()),
    /**
     * Who among the people sharing a conversation with the user is online now (at most the
     * server's `READY_PRESENCE_MAX` of them): `presence` events keep it current from here on.
     */
    presence: z.array(Id),
  }),
  z.object({ type: z.literal('ack'), clientMessageId: z.string(), message: Message }),
  z.object({ type: z.literal('event'), seq: Seq, event: RealtimeEvent }),
  z.object({ type: z.literal('resync') }),
  z.object({
    type: z.literal('error'),
    code: ErrorCode,
    message: z.string(),
    /** What the frame was about: the `clientMessageId` of a send, the message id of a read. */
    ref: z.optional(z.string()),
    /** For `validation_failed`: each problem, with its path in the frame (e.g. `["content"]`). */
    details: z.optional(z.array(ErrorDetail)),
  }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
