/**
 * `createChatStore`: the client's data as one framework-agnostic state — conversations, histories,
 * streaming replies, presence, typing — kept live by the WebSocket. UI bindings (the React hooks)
 * read snapshots through `subscribe`/`getState` and call the actions; nothing here knows a UI.
 */
import type { CreateConversationInput } from '../contracts/inputs.js';
import type { Conversation, PublicUser, User } from '../contracts/resources.js';
import type { ChatwireClient } from '../create-client.js';
import { asError, defaultTimers } from '../internal/foundation.js';
import type { ClientTools } from '../tools/client-tool.js';
import { createConversations } from './conversations.js';
import { createHistory } from './history.js';
import { createLiveEvents } from './live-events.js';
import { createProfiles } from './profiles.js';
import { createReactions } from './reactions.js';
import { createReadMarks } from './read-marks.js';
import { createRealtimeLink } from './realtime-link.js';
import { createReplies } from './replies.js';
import { createSending } from './sending.js';
import { createSession } from './session.js';
import { createStoreContext } from './store-context.js';
import { createThreads, type ThreadSendOptions } from './threads.js';
import type { ToolApprovalAnswer, ToolResultAnswer } from './tool-answers.js';
import type { AttachedFile, ChatState, ChatStoreOptions, ConversationList, SendOptions } from './types.js';
import { createUploads } from './uploads.js';

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
   * conversation the reply streams into the history (turn `submitted` → `streaming` → `ready`, or
   * `awaiting_input` while it waits for a tool result or an approval); calls of this client's tools
   * with `execute` are run and answered on the way.
   *
   * It attaches the conversation's uploads (`addUploads`) and `options.files`: the message shows
   * them at once (`file` parts, and `uploads` with their progress) and is sent once they are
   * uploaded; a failed upload fails the message, and `retry` starts it again.
   */
  send(conversationId: string, content: string, options?: SendOptions): Promise<void>;
  /**
   * Attaches files to the conversation's next message (`ChatState.uploads`), uploading each at
   * once; answers their keys. The next `send` takes them.
   *
   * @example
   * ```ts
   * input.onchange = () => store.addUploads(chatId, input.files ?? []);
   * // …the chips show `state.uploads[chatId]` with `loaded` / `size`, then:
   * await store.send(chatId, 'The photos from Sunday');
   * ```
   */
  addUploads(conversationId: string, files: Iterable<AttachedFile>): string[];
  /**
   * Starts a `failed` upload of the conversation's next message again (by its `key`). One from a
   * stream (`retryable: false`) cannot be read again: it stays `failed`, saying to add it again.
   *
   * @example
   * ```tsx
   * {upload.status === 'failed' && upload.retryable && (
   *   <button onClick={() => store.retryUpload(chatId, upload.key)}>Retry</button>
   * )}
   * ```
   */
  retryUpload(conversationId: string, key: string): void;
  /**
   * Stops an upload under way; it shows `failed` (cancelled), to retry or remove.
   *
   * @example
   * ```tsx
   * {upload.status === 'uploading' && <button onClick={() => store.cancelUpload(chatId, upload.key)}>Stop</button>}
   * ```
   */
  cancelUpload(conversationId: string, key: string): void;
  /**
   * Takes a file off the conversation's next message, stopping its upload if it runs. The upload
   * is found by its `key` alone (in whichever conversation it was added).
   *
   * @example
   * ```tsx
   * <button aria-label={`Remove ${upload.name}`} onClick={() => store.removeUpload(chatId, upload.key)}>×</button>
   * ```
   */
  removeUpload(conversationId: string, key: string): void;
  /**
   * Answers a call of a client tool that a reply of the conversation waits for (found by
   * `toolCallId`): shown at once, then the reply streams on once nothing else is awaited. A
   * refused answer (already answered: `ConflictError`) puts the turn in `error`; one that fails
   * otherwise (offline) too, and the call waits again, to be answered again.
   *
   * @example
   * ```ts
   * const reply = store.getState().messages[chatId]?.items.at(-1);
   * const [call] = reply ? pendingToolCalls(reply).toolResults : [];
   * if (call) await store.addToolResult(chatId, { toolCallId: call.toolCallId, output: 'Tea' });
   * ```
   */
  addToolResult(
    conversationId: string,
    result: ToolResultAnswer,
    options?: { tools?: ClientTools },
  ): Promise<void>;
  /** Approves or denies a tool call waiting for approval (by `toolCallId`); then as {@link ChatStore.addToolResult}. */
  approveToolCall(
    conversationId: string,
    approval: ToolApprovalAnswer,
    options?: { tools?: ClientTools },
  ): Promise<void>;
  /**
   * Runs this client's tools (those with `execute`) for the calls the reply `messageId` (default:
   * the last reply waiting) waits for, and the reply goes on. For a reply found waiting that no
   * stream of this client runs — its tab was closed or reloaded: a follower never runs tools by
   * itself, so that no call runs twice.
   *
   * @example
   * ```ts
   * const { toolResults } = pendingToolCalls(reply);
   * if (toolResults.length > 0) await store.runClientTools(chatId);
   * ```
   */
  runClientTools(
    conversationId: string,
    options?: { messageId?: string; tools?: ClientTools },
  ): Promise<void>;
  /**
   * Sends a `failed` message again (by its `key`): the server stores it once, whatever happened
   * before. Its failed uploads are started again first.
   */
  retry(conversationId: string, key: string): Promise<void>;
  /**
   * Stops the reply being generated in the conversation, or one waiting for a tool result or an
   * approval (its wait ends); the partial reply is kept as `aborted`.
   */
  stop(conversationId: string): Promise<void>;
  /** Generates the assistant reply `messageId` (default: the last one) again, streaming; `tools` run in it besides the store's. */
  regenerate(
    conversationId: string,
    options?: { messageId?: string; model?: string; tools?: ClientTools },
  ): Promise<void>;
  /**
   * Reacts to a message with `emoji`, or takes the reaction back when it is already the signed-in
   * user's: the message's `reactions` change at once, and go back as they were if the server refuses
   * (past `limits.reactionsPerMessage` distinct emoji) or cannot be reached. Messages still being
   * sent are left alone.
   *
   * @example
   * ```ts
   * chip.onclick = () => store.toggleReaction(chatId, message.id, '👍');
   * ```
   */
  toggleReaction(conversationId: string, messageId: string, emoji: string): Promise<void>;
  /**
   * Loads the newest replies of the thread of `parentId`, once (`force` loads them again); they
   * are kept in `threads[parentId]`, not in the conversation's `messages`.
   *
   * @example
   * ```ts
   * await store.loadThread(chat.id, parent.id);
   * store.getState().threads[parent.id]?.items; // the replies, oldest first
   * ```
   */
  loadThread(conversationId: string, parentId: string, force?: boolean): Promise<void>;
  /**
   * Loads the thread's page before its oldest loaded reply.
   *
   * @example
   * ```ts
   * if (store.getState().threads[parent.id]?.hasOlder) await store.loadOlderReplies(parent.id);
   * ```
   */
  loadOlderReplies(parentId: string): Promise<void>;
  /**
   * Replies in the thread of `parentId` (shown once stored); `alsoInConversation` shows it in the
   * main list too.
   *
   * @example
   * ```ts
   * await store.sendReply(chat.id, parent.id, 'Count me in', { alsoInConversation: true });
   * ```
   */
  sendReply(
    conversationId: string,
    parentId: string,
    content: string,
    options?: ThreadSendOptions,
  ): Promise<void>;
  /**
   * Moves my thread read marker to the newest loaded reply.
   *
   * @example
   * ```ts
   * await store.loadThread(chat.id, parent.id);
   * store.markThreadRead(chat.id, parent.id); // the thread's unread count drops on the server
   * ```
   */
  markThreadRead(conversationId: string, parentId: string): void;
  /** Says the user started or stopped typing in the conversation. */
  sendTyping(conversationId: string, state: 'start' | 'stop'): void;
  /** Remembers people found elsewhere (a search): their names and whether they are online. */
  rememberUsers(users: readonly PublicUser[]): void;
  /**
   * Looks up the people among `ids` the store does not know yet (`ChatState.users`), each once a
   * session; a failed lookup leaves them unknown. Others' profile changes arrive by themselves
   * (`user.updated`).
   *
   * @example
   * ```ts
   * await store.loadUsers(conversation.participants.map((p) => p.userId));
   * store.getState().users[bobId]?.displayName; // 'Bob'
   * ```
   */
  loadUsers(ids: readonly string[]): Promise<void>;
  /**
   * Changes the signed-in user's profile (`client.users.updateMe`): `auth.user` shows it once the
   * server answers, and the people who share a conversation — and my other tabs — hear of it.
   * Rejects as the request does (`ValidationError` for an avatar that is not `https:`).
   *
   * @example
   * ```ts
   * await store.updateProfile({ displayName: 'Ada L.', statusText: 'In Lisbon until Friday' });
   * ```
   */
  updateProfile(patch: Parameters<ChatwireClient['users']['updateMe']>[0]): Promise<User>;
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
  assistantStates: {},
  runningToolCalls: {},
  uploads: {},
  realtime: 'idle',
  threads: {},
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
  const ctx = createStoreContext({
    client,
    timers: options.timers ?? defaultTimers,
    throttleMs: options.throttleMs ?? 50,
    typingTimeoutMs: options.typingTimeoutMs ?? 6000,
    tools: options.tools ?? {},
    now: options.now ?? Date.now,
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      for (const listener of [...listeners]) listener();
    },
  });

  const threads = createThreads(ctx, options.messagesPageSize ?? 30);
  const replies = createReplies(ctx, threads);
  const conversations = createConversations(ctx, options);
  const history = createHistory(ctx, replies, (id) => store.loadConversation(id), options);
  const uploads = createUploads(ctx);
  const sending = createSending(ctx, replies, uploads, (id) => store.loadConversation(id));
  const reactions = createReactions(ctx);
  const profiles = createProfiles(ctx);
  const live = createLiveEvents(
    ctx,
    replies,
    (id) => void conversations.fetch(id, true).catch(() => {}),
    (id) => store.dropConversation(id),
    reactions.apply,
    threads,
    profiles.apply,
    () => reset(),
  );
  const link = createRealtimeLink(ctx, options, live.handle, () => {
    // What the assistant was doing may have ended in the lost events (an `idle`, a completion):
    // an indicator kept from before would stay forever. The next `assistant.state` sets it again.
    ctx.set({ assistantStates: {} });
    void store.loadConversations();
    for (const id of Object.keys(state.messages)) void store.loadMessages(id, true);
    threads.reload();
  });
  const reads = createReadMarks(ctx, () => link.current);
  const session = createSession(ctx, link, reset);

  /** Forgets everything of the previous session. */
  function reset(error: Error | null = null) {
    ctx.epoch++;
    link.close();
    replies.clear();
    uploads.clear();
    live.clear();
    reactions.clear();
    threads.clear();
    profiles.clear();
    conversations.clear();
    history.clear();
    reads.clear();
    ctx.set({ ...initialState, auth: { status: 'signed-out', user: null, error } });
  }

  /** Runs a turn's action; a failure lands in the turn, as the store's actions never throw. */
  async function guardedTurn(conversationId: string, action: () => Promise<void>) {
    try {
      await action();
    } catch (error) {
      ctx.setTurn(conversationId, { status: 'error', error: asError(error) });
    }
  }

  const store: ChatStore = {
    client,
    initialState,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    start: session.start,
    loadConversations: conversations.load,
    loadMoreConversations: conversations.loadMore,
    createConversation: conversations.create,
    loadConversation: (id) => conversations.fetch(id),
    putConversation: (conversation) => ctx.putConversation(conversation),
    dropConversation(id) {
      history.forget(id);
      threads.forget(id);
      conversations.drop(id);
      const { [id]: _state, ...assistantStates } = state.assistantStates;
      if (_state) ctx.set({ assistantStates });
    },
    markRead: reads.markRead,
    loadMessages: history.load,
    loadOlder: history.loadOlder,
    send: sending.send,
    retry: sending.retry,
    addUploads: uploads.add,
    retryUpload: (_conversationId, key) => uploads.retry(key),
    cancelUpload: (_conversationId, key) => uploads.cancel(key),
    removeUpload: (_conversationId, key) => uploads.remove(key),
    addToolResult: (conversationId, result, { tools } = {}) =>
      guardedTurn(conversationId, () => replies.answer(conversationId, result, tools)),
    approveToolCall: (conversationId, approval, { tools } = {}) =>
      guardedTurn(conversationId, () => replies.answer(conversationId, approval, tools)),
    runClientTools(conversationId, { messageId, tools } = {}) {
      const reply = state.messages[conversationId]?.items.findLast(
        (m) => m.role === 'assistant' && m.status === 'awaiting_input' && (!messageId || m.id === messageId),
      );
      if (!reply) return Promise.resolve();
      return guardedTurn(conversationId, () => replies.runHere(conversationId, reply, tools));
    },
    stop: (conversationId) => guardedTurn(conversationId, () => replies.stop(conversationId)),
    async regenerate(conversationId, { messageId, model, tools } = {}) {
      const id =
        messageId ?? state.messages[conversationId]?.items.findLast((m) => m.role === 'assistant')?.id;
      if (id) await replies.regenerate(conversationId, id, model, tools);
    },
    toggleReaction: reactions.toggle,
    loadThread: threads.load,
    loadOlderReplies: threads.loadOlder,
    sendReply: threads.send,
    markThreadRead: threads.markRead,
    sendTyping(conversationId, typingState) {
      const connection = link.current;
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
    loadUsers: profiles.load,
    updateProfile: profiles.update,
  };
  return store;
}
