/**
 * React hooks for chatwire, built on `@chatwire/sdk`: one store per client (the SDK's
 * `createChatStore`), bound with `useSyncExternalStore`, one concern per hook.
 *
 * @example
 * ```tsx
 * import { createClient, localStorageTokenStore } from '@chatwire/sdk';
 * import { ChatwireProvider, useAuth, useChat, useConversations } from '@chatwire/react';
 *
 * const client = createClient({ baseUrl: '/api', tokenStore: localStorageTokenStore() });
 * root.render(<ChatwireProvider client={client}><App /></ChatwireProvider>);
 * ```
 * @module
 */
export { ChatwireProvider, type ChatwireProviderProps, useChatStore, useChatwireClient } from './provider.js';
export { useAssistantState } from './use-assistant-state.js';
export { type UseAuthResult, useAuth } from './use-auth.js';
export {
  type ChatPendingToolCalls,
  type PendingToolCall,
  type UseChatOptions,
  type UseChatResult,
  useChat,
} from './use-chat.js';
export { useChatState } from './use-chat-state.js';
export { type UseConversationResult, useConversation } from './use-conversation.js';
export { type UseConversationsResult, useConversations } from './use-conversations.js';
export {
  type UseMessageSearchOptions,
  type UseMessageSearchResult,
  useMessageSearch,
} from './use-message-search.js';
export { type UsePresenceResult, usePresence } from './use-presence.js';
export { type ProfilePatch, type UseProfileResult, useProfile } from './use-profile.js';
export { useReadReceipts } from './use-read-receipts.js';
export { useRealtimeStatus } from './use-realtime-status.js';
export { type UseThreadResult, useThread } from './use-thread.js';
export { type UseTypingOptions, type UseTypingResult, useTyping } from './use-typing.js';
export { type UseUploadsResult, useUploads } from './use-uploads.js';
export { useUser } from './use-user.js';
export { type UseUsersOptions, type UseUsersResult, useUsers } from './use-users.js';
