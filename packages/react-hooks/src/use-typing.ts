/**
 * Typing indicators: who is typing in a conversation, and telling others that you are.
 */
import { useCallback, useEffect, useRef } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/** Options of {@link useTyping}. */
export interface UseTypingOptions {
  /** Say `stop` after this long without input, ms. Default `2000`. */
  idleMs?: number;
  /**
   * Repeat `start` while input continues, at most this often, ms. Default `4000`: under the
   * server's indicator lifetime (6 s by default), so a long sentence keeps the indicator on.
   */
  refreshMs?: number;
}

/** What {@link useTyping} returns. */
export interface UseTypingResult {
  /** The other people typing in the conversation now (the server never tells you of your own). */
  typingUserIds: readonly string[];
  /** Call on every keystroke: sends `start` (debounced) and `stop` once input pauses. */
  onInput(): void;
  /** Sends `stop` now (after sending the message, on blur). */
  stop(): void;
}

const nobody: readonly string[] = [];

/**
 * Who else is typing in `conversationId`, and a debounced `onInput` for your own input box.
 *
 * @example
 * ```tsx
 * function Composer({ id }: { id: string }) {
 *   const { typingUserIds, onInput, stop } = useTyping(id);
 *   return (
 *     <>
 *       {typingUserIds.length > 0 && <small>typing…</small>}
 *       <input onChange={onInput} onBlur={stop} />
 *     </>
 *   );
 * }
 * ```
 */
export function useTyping(
  conversationId: string | null | undefined,
  options: UseTypingOptions = {},
): UseTypingResult {
  const store = useChatStore();
  const { idleMs = 2000, refreshMs = 4000 } = options;
  const typingUserIds = useChatState((state) => (conversationId && state.typing[conversationId]) || nobody);
  /** Where we said `start`, and when; the pending `stop`. */
  const own = useRef<{ conversationId: string | null; at: number; idle?: ReturnType<typeof setTimeout> }>({
    conversationId: null,
    at: 0,
  });

  const stop = useCallback(() => {
    const current = own.current;
    clearTimeout(current.idle);
    if (current.conversationId) store.sendTyping(current.conversationId, 'stop');
    own.current = { conversationId: null, at: 0 };
  }, [store]);

  const onInput = useCallback(() => {
    if (!conversationId) return;
    const current = own.current;
    if (current.conversationId !== conversationId) stop();
    const now = Date.now();
    if (own.current.conversationId !== conversationId || now - own.current.at >= refreshMs) {
      store.sendTyping(conversationId, 'start');
      own.current = { conversationId, at: now };
    }
    clearTimeout(own.current.idle);
    own.current.idle = setTimeout(stop, idleMs);
  }, [store, conversationId, idleMs, refreshMs, stop]);

  // Leaving the conversation (or unmounting) ends our indicator there.
  useEffect(
    () => () => {
      if (own.current.conversationId === conversationId) stop();
    },
    [stop, conversationId],
  );

  return { typingUserIds, onInput, stop };
}
