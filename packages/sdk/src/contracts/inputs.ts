/**
 * What clients send: bodies and queries of every route.
 */
import * as z from 'zod/mini';
import { AssistantRespondTo } from './assistant.js';
import { fullyQualifiedEmoji, oneEmojiOrShortCode } from './emoji.js';
import { AttachmentInput } from './files.js';
import { limits } from './limits.js';
import { ToolName } from './parts.js';
import { Password } from './password.js';
import { Cursor, Id } from './primitives.js';
import { ConversationType } from './resources.js';

// The page query lives with the inputs, not in ./primitives.js (which the client's event schemas
// import): `z.coerce` and `z._default` cost a browser bundle ~600 B gzipped (bench/bundle.mjs).
/** `?limit=` on every list: 1..100, default 50. Query strings arrive as text, hence the coercion. */
export const Limit = z._default(
  z.coerce.number().check(z.int('Must be a whole number'), z.minimum(1), z.maximum(100)),
  50,
);

/** The query every cursor-paginated list accepts. */
export const PageQuery = z.object({
  limit: Limit,
  cursor: z.optional(Cursor),
});

const Email = z.string().check(z.trim(), z.maxLength(254), z.email('Must be an email address'));
const DisplayName = z
  .string()
  .check(z.trim(), z.minLength(1, 'Display name must not be empty'), z.maxLength(limits.displayNameChars));
const Title = z.string().check(z.trim(), z.maxLength(limits.titleChars));
const SystemPrompt = z.string().check(z.maxLength(limits.systemPromptChars));
const ModelAlias = z.string().check(z.minLength(1), z.maxLength(100));
/** Chosen by the client so a retried send is stored once (any string up to 128 characters). */
export const ClientMessageId = z.string().check(z.minLength(1), z.maxLength(limits.clientMessageIdChars));
/** Text that every store can keep: PostgreSQL refuses U+0000 in `text` and `jsonb`. */
const noNul = (what: string) =>
  z.refine<string>((value) => !value.includes('\u0000'), `${what} must not contain U+0000 (NUL)`);
/** A message's text: may be empty when the message attaches files (see `saysSomething`). */
const MessageText = z.string().check(z.maxLength(limits.messageContentChars), noNul('Message content'));
/** A send's text: left out, empty (a send of files only). */
const SendContent = z._default(MessageText, '');

export const RegisterInput = z.object({
  email: Email,
  password: Password,
  displayName: z.optional(DisplayName),
});
export type RegisterInput = z.infer<typeof RegisterInput>;

export const LoginInput = z.object({
  email: Email,
  // No policy here: the policy may have changed since the password was set.
  password: z.string().check(z.minLength(1), z.maxLength(1024)),
});
export type LoginInput = z.infer<typeof LoginInput>;

/** The OAuth2 form body of `POST /v1/auth/token` (password and refresh_token grants). */
export const TokenForm = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('password'),
    username: Email,
    password: z.string().check(z.minLength(1), z.maxLength(1024)),
    scope: z.optional(z.string()),
  }),
  z.object({
    grant_type: z.literal('refresh_token'),
    refresh_token: z.string().check(z.minLength(1), z.maxLength(512)),
    scope: z.optional(z.string()),
  }),
]);
export type TokenForm = z.infer<typeof TokenForm>;

export const RefreshInput = z.object({ refreshToken: z.string().check(z.minLength(1), z.maxLength(512)) });
export type RefreshInput = z.infer<typeof RefreshInput>;

const uuid = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/**
 * Search by display name (`q`, paged), or look people up by id (`ids`: up to 100, comma-separated;
 * one page in the order asked, unknown ids left out) — e.g. the names of a conversation's
 * participants, which carry ids only.
 */
