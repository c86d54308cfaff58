/**
 * `createChatStore`: the client's data as one framework-agnostic state — conversations, histories,
 * streaming replies, presence, typing — kept live by the WebSocket. UI bindings (the React hooks)
 * read snapshots through `subscribe`/`getState` and call the actions; nothing here knows a UI.
 */
import type { ChatwireClient } from '../client/create-client.js';
import { AuthenticationError, asError } from '../client/errors.js';
import type { CursorPage } from '../client/pagination.js';
import type { CreateConversationInput } from '../contracts/inputs.js';
import type { Conversation, Message, PublicUser, User } from '../contracts/resources.js';
import { defaultTimers } from '../realtime/connection.js';
import type { RealtimeConnection } from '../realtime/types.js';
import { newClientMessageId } from '../resources/messages.js';
import { createLiveEvents } from './live-events.js';
import { emptyMessageList, fromServer, mergePage, updateMessage } from './message-list.js';
import { createReplies } from './replies.js';
import { createStoreContext, sortIds } from './store-context.js';
import type { ChatMessage, ChatState, ChatStoreOptions, ConversationList } from './types.js';

/**
 * The chat store. Actions never throw for a failed request: the failure lands in the state
 * (`error` fields, a `failed` message, a turn in `error`), where a UI shows it.
 */
export interface ChatStore {
  readonly client: ChatwireClient;
  /** The current state: an immutable snapshot, replaced (slice by slice) on every change. */
  getState(): ChatState;
  /** The state before anything loaded: what a server render shows. */
  readonly initialState: ChatState;
  /** Calls `listener` after every change; returns the function that removes it. */
  subscribe(listener: () => void): () => void;
  /**
   * Checks the stored session and follows sign-ins and sign-outs; once signed in, opens the
   * real-time connection. Counted: the store stops when every `start` has been undone by the
   * function it returns. Nothing runs before the first `start` (safe on a server render).
   */
  start(): () => void;
  /** Loads the first page of conversations (again, to refresh). */
  loadConversations(): Promise<void>;
  /** Loads the next page of conversations. */
  loadMoreConversations(): Promise<void>;
  /** Creates a conversation and puts it at the top of the list. Rejects when the server refuses. */
  createConversation(input: CreateConversationInput): Promise<Conversation>;
  /**
   * Fetches one conversation into the store. Rejects when it cannot (e.g. `NotFoundError`).
   * Calls for the same id while one is in flight share its request.
   */
  loadConversation(id: string): Promise<Conversation>;
  /** Stores a conversation fetched or changed elsewhere (e.g. the answer of `conversations.update`). */
  putConversation(conversation: Conversation): void;
  /** Forgets a conversation (deleted, or left). */
  dropConversation(id: string): void;
  /** Marks the newest loaded message read: the unread count drops to 0 at once. */
  markRead(conversationId: string): void;
  /** Loads the newest page of a conversation's history, once (`force` loads it again). */
  loadMessages(conversationId: string, force?: boolean): Promise<void>;
  /** Loads the page before the oldest loaded message. */
  loadOlder(conversationId: string): Promise<void>;
  /**
   * Sends a message, shown at once as `sending`, then `sent` or `failed`. In an assistant
   * conversation the reply streams into the history (turn `submitted` → `streaming` → `ready`).
   */
  send(conversationId: string, content: string, options?: { model?: string }): Promise<void>;
  /** Sends a `failed` message again (by its `key`): the server stores it once, whatever happened before. */
  retry(conversationId: string, key: string): Promise<void>;
  /** Stops the reply being generated in the conversation; the partial reply is kept as `aborted`. */
  stop(conversationId: string): Promise<void>;
  /** Generates the assistant reply `messageId` (default: the last one) again, streaming. */
  regenerate(conversationId: string, options?: { messageId?: string; model?: string }): Promise<void>;
  /** Says the user started or stopped typing in the conversation. */
  sendTyping(conversationId: string, state: 'start' | 'stop'): void;
  /** Remembers people found elsewhere (a search): their names and whether they are online. */
  rememberUsers(users: readonly PublicUser[]): void;
}

