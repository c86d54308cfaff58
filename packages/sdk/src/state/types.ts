/**
 * The shape of the chat store's state and its options. Every slice is an immutable snapshot:
 * a change replaces the slice (and, inside `messages`, only the changed conversation's list), so a
 * selector such as `state.messages[id]` keeps its identity until that conversation changes.
 */
import type { AssistantActivity } from '../contracts/assistant.js';
import type { UploadedFile } from '../contracts/files.js';
import type { Conversation, Message, PublicUser, User } from '../contracts/resources.js';
import type { RealtimeOptions, RealtimeStatus, RealtimeTimers } from '../realtime/types.js';
import type { UploadSource } from '../resources/file-inputs.js';
import type { ClientTools } from '../tools/client-tool.js';

/** Where an own message is: `sending` (optimistic), `sent` (stored by the server), `failed` (retry it). */
export type DeliveryStatus = 'sending' | 'sent' | 'failed';

/** A message as the store holds it: the stored {@link Message} plus its delivery. */
export interface ChatMessage extends Message {
  /**
   * Stable for the message's whole life, also across the swap of an optimistic message for the
   * stored one (whose `id` differs): use it as the React `key`, and to `retry` a failed send.
   */
  key: string;
  delivery: DeliveryStatus;
  /** Why the send failed, while `delivery` is `failed`. */
  error: Error | null;
  /**
   * An own message being sent with files: their uploads, which the send waits for (progress, and
   * which one failed). Absent on stored messages, whose files are `file` parts.
   */
  uploads?: readonly PendingUpload[];
}

/** `uploading` (see `loaded`), `uploaded` (its `file` is on the server), `failed` (retry or remove it). */
export type UploadStatus = 'uploading' | 'uploaded' | 'failed';

/**
 * A file being attached: to the next message of a conversation (`ChatState.uploads`, the
 * composer's chips), or to an own message being sent (`ChatMessage.uploads`).
 */
export interface PendingUpload {
  /** Stable for the upload's life: the React `key`, and what `retryUpload` / `removeUpload` take. */
  readonly key: string;
  readonly name: string;
  /** What the file claims to be; the server's sniffed type once `uploaded`. */
  readonly mediaType: string;
  /** Bytes, when known. */
  readonly size: number | undefined;
  /** `false` for a stream source, read once: a failed upload of it is not retried (add the file again). */
  readonly retryable: boolean;
  /** Bytes sent so far. */
  readonly loaded: number;
  readonly status: UploadStatus;
  /** Why it failed, while `failed`: the server's refusal (too big, a type it does not take) says what to fix. */
  readonly error: Error | null;
  /** The upload as the server keeps it, once `uploaded`. */
  readonly file: UploadedFile | null;
}

/** A file to attach: a browser `File` (its name and type are its own), or bytes with a name. */
export type AttachedFile =
  | File
  | {
      source: UploadSource;
      name: string;
      mediaType?: string | undefined;
      /** The byte length of a stream source, when known: progress gets its total (Blobs and buffers know theirs). */
      size?: number | undefined;
    };

/** What the assistant is doing in a conversation, from its `assistant.state` events. */
export interface AssistantState {
  /** The reply it is working on. */
  readonly messageId: string;
  readonly state: Exclude<AssistantActivity, 'idle'>;
  /** The tool it runs, while `using_tool`. */
  readonly toolName?: string;
}

/** `idle` (never asked), `loading`, `ready`, `error`. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The loaded history of one conversation, oldest first. */
export interface MessageList {
  readonly items: readonly ChatMessage[];
  /** Older messages exist on the server (`loadOlder` fetches them). */
  readonly hasOlder: boolean;
  /** Of the newest page. */
  readonly status: LoadStatus;
  readonly loadingOlder: boolean;
  readonly error: Error | null;
}

/**
 * The assistant turn of a conversation, as the Vercel AI SDK's `useChat` names it: `submitted`
 * (sent, the reply has not started), `streaming`, `ready` (idle), `error` (the last turn failed) —
 * and `awaiting_input`: the reply waits for a tool result or an approval (see `pendingToolCalls`).
 */
export type TurnStatus = 'ready' | 'submitted' | 'streaming' | 'awaiting_input' | 'error';

