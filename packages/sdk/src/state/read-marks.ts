/**
 * Marking conversations read: the unread count drops to 0 at once, and the server hears of the
 * newest loaded message once.
 */
import type { RealtimeConnection } from '../realtime/types.js';
import type { StoreContext } from './store-context.js';

export function createReadMarks(ctx: StoreContext, connection: () => RealtimeConnection | undefined) {
  /** The message last marked read, by conversation: marking it again sends nothing. */
  const lastMarked = new Map<string, string>();

  return {
    markRead(conversationId: string) {
      const state = ctx.get();
      const items = state.messages[conversationId]?.items ?? [];
      const loaded = items.findLast((m) => m.delivery === 'sent' && m.status !== 'streaming');
      const last = state.conversations[conversationId]?.lastMessage;
      // A thread-only reply is the conversation's last message without being in its list: reading
      // the conversation reads past it too (the server counts it in the conversation's unread).
      const newest =
        loaded && last && last.status !== 'streaming' && last.createdAt > loaded.createdAt
          ? last
          : (loaded ?? last);
      if (!newest || lastMarked.get(conversationId) === newest.id) return;
      lastMarked.set(conversationId, newest.id);
      ctx.patchConversation(conversationId, (c) =>
        c.unreadCount || c.unreadMentionCount ? { ...c, unreadCount: 0, unreadMentionCount: 0 } : c,
      );
      // The socket keeps the newest read while offline; without one, REST (best effort: a badge).
      const live = connection();
      if (live && live.status !== 'closed') live.markRead(conversationId, newest.id);
      else ctx.client.conversations.markRead(conversationId, { messageId: newest.id }).catch(() => {});
    },

    clear() {
      lastMarked.clear();
    },
  };
}
