/**
 * Threads in the store: each thread's replies kept apart from its conversation's list (by parent
 * id, in `ChatState.threads`), loaded and paged on demand, sent to, and marked read. Replies that
 * arrive live go to their thread; only those sent `alsoInConversation` show in the main list too.
 */
import type { CursorPage } from '../client/pagination.js';
import type { Message } from '../contracts/resources.js';
import { emptyMessageList, fromServer, mergePage, updateMessage, upsertMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';
import type { ChatMessage, MessageList } from './types.js';

/** What a thread reply is sent with besides its text. */
export interface ThreadSendOptions {
  /** Show the reply in the conversation's main list too ("also send to conversation"). */
  alsoInConversation?: boolean | undefined;
  /** Quote this message of the conversation. */
  quotedMessageId?: string | undefined;
}

/** Replaces thread `parentId`'s list in the state with `fn` of it (nothing when `fn` keeps it). */
function updateThreadIn(ctx: StoreContext, parentId: string, fn: (list: MessageList) => MessageList) {
  const { threads } = ctx.get();
  const current = threads[parentId] ?? emptyMessageList;
  const next = fn(current);
  if (next !== current) ctx.set({ threads: { ...threads, [parentId]: next } });
}

export function createThreads(ctx: StoreContext, pageSize: number) {
  const { client } = ctx;
  /** The oldest page loaded of each thread (by parent id): its next page is older still. */
  const pages = new Map<string, { conversationId: string; page: CursorPage<Message> }>();
  /** The conversation of each thread in the state (by parent id), so that `forget` finds them. */
  const owners = new Map<string, string>();

  const updateThread = updateThreadIn.bind(null, ctx);

  const put = (parentId: string, message: Message) => {
    owners.set(parentId, message.conversationId);
    updateThread(parentId, (list) => ({ ...list, items: upsertMessage(list.items, fromServer(message)) }));
  };

  async function load(conversationId: string, parentId: string, force?: boolean) {
    const list = ctx.get().threads[parentId] ?? emptyMessageList;
    if (!force && list.status !== 'idle' && list.status !== 'error') return;
    owners.set(parentId, conversationId);
    updateThread(parentId, (l) => ({ ...l, status: l.status === 'ready' ? 'ready' : 'loading' }));
    await ctx.guarded(
      () => client.messages.replies(conversationId, parentId, { limit: pageSize }),
      (page) => {
        // Its conversation was dropped (deleted, left) while this was asked.
        if (owners.get(parentId) !== conversationId) return;
        if (!pages.has(parentId) || !force) pages.set(parentId, { conversationId, page });
        updateThread(parentId, (l) => ({
          ...l,
          items: mergePage(l.items, page.items),
          hasOlder: force && l.status === 'ready' ? l.hasOlder : page.hasNextPage(),
          status: 'ready',
          error: null,
        }));
      },
      (error) => updateThread(parentId, (l) => ({ ...l, status: 'error', error })),
    );
  }

  return {
    load,

    async loadOlder(parentId: string) {
      const loaded = pages.get(parentId);
      if (!loaded?.page.hasNextPage() || ctx.get().threads[parentId]?.loadingOlder) return;
      updateThread(parentId, (l) => ({ ...l, loadingOlder: true }));
      await ctx.guarded(
        () => loaded.page.getNextPage(),
        (older) => {
          if (pages.get(parentId)?.conversationId !== loaded.conversationId) return;
          pages.set(parentId, { ...loaded, page: older });
          updateThread(parentId, (l) => ({
            ...l,
            items: mergePage(l.items, older.items),
            hasOlder: older.hasNextPage(),
            loadingOlder: false,
          }));
        },
        (error) => {
          if (pages.has(parentId)) updateThread(parentId, (l) => ({ ...l, loadingOlder: false, error }));
        },
      );
    },

    /** Sends a reply; it shows once stored (a failure lands in the thread's `error`). */
    async send(conversationId: string, parentId: string, content: string, options: ThreadSendOptions = {}) {
      await ctx.guarded(
        () =>
          client.messages.send(conversationId, {
            content,
            parentId,
            ...(options.alsoInConversation && { alsoInConversation: true }),
            ...(options.quotedMessageId && { quotedMessageId: options.quotedMessageId }),
          }),
        ({ message }) => {
          put(parentId, message);
          if (message.alsoInConversation) ctx.upsert(conversationId, fromServer(message));
        },
        (error) => updateThread(parentId, (l) => ({ ...l, error })),
      );
    },

    /** Moves my read marker in the thread to its newest loaded reply (best effort). */
    markRead(conversationId: string, parentId: string) {
      const newest = ctx.get().threads[parentId]?.items.at(-1);
      if (!newest) return;
      client.conversations
        .markRead(conversationId, { messageId: newest.id, threadId: parentId })
        .catch(() => {});
    },

    /**
     * A live message: a thread reply goes to its thread (when that thread is loaded); whether it
     * belongs in the main list as well is the answer.
     */
    route(message: Message): boolean {
      if (!message.parentId) return true;
      if (ctx.get().threads[message.parentId]) put(message.parentId, message);
      return message.alsoInConversation;
    },

    /** The reply `messageId` of the thread of `parentId`, when that thread is loaded and has it. */
    find(parentId: string, messageId: string): ChatMessage | undefined {
      return ctx.get().threads[parentId]?.items.find((item) => item.id === messageId);
    },

    /** Replaces the reply `messageId` of a loaded thread with `fn` of it (nothing when it is not there). */
    patch(parentId: string, messageId: string, fn: (message: ChatMessage) => ChatMessage) {
      if (!ctx.get().threads[parentId]) return;
      updateThread(parentId, (list) => {
        const items = updateMessage(list.items, messageId, fn);
        return items === list.items ? list : { ...list, items };
      });
    },

    /** A live edit or delete of a reply, in its thread. */
    update(message: Message) {
      if (!message.parentId || !ctx.get().threads[message.parentId]) return;
      updateThread(message.parentId, (list) => {
        const items = updateMessage(list.items, message.id, () => fromServer(message));
        return items === list.items ? list : { ...list, items };
      });
    },

    /** After lost events: the loaded threads again. */
    reload() {
      for (const [parentId, { conversationId }] of pages) void load(conversationId, parentId, true);
    },

    /** Forgets the threads of a conversation dropped (deleted, or left): their pages and replies. */
    forget(conversationId: string) {
      const { threads } = ctx.get();
      const gone = Object.keys(threads).filter(
        (parentId) =>
          owners.get(parentId) === conversationId ||
          pages.get(parentId)?.conversationId === conversationId ||
          threads[parentId]?.items.some((item) => item.conversationId === conversationId),
      );
      for (const parentId of gone) {
        pages.delete(parentId);
        owners.delete(parentId);
      }
      if (gone.length === 0) return;
      const kept = { ...threads };
      for (const parentId of gone) delete kept[parentId];
      ctx.set({ threads: kept });
    },

    clear() {
      pages.clear();
      owners.clear();
    },
  };
}

export type Threads = ReturnType<typeof createThreads>;