const initialConversationList: ConversationList = {
  ids: [],
  status: 'idle',
  hasMore: false,
  loadingMore: false,
  error: null,
};

const initialState: ChatState = {
  auth: { status: 'loading', user: null, error: null },
  conversations: {},
  conversationList: initialConversationList,
  messages: {},
  turns: {},
  users: {},
  presence: {},
  typing: {},
  realtime: 'idle',
};

/**
 * Creates the store over a client. One per client is enough: every view shares it.
 *
 * @example
 * ```ts
 * const store = createChatStore(client, { throttleMs: 50 });
 * const stop = store.start();
 * store.subscribe(() => render(store.getState().conversationList));
 * await store.loadConversations();
 * await store.send(conversationId, 'Hello!');
 * ```
 */
export function createChatStore(client: ChatwireClient, options: ChatStoreOptions = {}): ChatStore {
  let state = initialState;
  const listeners = new Set<() => void>();
  let connection: RealtimeConnection | undefined;
  let connectionOffs: Array<() => void> = [];
  let starts = 0;
  let offAuth: (() => void) | undefined;
  /** Bumped on every sign-in change: answers to requests made for another session are dropped. */
  let epoch = 0;
  let conversationsPage: CursorPage<Conversation> | undefined;
  const messagePages = new Map<string, CursorPage<Message>>();
  const lastMarked = new Map<string, string>();
  /** Conversations being fetched, by id: callers at the same time share one request. */
  const fetching = new Map<string, Promise<Conversation>>();

  const ctx = createStoreContext({
    client,
    timers: options.timers ?? defaultTimers,
    throttleMs: options.throttleMs ?? 50,
    typingTimeoutMs: options.typingTimeoutMs ?? 6000,
    now: options.now ?? Date.now,
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      for (const listener of [...listeners]) listener();
    },
  });
  const replies = createReplies(ctx);
  const live = createLiveEvents(
    ctx,
    replies,
    (id) => void fetchConversation(id, true).catch(() => {}),
    (id) => store.dropConversation(id),
  );

  /** Fetches a conversation into the store (`list`: into the conversation list too). */
  async function fetchConversation(id: string, list?: boolean) {
    const at = epoch;
    let request = fetching.get(id);
    if (!request) {
      const started = client.conversations.get(id).finally(() => {
        if (fetching.get(id) === started) fetching.delete(id);
      });
      fetching.set(id, started);
      request = started;
    }
    const conversation = await request;
    if (at === epoch) ctx.putConversation(conversation, list);
    return conversation;
  }

  /** Runs `request` for the current session only; `onError` gets its failure. */
  async function guarded<T>(
    request: () => PromiseLike<T>,
    apply: (value: T) => void,
    onError: (e: Error) => void,
  ) {
    const at = epoch;
    try {
      const value = await request();
      if (at === epoch) apply(value);
    } catch (error) {
      if (at === epoch) onError(asError(error));
    }
  }

  const setList = (patch: Partial<ConversationList>) =>
    ctx.set({ conversationList: { ...state.conversationList, ...patch } });

  function putPage(page: CursorPage<Conversation>, ids: Iterable<string>) {
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

  function closeConnection() {
    for (const off of connectionOffs) off();
    connectionOffs = [];
    connection?.close();
    connection = undefined;
  }

  function openConnection() {
    if (options.realtime === false || connection) return;
    const opened = client.realtime(options.realtime);
    connection = opened;
    connectionOffs = [
      opened.on('event', live.handle),
      opened.on('status', (realtime) => ctx.set({ realtime })),
      // Events were lost: load again what is shown.
      opened.on('resync', () => {
        void store.loadConversations();
        for (const id of Object.keys(state.messages)) void store.loadMessages(id, true);
      }),
    ];
    ctx.set({ realtime: opened.status });
  }

  function signedIn(user: User) {
    if (state.auth.user && state.auth.user.id !== user.id) reset();
    ctx.set({ auth: { status: 'signed-in', user, error: null } });
    openConnection();
  }

  /** Forgets everything of the previous session. */
  function reset(error: Error | null = null) {
    epoch++;
    closeConnection();
    replies.clear();
    live.clear();
    conversationsPage = undefined;
    messagePages.clear();
    lastMarked.clear();
    fetching.clear();
    state = { ...initialState, auth: { status: 'signed-out', user: null, error } };
    ctx.set({});
  }

  async function checkSession() {
    const at = ++epoch;
    try {
      const tokens = await client.auth.getTokens();
      const user = tokens && (await client.auth.me());
      if (at !== epoch) return;
      if (user) signedIn(user);
      else reset();
    } catch (error) {
      // An expired session is simply signed out; anything else is worth showing.
      if (at === epoch) reset(AuthenticationError.isInstance(error) ? null : asError(error));
    }
  }

  async function deliver(conversationId: string, message: ChatMessage, model?: string) {
    const { content, clientMessageId } = message;
    const at = epoch;
    const markFailed = (error: Error) =>
      at === epoch &&
      ctx.updateItems(conversationId, (items) =>
        updateMessage(items, message.key, (m) =>
          m.delivery === 'sent' ? m : { ...m, delivery: 'failed', error },
        ),
      );
    let conversation = state.conversations[conversationId];
    try {
      conversation ??= await store.loadConversation(conversationId);
    } catch (error) {
      return void markFailed(asError(error));
    }
    const body = { content, clientMessageId: clientMessageId as string, ...(model && { model }) };
    if (conversation.type === 'assistant') {
      ctx.setTurn(conversationId, { status: 'submitted', replyId: null, error: null });
      return replies.follow(conversationId, client.messages.stream(conversationId, body), message);
    }
    await guarded(
      () => client.messages.send(conversationId, body),
      (result) => {
        ctx.upsert(conversationId, fromServer(result.message));
        ctx.noteMessage(result.message);
      },
      markFailed,
    );
  }

  const store: ChatStore = {
    client,
    initialState,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    start() {
      if (starts++ === 0) {
        offAuth = client.auth.onChange((change) => {
          if (change.type === 'signed-in') {
            epoch++;
            signedIn(change.user);
          } else if (change.type === 'signed-out') reset();
        });
        void checkSession();
      }
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        if (--starts > 0) return;
        offAuth?.();
        closeConnection();
        ctx.set({ realtime: 'idle' });
      };
    },

    async loadConversations() {
      if (state.conversationList.status === 'idle') setList({ status: 'loading' });
      await guarded(
        () => client.conversations.list({ limit: options.conversationsPageSize ?? 30 }),
        (page) => {
          conversationsPage = page;
          const last = page.items.at(-1);
          // Keep loaded conversations beyond this page; those within it that it lacks are gone.
          const beyond = state.conversationList.ids.filter(
            (id) => page.hasNextPage() && last && (state.conversations[id]?.updatedAt ?? '') < last.updatedAt,
          );
          putPage(page, beyond);
        },
        (error) => setList({ status: 'error', error }),
      );
    },
    async loadMoreConversations() {
      const page = conversationsPage;
      if (!page?.hasNextPage() || state.conversationList.loadingMore) return;
      setList({ loadingMore: true });
      await guarded(
        () => page.getNextPage(),
        (next) => {
          conversationsPage = next;
          putPage(next, state.conversationList.ids);
        },
        (error) => setList({ loadingMore: false, error }),
      );
    },
    async createConversation(input) {
      const conversation = await client.conversations.create(input);
      ctx.putConversation(conversation, true);
      return conversation;
    },
    loadConversation: (id) => fetchConversation(id),
    putConversation: (conversation) => ctx.putConversation(conversation),
    dropConversation(id) {
      const { [id]: _conversation, ...conversations } = state.conversations;
      const { [id]: _messages, ...messages } = state.messages;
      messagePages.delete(id);
      ctx.set({
        conversations,
        messages,
        conversationList: {
          ...state.conversationList,
          ids: state.conversationList.ids.filter((x) => x !== id),
        },
      });
    },
    markRead(conversationId) {
      const items = state.messages[conversationId]?.items ?? [];
      const newest =
        items.findLast((m) => m.delivery === 'sent' && m.status !== 'streaming') ??
        state.conversations[conversationId]?.lastMessage;
      if (!newest || lastMarked.get(conversationId) === newest.id) return;
      lastMarked.set(conversationId, newest.id);
      ctx.patchConversation(conversationId, (c) => (c.unreadCount ? { ...c, unreadCount: 0 } : c));
      // The socket keeps the newest read while offline; without one, REST (best effort: a badge).
      if (connection && connection.status !== 'closed') connection.markRead(conversationId, newest.id);
      else client.conversations.markRead(conversationId, { messageId: newest.id }).catch(() => {});
    },

    async loadMessages(conversationId, force) {
      const list = state.messages[conversationId] ?? emptyMessageList;
      if (!force && list.status !== 'idle' && list.status !== 'error') return;
      if (!state.conversations[conversationId]) store.loadConversation(conversationId).catch(() => {});
      ctx.updateList(conversationId, (l) => ({ ...l, status: l.status === 'ready' ? 'ready' : 'loading' }));
      await guarded(
        () => client.messages.list(conversationId, { limit: options.messagesPageSize ?? 30 }),
        (page) => {
          // A reload keeps the pages loaded before it: their position in the history stands.
          if (!messagePages.has(conversationId) || !force) messagePages.set(conversationId, page);
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
    async loadOlder(conversationId) {
      const page = messagePages.get(conversationId);
      const list = state.messages[conversationId];
      if (!page?.hasNextPage() || list?.loadingOlder) return;
      ctx.updateList(conversationId, (l) => ({ ...l, loadingOlder: true }));
      await guarded(
        () => page.getNextPage(),
        (older) => {
          messagePages.set(conversationId, older);
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
    async send(conversationId, content, { model } = {}) {
      const clientMessageId = newClientMessageId();
      const message: ChatMessage = {
        id: clientMessageId,
        key: clientMessageId,
        conversationId,
        senderId: ctx.me() ?? null,
        role: 'user',
        content,
        status: 'complete',
        clientMessageId,
        model: null,
        usage: null,
        createdAt: new Date(ctx.now()).toISOString(),
        editedAt: null,
        delivery: 'sending',
        error: null,
      };
      ctx.upsert(conversationId, message);
      await deliver(conversationId, message, model);
    },
    async retry(conversationId, key) {
      const message = ctx.find(conversationId, key);
      if (message?.delivery !== 'failed') return;
      const sending: ChatMessage = { ...message, delivery: 'sending', error: null };
      ctx.upsert(conversationId, sending);
      await deliver(conversationId, sending);
    },
    async stop(conversationId) {
      try {
        await replies.stop(conversationId);
      } catch (error) {
        ctx.setTurn(conversationId, { status: 'error', error: asError(error) });
      }
    },
    async regenerate(conversationId, { messageId, model } = {}) {
      const id =
        messageId ?? state.messages[conversationId]?.items.findLast((m) => m.role === 'assistant')?.id;
      if (id) await replies.regenerate(conversationId, id, model);
    },
    sendTyping(conversationId, typingState) {
      if (connection?.status === 'open') connection.typing(conversationId, typingState);
    },
    rememberUsers(found) {
      const users = { ...state.users };
      const presence = { ...state.presence };
      for (const user of found) {
        users[user.id] = user;
        presence[user.id] = user.online;
      }
      ctx.set({ users, presence });
    },
  };
  return store;
}