export const SearchUsersQuery = z.object({
  q: z.optional(z.string().check(z.trim(), z.maxLength(100))),
  ids: z.optional(
    z
      .string()
      .check(
        z.regex(new RegExp(`^${uuid}(,${uuid}){0,99}$`), 'Up to 100 user ids (UUIDs), separated by commas'),
      ),
  ),
  limit: Limit,
  cursor: z.optional(Cursor),
});
export type SearchUsersQuery = z.input<typeof SearchUsersQuery>;

/** An assistant member of a direct or group conversation: a model alias this server offers, and when it answers. */
export const AssistantMemberInput = z.object({
  model: ModelAlias,
  respondTo: AssistantRespondTo,
});
export type AssistantMemberInput = z.infer<typeof AssistantMemberInput>;

const ParticipantIds = z.array(Id).check(z.maxLength(limits.participantsPerRequest));

/**
 * `direct` takes exactly one other user; `group` one or more; `assistant` a model alias and a
 * system prompt. Titles are for groups and assistant chats.
 */
export const CreateConversationInput = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('assistant'),
    title: z.optional(z.nullable(Title)),
    model: z.optional(z.nullable(ModelAlias)),
    systemPrompt: z.optional(z.nullable(SystemPrompt)),
  }),
  z.object({
    type: z.literal('direct'),
    participantIds: ParticipantIds.check(z.length(1, 'A direct conversation takes exactly one other user')),
    assistant: z.optional(z.nullable(AssistantMemberInput)),
  }),
  z.object({
    type: z.literal('group'),
    title: z.optional(z.nullable(Title)),
    participantIds: ParticipantIds.check(z.minLength(1, 'A group needs at least one other user')),
    assistant: z.optional(z.nullable(AssistantMemberInput)),
  }),
]);
export type CreateConversationInput = z.input<typeof CreateConversationInput>;
export { ConversationType };

export const UpdateConversationInput = z.object({
  title: z.optional(z.nullable(Title)),
  systemPrompt: z.optional(z.nullable(SystemPrompt)),
  model: z.optional(z.nullable(ModelAlias)),
  /** Direct and group conversations: the assistant member (`null` removes it). Owner only. */
  assistant: z.optional(z.nullable(AssistantMemberInput)),
});
export type UpdateConversationInput = z.infer<typeof UpdateConversationInput>;

export const AddParticipantsInput = z.object({
  userIds: ParticipantIds.check(z.minLength(1, 'Name at least one user')),
});
export type AddParticipantsInput = z.infer<typeof AddParticipantsInput>;

/**
 * A reaction: one emoji (a single emoji such as 👍, 🇵🇹, 1️⃣ or 🏴󠁧󠁢󠁳󠁣󠁴󠁿, skin tones and ZWJ sequences
 * such as 👩‍👩‍👧 included) or a short code (`party_parrot`: letters, digits, `_`, `+`, `-`), spelt
 * fully qualified (`❤` arrives as `❤️`: one reaction, whichever a keyboard sent; see ./emoji.ts).
 */
export const Emoji = z
  .string()
  .check(
    z.overwrite(fullyQualifiedEmoji),
    z.minLength(1),
    z.maxLength(limits.reactionChars),
    z.regex(oneEmojiOrShortCode, 'Must be one emoji or a short code (letters, digits, _ + -)'),
  );

export const AddReactionInput = z.object({ emoji: Emoji });
export type AddReactionInput = z.infer<typeof AddReactionInput>;

/** `https:` only: an avatar is shown to others, and a `javascript:` or `http:` URL must never be. */
const AvatarUrl = z.string().check(
  z.trim(),
  z.maxLength(limits.avatarUrlChars),
  // The URL parser drops a NUL in a path, so the check below would pass a string no store keeps.
  noNul('The avatar URL'),
  z.refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'Must be an https: URL'),
);

/** What a person may change of their own profile; a field left out stays as it is, `null` clears it. */
export const UpdateProfileInput = z.object({
  displayName: z.optional(DisplayName),
  avatarUrl: z.optional(z.nullable(AvatarUrl)),
  statusText: z.optional(
    z.nullable(z.string().check(z.trim(), z.maxLength(limits.statusTextChars), noNul('The status text'))),
  ),
});
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

