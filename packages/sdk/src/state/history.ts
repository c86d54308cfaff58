/**
 * The loaded history of each conversation: the newest page, loaded once (or again on a resync),
 * and the older pages before it, loaded on demand.
 */
import type { CursorPage } from '../client/pagination.js';
import type { Conversation, Message } from '../contracts/resources.js';
import { emptyMessageList, mergePage } from './message-list.js';
import type { Replies } from './replies.js';
import type { StoreContext } from './store-context.js';
import type { ChatStoreOptions } from './types.js';

export function createHistory(
  ctx: StoreContext,
  replies: Replies,
  /** Fetches the conversation of a history, when the store lacks it. */
  loadConversation: (id: string) => Promise<Conversation>,
  options: ChatStoreOptions,
) {
  const { client } = ctx;
  /** The oldest page loaded of each conversation: its next page is older still. */
  const pages = new Map<string, CursorPage<Message>>();

  return {
    /** Loads the newest page of a conversation's history, once (`force` loads it again). */
    async load(conversationId: string, force?: boolean) {
      const state = ctx.get();
      const list = state.messages[conversationId] ?? emptyMessageList;
      if (!force && list.status !== 'idle' && list.status !== 'error') return;
      if (!state.conversations[conversationId]) loadConversation(conversationId).catch(() => {});
      ctx.updateList(conversationId, (l) => ({ ...l, status: l.status === 'ready' ? 'ready' : 'loading' }));
      await ctx.guarded(
        () => client.messages.list(conversationId, { limit: options.messagesPageSize ?? 30 }),
        (page) => {
          // A reload keeps the pages loaded before it: their position in the history stands.
          if (!pages.has(conversationId) || !force) pages.set(conversationId, page);
          ctx.updateList(conversationId, (l) => ({
            ...l,
            items: mergePage(l.items, page.items),
            hasOlder: force && l.status === 'ready' ? l.hasOlder : page.hasNextPage(),
            status: 'ready',
            error: null,
          }));
          replies.refresh(conversationId);
        },
        (error) => ctx.updateList(conversationId, (l) => ({ ...l, status: 'error', error })),
      );
    },

    /** Loads the page before the oldest loaded message. */
    async loadOlder(conversationId: string) {
      const page = pages.get(conversationId);
      const list = ctx.get().messages[conversationId];
      if (!page?.hasNextPage() || list?.loadingOlder) return;
      ctx.updateList(conversationId, (l) => ({ ...l, loadingOlder: true }));
      await ctx.guarded(
        () => page.getNextPage(),
        (older) => {
          pages.set(conversationId, older);
          ctx.updateList(conversationId, (l) => ({
            ...l,
            items: mergePage(l.items, older.items),
            hasOlder: older.hasNextPage(),
            loadingOlder: false,
          }));
        },
        (error) => ctx.updateList(conversationId, (l) => ({ ...l, loadingOlder: false, error })),
      );
    },

    /** Forgets the pages of a conversation dropped from the store. */
    forget(conversationId: string) {
      pages.delete(conversationId);
    },

    clear() {
      pages.clear();
    },
  };
}
