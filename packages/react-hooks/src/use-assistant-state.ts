/**
 * What the assistant is doing in a conversation right now, from its `assistant.state` events.
 */
import type { AssistantState } from '@chatwire/sdk';
import { useChatState } from './use-chat-state.js';

/**
 * The assistant's state in `conversationId` — `thinking`, `writing` or `using_tool` (with
 * `toolName`) — or `null` while it is idle (no reply running, or the reply ended).
 *
 * @example
 * ```tsx
 * function AssistantIndicator({ id, name }: { id: string; name: string }) {
 *   const assistant = useAssistantState(id);
 *   if (!assistant) return null;
 *   return <small>{assistant.state === 'using_tool' ? `using ${assistant.toolName}…` : `${name} is ${assistant.state}…`}</small>;
 * }
 * ```
 */
export function useAssistantState(conversationId: string | null | undefined): AssistantState | null {
  return useChatState((state) => (conversationId && state.assistantStates[conversationId]) || null);
}
