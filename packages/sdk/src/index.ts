/**
 * chatwire: a typed client for chat products — people with people in real time, and with AI
 * assistants that stream — and the zod contracts of its wire API.
 *
 * @module @chatwire/sdk
 */
export type { AuthChange, AuthChangeListener, AuthSession } from './client/auth-session.js';
export {
  ApiError,
  type ApiErrorInit,
  AuthenticationError,
  ChatwireError,
  ConflictError,
  ConnectionError,
  type ErrorClass,
  InternalServerError,
  NotFoundError,
  NotSupportedError,
  PayloadTooLargeError,
  PermissionDeniedError,
  ProviderError,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './client/errors.js';
export { CursorPage, type PageFetcher, PagePromise } from './client/pagination.js';
export { defaultRetryOptions, type RetryOptions } from './client/retry.js';
export {
  localStorageTokenStore,
  memoryTokenStore,
  type TokenStorage,
  type TokenStore,
} from './client/token-store.js';
export type {
  BodyArg,
  ParamsArg,
  QueryArg,
  RequestOptions,
  RouteCall,
  Transport,
  TransportOptions,
} from './client/transport.js';
export * from './contracts/index.js';
export { type ChatwireClient, type ClientOptions, createClient } from './create-client.js';
export { newClientMessageId } from './internal/foundation.js';
export type { ReconnectOptions } from './realtime/backoff.js';
export { RealtimeError, type RealtimeErrorCode } from './realtime/errors.js';
export type {
  RealtimeConnection,
  RealtimeListeners,
  RealtimeOptions,
  RealtimeReady,
  RealtimeSendInput,
  RealtimeStatus,
  RealtimeTimers,
} from './realtime/types.js';
export type { WebSocketFactory, WebSocketLike } from './realtime/web-socket.js';
export type { AuthResource } from './resources/auth.js';
export type { ConversationsResource } from './resources/conversations.js';
export type { UploadFileOptions, UploadProgress, UploadSource } from './resources/file-inputs.js';
export type { FilesResource } from './resources/files.js';
export type * from './resources/message-inputs.js';
export type { MessagesResource } from './resources/messages.js';
export type { ModelsResource } from './resources/models.js';
export type { SearchMessagesOptions, SearchResource } from './resources/search.js';
export type { UsersResource } from './resources/users.js';
export { type ChatStore, createChatStore } from './state/create-chat-store.js';
export { emptyMessageList } from './state/message-list.js';
export { type ReadReceipts, readReceipts } from './state/read-receipts.js';
export { idleTurn } from './state/store-context.js';
export type { ThreadSendOptions } from './state/threads.js';
export type { ToolApprovalAnswer, ToolResultAnswer } from './state/tool-answers.js';
export type {
  AssistantState,
  AssistantTurn,
  AttachedFile,
  AuthState,
  ChatMessage,
  ChatRealtimeStatus,
  ChatState,
  ChatStoreOptions,
  ConversationList,
  DeliveryStatus,
  LoadStatus,
  MessageList,
  PendingUpload,
  SendOptions,
  TurnStatus,
  UploadStatus,
} from './state/types.js';
export type { ChatStream, ChatStreamHandlers, MessageStarted } from './streaming/chat-stream.js';
export { applyPartEvent, type PartEvent, positionOf, type ReplyPosition } from './streaming/reply-parts.js';
export {
  type ClientTool,
  type ClientToolContext,
  type ClientTools,
  clientTool,
  type InferToolInput,
  type ToolInputIssue,
  type ToolInputSchema,
} from './tools/client-tool.js';
export { type PendingToolCalls, pendingToolCalls } from './tools/pending-tool-calls.js';