export interface AssistantTurn {
  readonly status: TurnStatus;
  readonly error: Error | null;
  /** The reply being generated (or last generated), once known. */
  readonly replyId: string | null;
}

/** The paged list of the user's conversations (the records are in `conversations`). */
export interface ConversationList {
  /** Ids, newest activity first. */
  readonly ids: readonly string[];
  readonly status: LoadStatus;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly error: Error | null;
}

export interface AuthState {
  readonly status: 'loading' | 'signed-in' | 'signed-out';
  readonly user: User | null;
  /** Why the last sign-in or session check failed. */
  readonly error: Error | null;
}

/** `idle` while no connection is open (signed out, or `realtime: false`). */
export type ChatRealtimeStatus = RealtimeStatus | 'idle';

/** Everything the store knows. Read it with `getState()`; never mutate it. */
export interface ChatState {
  readonly auth: AuthState;
  /** Every conversation the store has seen, by id. */
  readonly conversations: Readonly<Record<string, Conversation>>;
  readonly conversationList: ConversationList;
  /** Loaded histories, by conversation id. */
  readonly messages: Readonly<Record<string, MessageList>>;
  /** Assistant turns, by conversation id. */
  readonly turns: Readonly<Record<string, AssistantTurn>>;
  /** People seen in searches and lookups (`loadUsers`), by id, kept live by `user.updated`. */
  readonly users: Readonly<Record<string, PublicUser>>;
  /** Who is online, by user id, as far as known (searches and `presence` events). */
  readonly presence: Readonly<Record<string, boolean>>;
  /** Who is typing, by conversation id. */
  readonly typing: Readonly<Record<string, readonly string[]>>;
  /** What the assistant is doing, by conversation id; absent while it does nothing (see {@link AssistantState}). */
  readonly assistantStates: Readonly<Record<string, AssistantState>>;
  /**
   * The tool calls this client's tools are running right now (their `execute`), by conversation
   * id: the reply shows them `input-available` while it waits, but their answer comes by itself,
   * so a UI does not offer to answer them (`useChat` leaves them out of `pendingToolCalls`).
   */
  readonly runningToolCalls: Readonly<Record<string, readonly string[]>>;
  /** Files attached to the next message of each conversation, uploading as soon as added, by conversation id. */
  readonly uploads: Readonly<Record<string, readonly PendingUpload[]>>;
  readonly realtime: ChatRealtimeStatus;
  /** Loaded threads' replies, by parent message id (kept out of `messages` unless sent to both). */
  readonly threads: Readonly<Record<string, MessageList>>;
}

/** Options of one send of the store. */
export interface SendOptions {
  /** A model alias for this reply. */
  model?: string | undefined;
  /** Tools this client runs in this reply, besides the store's and the client's. */
  tools?: ClientTools | undefined;
  /**
   * Files to attach, besides those already added to the conversation (`addUploads`), which the
   * send always takes. The message shows at once; it is sent once every upload is done.
   */
  files?: Iterable<AttachedFile> | undefined;
  /** Quote this message of the conversation (the sent message carries its snapshot). */
  quotedMessageId?: string | undefined;
}

/** Options of `createChatStore`; each has a default. */
export interface ChatStoreOptions {
  /**
   * Tools this client runs in the store's assistant replies (declared with every send, run when a
   * reply calls them), besides the client's own (`createClient({ tools })`). Default none.
   */
  tools?: ClientTools;
  /** At most one state update per this many ms while a reply streams. Default `50`; `0` for every delta. */
  throttleMs?: number;
  /** Options of the real-time connection the store opens once signed in, or `false` for none. Default `{}`. */
  realtime?: RealtimeOptions | false;
  /** Conversations per page. Default `30`. */
  conversationsPageSize?: number;
  /** Messages per page. Default `30`. */
  messagesPageSize?: number;
  /** How long a `typing` start lasts when it carries no `expiresAt`, ms. Default `6000`. */
  typingTimeoutMs?: number;
  /** Default: the global `setTimeout`/`clearTimeout`. */
  timers?: RealtimeTimers;
  /** Default `Date.now`. */
  now?: () => number;
}
