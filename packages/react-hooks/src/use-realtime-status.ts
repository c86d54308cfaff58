/**
 * The state of the real-time connection, for an "offline / reconnecting…" banner.
 */
import type { ChatRealtimeStatus } from '@chatwire/sdk';
import { useChatState } from './use-chat-state.js';

/**
 * `idle` (signed out, or no real-time), `connecting`, `open`, `reconnecting` or `closed`.
 *
 * @example
 * ```tsx
 * const status = useRealtimeStatus();
 * return status === 'reconnecting' ? <Banner>Reconnecting…</Banner> : null;
 * ```
 */
export function useRealtimeStatus(): ChatRealtimeStatus {
  return useChatState((state) => state.realtime);
}
