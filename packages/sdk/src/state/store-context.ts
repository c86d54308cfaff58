/**
 * What the parts of the chat store share: the state cell, the client, resolved options, the small
 * updates every part makes, and the session epoch that keeps a previous session's answers out.
 * Internal (but for `idleTurn`): the public face is `createChatStore`.
 */
import type { Conversation, Message } from '../contracts/resources.js';
import type { ChatwireClient } from '../create-client.js';
import { asError } from '../internal/foundation.js';
import type { RealtimeTimers } from '../realtime/types.js';
import type { ClientTools } from '../tools/client-tool.js';
import { emptyMessageList, upsertMessage } from './message-list.js';
import type { AssistantTurn, ChatMessage, ChatState, MessageList } from './types.js';

export interface StoreContext {
  readonly client: ChatwireClient;
  readonly timers: RealtimeTimers;
  readonly throttleMs: number;
  readonly typingTimeoutMs: number;
  /** The store's tools (`ChatStoreOptions.tools`). */
  readonly tools: ClientTools;
  /** The store's tools and `tools`, a name of `tools` winning (the client adds its own). */
  toolsWith(tools: ClientTools | undefined): ClientTools;
  readonly now: () => number;
  get(): ChatState;
  set(patch: Partial<ChatState>): void;
  /** The signed-in user's id. */
  me(): string | undefined;
  updateList(conversationId: string, fn: (list: MessageList) => MessageList): void;
  updateItems(conversationId: string, fn: (items: MessageList['items']) => MessageList['items']): void;
  upsert(conversationId: string, message: ChatMessage): void;
  find(conversationId: string, messageId: string): ChatMessage | undefined;
  setTurn(conversationId: string, turn: Partial<AssistantTurn>): void;
  /** Stores a conversation record; `list` also puts it in the conversation list. */
  putConversation(conversation: Conversation, list?: boolean): void;
  /** Replaces a stored conversation with `fn` of it; when `fn` returns it unchanged, nothing happens. */
  patchConversation(id: string, fn: (conversation: Conversation) => Conversation): void;
  /** A new message in a conversation: its last message, activity and unread count follow. */
  noteMessage(message: Message): void;
  /** Bumped on every sign-in change: answers to requests made for another session are dropped. */
  epoch: number;
  /** Runs `request` for the current session only: `apply` gets its answer, `onError` its failure. */
  guarded<T>(
    request: () => PromiseLike<T>,
    apply: (value: T) => void,
    onError: (error: Error) => void,
  ): Promise<void>;
}

/**
 * The turn of a conversation with no assistant reply under way: what `ChatState.turns` lacks an
 * entry for. Shared, so that selectors falling back to it return the same object.
 */
export const idleTurn: AssistantTurn = { status: 'ready', error: null, replyId: null };

/** Newest activity first: the order the server lists conversations in. */
const activity = (conversation: Conversation | undefined) => {
  const last = conversation?.lastMessage?.createdAt ?? '';
  const updated = conversation?.updatedAt ?? '';
  return (last > updated && last) || updated;
};

export function sortIds(ids: Iterable<string>, records: ChatState['conversations']): string[] {
  return [...new Set(ids)]
    .filter((id) => records[id])
    .sort((a, b) => {
      const [x, y] = [activity(records[a]), activity(records[b])];
      return x < y ? 1 : x > y ? -1 : 0;
    });
}

/** Builds the shared updates over a state cell. */
export function createStoreContext(
  base: Pick<
    StoreContext,
    'client' | 'timers' | 'throttleMs' | 'typingTimeoutMs' | 'tools' | 'now' | 'get' | 'set'
  >,
): StoreContext {
  const { get, set } = base;
  const ctx: StoreContext = {
    ...base,
    toolsWith: (tools) => (tools ? { ...base.tools, ...tools } : base.tools),
    me: () => get().auth.user?.id,
    updateList(conversationId, fn) {
      const { messages } = get();
      const current = messages[conversationId] ?? emptyMessageList;
      const next = fn(current);
      if (next !== current) set({ messages: { ...messages, [conversationId]: next } });
    },
    updateItems(conversationId, fn) {
      ctx.updateList(conversationId, (list) => {
        const items = fn(list.items);
        return items === list.items ? list : { ...list, items };
      });
    },
    upsert(conversationId, message) {
      ctx.updateItems(conversationId, (items) => upsertMessage(items, message));
    },
    find: (conversationId, messageId) =>
      get().messages[conversationId]?.items.find((item) => item.id === messageId || item.key === messageId),
    setTurn(conversationId, patch) {
      const { turns } = get();
      const current = turns[conversationId] ?? idleTurn;
      const next = { ...current, ...patch };
      if (next.status === current.status && next.error === current.error && next.replyId === current.replyId)
        return;
      set({ turns: { ...turns, [conversationId]: next } });
    },
    putConversation(conversation, list) {
      const { conversations, conversationList } = get();
      const records = { ...conversations, [conversation.id]: conversation };
      const listed = list || conversationList.ids.includes(conversation.id);
      set({
        conversations: records,
        ...(listed && {
          conversationList: {
            ...conversationList,
            ids: sortIds([conversation.id, ...conversationList.ids], records),
          },
        }),
      });
    },
    patchConversation(id, fn) {
      const conversation = get().conversations[id];
      if (!conversation) return;
      const next = fn(conversation);
      if (next !== conversation) ctx.putConversation(next);
    },
    noteMessage(message) {
      ctx.patchConversation(message.conversationId, (conversation) => {
        const last = conversation.lastMessage;
        if (last && last.id !== message.id && last.createdAt > message.createdAt) return conversation;
        const known = last?.id === message.id;
        const mine = message.senderId === ctx.me();
        if (known) return { ...conversation, lastMessage: message };
        return {
          ...conversation,
          lastMessage: message,
          // The server moves the sender's read marker with their own message.
          unreadCount: mine ? 0 : conversation.unreadCount + 1,
          unreadMentionCount: mine
            ? 0
            : conversation.unreadMentionCount + (message.mentions.includes(ctx.me() ?? '') ? 1 : 0),
          participants: conversation.participants.map((p) =>
            p.userId === message.senderId ? { ...p, lastReadMessageId: message.id } : p,
          ),
        };
      });
    },
    epoch: 0,
    async guarded(request, apply, onError) {
      const at = ctx.epoch;
      try {
        const value = await request();
        if (at === ctx.epoch) apply(value);
      } catch (error) {
        if (at === ctx.epoch) onError(asError(error));
      }
    },
  };
  return ctx;
}
