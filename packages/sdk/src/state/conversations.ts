/**
 * The store's conversations: the paged list (newest activity first), single records fetched into
 * it, created ones and forgotten ones.
 */
import type { CursorPage } from '../client/pagination.js';
import type { CreateConversationInput } from '../contracts/inputs.js';
import type { Conversation } from '../contracts/resources.js';
import { type StoreContext, sortIds } from './store-context.js';
import type { ChatStoreOptions, ConversationList } from './types.js';

export function createConversations(ctx: StoreContext, options: ChatStoreOptions) {
  const { client } = ctx;
  /** The last page of the list loaded: the next one continues it. */
  let listPage: CursorPage<Conversation> | undefined;
  /** Conversations being fetched, by id: callers at the same time share one request. */
  const fetching = new Map<string, Promise<Conversation>>();

  const setList = (patch: Partial<ConversationList>) =>
    ctx.set({ conversationList: { ...ctx.get().conversationList, ...patch } });

  function putPage(page: CursorPage<Conversation>, ids: Iterable<string>) {
    const state = ctx.get();
    const records = { ...state.conversations };
    for (const conversation of page.items) records[conversation.id] = conversation;
    ctx.set({
      conversations: records,
      conversationList: {
        ...state.conversationList,
        ids: sortIds([...ids, ...page.items.map((c) => c.id)], records),
        status: 'ready',
        hasMore: page.hasNextPage(),
        loadingMore: false,
        error: null,
      },
    });
  }

  return {
    /** Fetches a conversation into the store (`list`: into the conversation list too). */
    async fetch(id: string, list?: boolean) {
      const at = ctx.epoch;
      let request = fetching.get(id);
      if (!request) {
        const started = client.conversations.get(id).finally(() => {
          if (fetching.get(id) === started) fetching.delete(id);
        });
        fetching.set(id, started);
        request = started;
      }
      const conversation = await request;
      if (at === ctx.epoch) ctx.putConversation(conversation, list);
      return conversation;
    },

    /** Loads the first page of the list (again, to refresh). */
    async load() {
      if (ctx.get().conversationList.status === 'idle') setList({ status: 'loading' });
      await ctx.guarded(
        () => client.conversations.list({ limit: options.conversationsPageSize ?? 30 }),
        (page) => {
          listPage = page;
          const last = page.items.at(-1);
          const state = ctx.get();
          // Keep loaded conversations beyond this page; those within it that it lacks are gone.
          const beyond = state.conversationList.ids.filter(
            (id) => page.hasNextPage() && last && (state.conversations[id]?.updatedAt ?? '') < last.updatedAt,
          );
          putPage(page, beyond);
        },
        (error) => setList({ status: 'error', error }),
      );
    },

    async loadMore() {
      const page = listPage;
      if (!page?.hasNextPage() || ctx.get().conversationList.loadingMore) return;
      setList({ loadingMore: true });
      await ctx.guarded(
        () => page.getNextPage(),
        (next) => {
          listPage = next;
          putPage(next, ctx.get().conversationList.ids);
        },
        (error) => setList({ loadingMore: false, error }),
      );
    },

    async create(input: CreateConversationInput) {
      const conversation = await client.conversations.create(input);
      ctx.putConversation(conversation, true);
      return conversation;
    },

    /** Forgets a conversation: its record, its place in the list, its loaded history. */
    drop(id: string) {
      const state = ctx.get();
      const { [id]: _conversation, ...conversations } = state.conversations;
      const { [id]: _messages, ...messages } = state.messages;
      ctx.set({
        conversations,
        messages,
        conversationList: {
          ...state.conversationList,
          ids: state.conversationList.ids.filter((x) => x !== id),
        },
      });
    },

    clear() {
      listPage = undefined;
      fetching.clear();
    },
  };
}
