/**
 * Every REST route of the API, declared once.
 */
import * as z from 'zod/mini';
import { endpoints } from './endpoints.js';
import { ChatStreamEvent } from './events.js';
import {
  DirectUpload,
  DirectUploadInput,
  FileParams,
  SignedFileQuery,
  UploadedFile,
  UploadOptions,
} from './files.js';
import {
  AddParticipantsInput,
  AddReactionInput,
  ChangePasswordInput,
  ConversationParams,
  CreateConversationInput,
  DeleteAccountInput,
  EditMessageInput,
  ListConversationsQuery,
  ListMessagesQuery,
  LoginInput,
  MarkReadInput,
  MessageParams,
  ParticipantParams,
  PinInput,
  PinParams,
  ReactionParams,
  RefreshInput,
  RegenerateInput,
  RegisterInput,
  SearchUsersQuery,
  SendMessageInput,
  SetRoleInput,
  StreamQuery,
  TokenForm,
  ToolApprovalInput,
  ToolResultInput,
  UpdateConversationInput,
  UpdateProfileInput,
} from './inputs.js';
import { page } from './primitives.js';
import {
  Conversation,
  Health,
  Message,
  Model,
  OAuthTokenResponse,
  PublicUser,
  Session,
  Tokens,
  User,
} from './resources.js';
import { defineRoutes } from './route.js';
import { SearchMessagesQuery, SearchPage } from './search.js';
import { threadRoutes } from './thread-routes.js';

/** The answer to a sent message: the stored message and, in assistant conversations, the reply. */
export const SendMessageResult = z.object({ message: Message, reply: z.nullable(Message) });
export type SendMessageResult = z.infer<typeof SendMessageResult>;

/** A conversation's pinned messages, the newest pin first. */
export const PinnedMessages = z.object({ items: z.array(Message) });
export type PinnedMessages = z.infer<typeof PinnedMessages>;

export const RegenerateResult = z.object({ reply: Message });
export type RegenerateResult = z.infer<typeof RegenerateResult>;

export const ModelList = z.object({ items: z.array(Model) });
export type ModelList = z.infer<typeof ModelList>;