/** A new password, with the current one (a stolen access token alone cannot change it). */
export const ChangePasswordInput = z.object({
  currentPassword: z.string().check(z.minLength(1), z.maxLength(1024)),
  newPassword: Password,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

/** Deleting my account: the current password (a stolen access token alone cannot do it). */
export const DeleteAccountInput = z.object({
  password: z.string().check(z.minLength(1), z.maxLength(1024)),
});
export type DeleteAccountInput = z.infer<typeof DeleteAccountInput>;

/**
 * A participant's new role, set by the owner: `admin` or `member`; `owner` hands the group over
 * (the previous owner becomes an `admin`).
 */
export const SetRoleInput = z.object({ role: z.enum(['owner', 'admin', 'member']) });
export type SetRoleInput = z.infer<typeof SetRoleInput>;

/** Which message to pin. */
export const PinInput = z.object({ messageId: Id });
export type PinInput = z.infer<typeof PinInput>;

/**
 * Where a read marker moves to: the conversation's, or — with `threadId` (a thread's parent) —
 * my marker in that thread (`messageId` one of its replies, or the parent itself).
 */
export const MarkReadInput = z.object({ messageId: Id, threadId: z.optional(Id) });

/** A page of a thread's replies, oldest to newest within the page; `cursor` continues towards older. */
export const ListRepliesQuery = PageQuery;
export type ListRepliesQuery = z.input<typeof ListRepliesQuery>;
export type MarkReadInput = z.infer<typeof MarkReadInput>;

export const ListConversationsQuery = PageQuery;
export type ListConversationsQuery = z.input<typeof ListConversationsQuery>;

/**
 * Newest page first by default; `before` / `after` (message ids) anchor a page, and `cursor`
 * (a page's `nextCursor`) continues in the same direction.
 */
export const ListMessagesQuery = z.object({
  limit: Limit,
  before: z.optional(Id),
  after: z.optional(Id),
  cursor: z.optional(Cursor),
  /** `me`: only the messages that mention the caller (same pages and cursors). */
  mentions: z.optional(z.literal('me')),
});
export type ListMessagesQuery = z.input<typeof ListMessagesQuery>;

/**
 * A tool the client runs itself (the browser's time zone, a file on the user's disk): the model
 * may call it, and the reply then waits (`awaiting_input`) for the client's result
 * (`POST …/tool-results`). `inputSchema` is the JSON Schema of its input.
 */
export const ClientToolDeclaration = z.object({
  name: ToolName,
  description: z.string().check(z.maxLength(limits.toolDescriptionChars), noNul('A description')),
  inputSchema: z.record(z.string(), z.unknown()),
});
export type ClientToolDeclaration = z.infer<typeof ClientToolDeclaration>;

/** The fields of a send, without the rule across them (the WebSocket frame extends these). */
export const SendMessageFields = z.object({
  content: SendContent,
  /** Uploads to attach (`POST /v1/uploads`), at most `limits.attachmentsPerMessage`, no repeats. */
  attachments: z.optional(
    z.array(AttachmentInput).check(
      z.maxLength(limits.attachmentsPerMessage),
      z.refine(
        (list) => new Set(list.map((item) => item.fileId)).size === list.length,
        'A file is attached once',
      ),
    ),
  ),
  clientMessageId: z.optional(ClientMessageId),
  /** A model alias for this one reply (assistant conversations). */
  model: z.optional(ModelAlias),
  /** Tools this client runs, which the model may call in the reply (assistant conversations). */
  tools: z.optional(z.array(ClientToolDeclaration).check(z.maxLength(limits.clientToolsPerSend))),
  /**
   * Whom the sender meant to mention, as well as what the server finds in the content: each id is
   * kept only if it is a participant and their `@Display Name` appears in the content (nobody is
   * notified by a mention the others cannot see).
   */
  mentions: z.optional(z.array(Id).check(z.maxLength(limits.participantsPerRequest))),
  /** Reply in the thread of this message (human conversations; a reply to a reply joins its thread). */
  parentId: z.optional(Id),
  /** With `parentId`: show the reply in the conversation's main list too. */
  alsoInConversation: z.optional(z.boolean()),
  /** Quote this message of the same conversation (its text is snapshotted now). */
  quotedMessageId: z.optional(Id),
});

/** `alsoInConversation` only means something for a thread reply. */
export const alsoOnlyWithParent = z.refine<{
  parentId?: string | undefined;
  alsoInConversation?: boolean | undefined;
}>((input) => input.alsoInConversation === undefined || input.parentId !== undefined, {
  message: 'alsoInConversation goes with a parentId',
  path: ['alsoInConversation'],
});

/** A send says something: text, files, or both — never neither. */
export const saysSomething = z.refine<{ content: string; attachments?: readonly unknown[] | undefined }>(
  (input) => input.content.trim().length > 0 || (input.attachments?.length ?? 0) > 0,
  { message: 'Message content must not be empty (unless the message attaches files)', path: ['content'] },
);

/**
 * A message to send: its text, files it attaches (the sender's own uploads, each on one message
 * only), or both — never neither.
 */
export const SendMessageInput = SendMessageFields.check(saysSomething, alsoOnlyWithParent);
export type SendMessageInput = z.infer<typeof SendMessageInput>;
/** What a caller may send (`content` may be left out when there are attachments). */
export type SendMessageInputData = z.input<typeof SendMessageInput>;

/**
 * A message's new text. It may be empty only for a message with files (the server refuses an edit
 * that would leave a message saying nothing); the files stay as they are.
 */
export const EditMessageInput = z.object({ content: MessageText });
export type EditMessageInput = z.infer<typeof EditMessageInput>;

export const RegenerateInput = z.object({ model: z.optional(ModelAlias) });
export type RegenerateInput = z.infer<typeof RegenerateInput>;

/**
 * Where to follow a reply from: the part at index `part`, from `offset` in its text channel (what a
 * client has seen: the end of the last delta). Everything after comes, and the current state of
 * every tool call before it.
 */
export const StreamQuery = z.object({
  part: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  offset: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
});
export type StreamQuery = z.input<typeof StreamQuery>;

const ToolCallId = z.string().check(z.minLength(1), z.maxLength(128));

/**
 * A client tool's answer to the call `toolCallId` of a reply waiting for it: its `output`, or the
 * `errorText` of its failure (exactly one of them). The model is told either way.
 */
export const ToolResultInput = z
  .object({
    toolCallId: ToolCallId,
    output: z.optional(z.unknown()),
    errorText: z.optional(
      z.string().check(z.minLength(1), z.maxLength(limits.toolErrorChars), noNul('The errorText')),
    ),
  })
  .check(
    z.refine(
      (input) => (input.output !== undefined) !== (input.errorText !== undefined),
      'Send the output or an errorText, one of them',
    ),
  );
export type ToolResultInput = z.infer<typeof ToolResultInput>;

/** A person's answer to a tool call waiting for approval: run it, or not (`reason` goes to the model). */
export const ToolApprovalInput = z.object({
  toolCallId: ToolCallId,
  approved: z.boolean(),
  reason: z.optional(z.string().check(z.maxLength(limits.toolErrorChars), noNul('The reason'))),
});
export type ToolApprovalInput = z.infer<typeof ToolApprovalInput>;

export const ConversationParams = z.object({ id: Id });
export const MessageParams = z.object({ id: Id, messageId: Id });
export const ParticipantParams = z.object({ id: Id, userId: Id });
export const ReactionParams = z.object({ id: Id, messageId: Id, emoji: Emoji });
export const PinParams = z.object({ id: Id, messageId: Id });