/** The REST API. Keys are the operation ids (also used in `/openapi.json`). */
export const routes = defineRoutes({
  register: {
    ...endpoints.register,
    tag: 'auth',
    summary: 'Create an account',
    rateLimit: 'auth',
    body: RegisterInput,
    responses: { 201: Session },
    errors: ['validation_failed', 'email_taken', 'rate_limited'],
  },
  login: {
    ...endpoints.login,
    tag: 'auth',
    summary: 'Sign in with email and password',
    rateLimit: 'auth',
    body: LoginInput,
    responses: { 200: Session },
    errors: ['invalid_credentials', 'rate_limited'],
  },
  token: {
    ...endpoints.token,
    tag: 'auth',
    summary: 'OAuth2 token endpoint (password and refresh_token grants)',
    description: 'For OAuth2 tooling such as the Authorize button of `/docs`. Apps use login and refresh.',
    rateLimit: 'auth',
    body: TokenForm,
    responses: { 200: OAuthTokenResponse },
    errors: ['invalid_credentials', 'unauthorized', 'rate_limited'],
  },
  refresh: {
    ...endpoints.refresh,
    tag: 'auth',
    summary: 'Trade a refresh token for new tokens',
    description: 'The refresh token is spent. Presenting a spent one revokes every token of its family.',
    rateLimit: 'auth',
    body: RefreshInput,
    responses: { 200: z.object({ tokens: Tokens }) },
    errors: ['unauthorized'],
  },
  logout: {
    ...endpoints.logout,
    tag: 'auth',
    summary: 'Revoke a refresh token and its family',
    rateLimit: 'auth',
    body: RefreshInput,
    responses: { 204: null },
  },
  me: {
    ...endpoints.me,
    tag: 'auth',
    summary: 'The signed-in user',
    responses: { 200: User },
  },
  searchUsers: {
    ...endpoints.searchUsers,
    tag: 'users',
    summary: 'Search users by display name, or look them up by id',
    query: SearchUsersQuery,
    responses: { 200: page(PublicUser) },
  },
  updateMe: {
    ...endpoints.updateMe,
    tag: 'users',
    summary: 'Change my profile (display name, avatar URL, status text)',
    description:
      'Fields left out stay as they are; `null` clears the avatar or the status. Everyone who shares a conversation with me hears of it (`user.updated`).',
    body: UpdateProfileInput,
    responses: { 200: User },
    errors: ['validation_failed'],
  },
  deleteMe: {
    ...endpoints.deleteMe,
    tag: 'users',
    summary: 'Delete my account (the current password required)',
    description:
      'Every session ends (sockets close with 4410), my assistant conversations and uploads are deleted, I leave every other conversation; my messages there stay, from a deleted user.',
    rateLimit: 'auth',
    body: DeleteAccountInput,
    responses: { 204: null },
    errors: ['validation_failed', 'invalid_credentials', 'rate_limited'],
  },
  changePassword: {
    ...endpoints.changePassword,
    tag: 'users',
    summary: 'Change my password (the current one required)',
    description:
      'Every refresh token of mine is revoked (other devices must sign in again when their access token expires); the answer is a new session for this one.',
    rateLimit: 'auth',
    // Revokes refresh tokens and announces nothing: a broker outage does not lock anyone out.
    events: false,
    body: ChangePasswordInput,
    responses: { 200: Tokens },
    errors: ['validation_failed', 'invalid_credentials', 'rate_limited'],
  },
  listModels: {
    ...endpoints.listModels,
    tag: 'models',
    summary: 'The model aliases this server offers',
    responses: { 200: ModelList },
  },
  createConversation: {
    ...endpoints.createConversation,
    tag: 'conversations',
    summary: 'Start a conversation',
    description: '`direct` answers 200 with the existing conversation when the two users already have one.',
    body: CreateConversationInput,
    responses: { 201: Conversation, 200: Conversation },
    errors: ['validation_failed', 'not_found'],
  },
  listConversations: {
    ...endpoints.listConversations,
    tag: 'conversations',
    summary: "The caller's conversations, newest activity first",
    query: ListConversationsQuery,
    responses: { 200: page(Conversation) },
  },
  getConversation: {
    ...endpoints.getConversation,
    tag: 'conversations',
    summary: 'One conversation',
    params: ConversationParams,
    responses: { 200: Conversation },
    errors: ['not_found'],
  },
  updateConversation: {
    ...endpoints.updateConversation,
    tag: 'conversations',
    summary: 'Rename, or change the model or system prompt',
    params: ConversationParams,
    body: UpdateConversationInput,
    responses: { 200: Conversation },
    errors: ['not_found', 'forbidden', 'validation_failed'],
  },
  deleteConversation: {
    ...endpoints.deleteConversation,
    tag: 'conversations',
    summary: 'Delete a conversation and its messages',
    description: 'Owners only; in a direct conversation either participant.',
    params: ConversationParams,
    responses: { 204: null },
    errors: ['not_found', 'forbidden'],
  },
  addParticipants: {
    ...endpoints.addParticipants,
    tag: 'conversations',
    summary: 'Add people to a group',
    params: ConversationParams,
    body: AddParticipantsInput,
    responses: { 200: Conversation },
    errors: ['not_found', 'forbidden', 'bad_request'],
  },
  removeParticipant: {
    ...endpoints.removeParticipant,
    tag: 'conversations',
    summary: 'Remove a member (owner) or leave (yourself)',
    params: ParticipantParams,
    responses: { 204: null },
    errors: ['not_found', 'forbidden', 'bad_request'],
  },
  setParticipantRole: {
    ...endpoints.setParticipantRole,
    tag: 'conversations',
    summary: "Change a participant's role (the owner)",
    description:
      '`admin` or `member`; `owner` hands the group over and the previous owner becomes an `admin`. Groups only. Everyone in the conversation gets `participant.updated` for each role that changed.',
    params: ParticipantParams,
    body: SetRoleInput,
    responses: { 200: Conversation },
    errors: ['not_found', 'forbidden', 'bad_request', 'validation_failed'],
  },
  listPins: {
    ...endpoints.listPins,
    tag: 'messages',
    summary: "A conversation's pinned messages, the newest pin first",
    params: ConversationParams,
    responses: { 200: PinnedMessages },
    errors: ['not_found'],
  },
  pinMessage: {
    ...endpoints.pinMessage,
    tag: 'messages',
    summary: 'Pin a message (idempotent)',
    description:
      'Owners and admins; anyone in a direct conversation. At most `PINS_PER_CONVERSATION` pins (`409 conflict` past it). A deleted message is a 404. Everyone in the conversation gets `message.updated`.',
    params: ConversationParams,
    body: PinInput,
    responses: { 200: Message },
    errors: ['not_found', 'forbidden', 'conflict', 'validation_failed'],
  },
  unpinMessage: {
    ...endpoints.unpinMessage,
    tag: 'messages',
    summary: 'Unpin a message (idempotent)',
    params: PinParams,
    responses: { 200: Message },
    errors: ['not_found', 'forbidden'],
  },
  markRead: {
    ...endpoints.markRead,
    tag: 'conversations',
    summary: "Move the caller's read marker (in the conversation, or in the thread of `threadId`)",
    params: ConversationParams,
    body: MarkReadInput,
    responses: { 204: null },
    errors: ['not_found'],
  },
  listMessages: {
    ...endpoints.listMessages,
    tag: 'messages',
    summary: 'A page of messages, oldest to newest within the page',
    description:
      'Without `before`/`after` the newest page. `nextCursor` continues towards older messages (or newer, after `after`).',
    params: ConversationParams,
    query: ListMessagesQuery,
    responses: { 200: page(Message) },
    errors: ['not_found'],
  },
  sendMessage: {
    ...endpoints.sendMessage,
    tag: 'messages',
    summary: 'Send a message (assistant conversations also get a reply)',
    description:
      'A repeated `clientMessageId` answers 200 with what was stored the first time. In assistant conversations, `Accept: text/event-stream` streams the reply.',
    params: ConversationParams,
    body: SendMessageInput,
    responses: { 201: SendMessageResult, 200: SendMessageResult },
    sse: ChatStreamEvent,
    errors: ['not_found', 'validation_failed', 'provider_error', 'provider_timeout'],
  },
  editMessage: {
    ...endpoints.editMessage,
    tag: 'messages',
    summary: 'Edit your message',
    params: MessageParams,
    body: EditMessageInput,
    responses: { 200: Message },
    errors: ['not_found', 'forbidden'],
  },
  deleteMessage: {
    ...endpoints.deleteMessage,
    tag: 'messages',
    summary: 'Delete a message (its author or the conversation owner)',
    params: MessageParams,
    responses: { 200: Message },
    errors: ['not_found', 'forbidden'],
  },
  addReaction: {
    ...endpoints.addReaction,
    tag: 'messages',
    summary: 'React to a message with an emoji (idempotent)',
    description:
      'A participant reacts once per emoji: adding it again changes nothing (and sends no event). A message takes at most `limits.reactionsPerMessage` distinct emoji (`409 conflict` past it). Answers the message with its reactions.',
    params: MessageParams,
    body: AddReactionInput,
    responses: { 200: Message },
    errors: ['not_found', 'validation_failed', 'conflict'],
  },
  removeReaction: {
    ...endpoints.removeReaction,
    tag: 'messages',
    summary: 'Take back my reaction (idempotent)',
    params: ReactionParams,
    responses: { 200: Message },
    errors: ['not_found', 'validation_failed'],
  },
  regenerate: {
    ...endpoints.regenerate,
    tag: 'messages',
    summary: 'Replace an assistant reply with a new one',
    params: MessageParams,
    body: RegenerateInput,
    responses: { 200: RegenerateResult },
    sse: ChatStreamEvent,
    errors: ['not_found', 'bad_request', 'provider_error', 'provider_timeout'],
  },
  streamMessage: {
    ...endpoints.streamMessage,
    tag: 'messages',
    summary: 'Follow an assistant reply from a character offset (SSE)',
    params: MessageParams,
    query: StreamQuery,
    responses: {},
    sse: ChatStreamEvent,
    errors: ['not_found'],
  },
  stopMessage: {
    ...endpoints.stopMessage,
    tag: 'messages',
    summary: 'Stop an assistant reply being generated',
    description:
      'A deliberate stop: the generation is aborted on the server and the partial reply stored as `aborted`. (A dropped connection only stops it if nobody re-attaches within the grace period.) Answers the reply as stored; a reply that already ended is returned as it is.',
    params: MessageParams,
    responses: { 200: Message },
    errors: ['not_found', 'bad_request'],
  },
  submitToolResult: {
    ...endpoints.submitToolResult,
    tag: 'messages',
    summary: "A client tool's result for a reply waiting for it",
    description:
      'For a reply in `awaiting_input` whose tool part `toolCallId` is `input-available` (a client tool): its `output`, or the `errorText` of its failure. Once every call the reply waits for is answered, the reply goes on — on whichever process — and `Accept: text/event-stream` follows it. A second answer for one call is 409.',
    params: MessageParams,
    body: ToolResultInput,
    responses: { 200: RegenerateResult },
    sse: ChatStreamEvent,
    errors: ['not_found', 'conflict', 'validation_failed', 'provider_error', 'provider_timeout'],
  },
  approveToolCall: {
    ...endpoints.approveToolCall,
    tag: 'messages',
    summary: 'Approve or deny a tool call waiting for approval',
    description:
      'For a reply in `awaiting_input` whose tool part `toolCallId` is `approval-requested`: approved, the server runs the tool; denied, the model is told (`output-denied`, with the reason). Then as for tool results: the reply goes on once nothing else is waited for. A second answer is 409.',
    params: MessageParams,
    body: ToolApprovalInput,
    responses: { 200: RegenerateResult },
    sse: ChatStreamEvent,
    errors: ['not_found', 'conflict', 'validation_failed', 'provider_error', 'provider_timeout'],
  },
  uploadOptions: {
    ...endpoints.uploadOptions,
    tag: 'files',
    summary: 'What uploads the server accepts (size, media types, direct uploads)',
    responses: { 200: UploadOptions },
  },
  uploadFile: {
    ...endpoints.uploadFile,
    tag: 'files',
    summary: 'Upload a file (multipart/form-data, one field named `file`)',
    // Stores a file nobody hears of until a message carries it.
    events: false,
    description:
      "Streamed, never held whole in memory. The media type is sniffed from the bytes; a type outside the allow-list, an empty file or one over the size limit is refused (`413 payload_too_large`, `415 unsupported_media_type`, `400 validation_failed`) and nothing is kept. The file is the uploader's until a message attaches it; unattached, it expires.",
    responses: { 201: UploadedFile },
    errors: [
      'validation_failed',
      'payload_too_large',
      'unsupported_media_type',
      'quota_exceeded',
      'rate_limited',
    ],
  },
  createDirectUpload: {
    ...endpoints.createDirectUpload,
    tag: 'files',
    summary: 'Start a direct upload: a presigned PUT straight to the bucket (S3 storage only)',
    // Stores a file nobody hears of until a message carries it.
    events: false,
    body: DirectUploadInput,
    responses: { 201: DirectUpload },
    errors: [
      'validation_failed',
      'payload_too_large',
      'unsupported_media_type',
      'quota_exceeded',
      'not_supported',
    ],
  },
  completeDirectUpload: {
    ...endpoints.completeDirectUpload,
    tag: 'files',
    summary: 'Finish a direct upload: the server checks what arrived in the bucket',
    // Stores a file nobody hears of until a message carries it.
    events: false,
    params: FileParams,
    responses: { 200: UploadedFile },
    errors: ['not_found', 'validation_failed', 'payload_too_large', 'unsupported_media_type', 'conflict'],
  },
  getFile: {
    ...endpoints.getFile,
    tag: 'files',
    summary: "A file's metadata (its uploader, or a participant of the conversation it is attached in)",
    params: FileParams,
    responses: { 200: UploadedFile },
    errors: ['not_found'],
  },
  downloadFile: {
    ...endpoints.downloadFile,
    tag: 'files',
    summary: "A file's bytes: with a bearer token, or with a message's signed URL",
    description:
      'Sent with `Content-Disposition` (inline for raster images, attachment otherwise), `X-Content-Type-Options: nosniff` and a sandboxing `Content-Security-Policy`; `Range` is honoured. Anyone who may not read the file, and a bad or expired signature, gets the 404 of a missing id.',
    params: FileParams,
    query: SignedFileQuery,
    responses: { 200: null },
    errors: ['not_found'],
  },
  realtime: {
    ...endpoints.realtime,
    tag: 'realtime',
    summary: 'Real-time events over WebSocket',
    description:
      'Upgrade to a WebSocket. The first frame must be `{ "type": "auth", "token": <access token>, "resumeFrom"?: <seq> }` within 10 s. Frames: `ClientFrame` in, `ServerFrame` out. Tokens never travel in the URL.',
    rateLimit: 'none',
    responses: { 101: null },
  },
  health: {
    ...endpoints.health,
    tag: 'service',
    summary: 'Liveness and what the server runs on',
    rateLimit: 'none',
    responses: { 200: Health },
  },
  openApiDocument: {
    ...endpoints.openApiDocument,
    tag: 'service',
    summary: 'This API as an OpenAPI 3.1 document, generated from these contracts',
    rateLimit: 'none',
    responses: { 200: z.record(z.string(), z.unknown()) },
  },
  searchMessages: {
    ...endpoints.searchMessages,
    tag: 'search',
    summary: 'Search the messages of my conversations',
    description:
      'Every word of `q` must occur (the last may be the start of a word); case and diacritics do not matter. Only conversations I take part in now, never a deleted message, always the current text of an edited one. Best match first, then newest. `nextCursor` continues the same search: messages sent after its first page wait for a new search. Drawn from its own per-user budget (`429` with `Retry-After` past it). An unknown `conversationId`, or one I am not in, is `404`.',
    query: SearchMessagesQuery,
    responses: { 200: SearchPage },
    errors: ['validation_failed', 'not_found', 'rate_limited'],
  },
  ...threadRoutes,
});

/** The route table's type. */
export type Routes = typeof routes;
/** An operation id, e.g. `'sendMessage'`. */
export type RouteName = keyof Routes;
