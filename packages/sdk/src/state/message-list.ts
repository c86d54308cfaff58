/**
 * Pure operations on a conversation's message list. Messages arrive from several places at once
 * (the REST answer to a send, the SSE stream, the WebSocket, a page of history), so every insert
 * is an upsert: by `id`, or by `clientMessageId` for the optimistic copy of an own message.
 */
import type { Message } from '../contracts/resources.js';
import type { ChatMessage, MessageList } from './types.js';

/**
 * The message list of a conversation whose history was never loaded: what `ChatState.messages`
 * lacks an entry for. Shared, so that selectors falling back to it return the same object.
 */
export const emptyMessageList: MessageList = {
  items: [],
  hasOlder: false,
  status: 'idle',
  loadingOlder: false,
  error: null,
};

/**
 * A message the server has not stored (yet): an own message being sent, or the placeholder of a
 * reply that just started. What only the server fills in — usage, why the model stopped, an edit —
 * starts empty, here alone, so that a field the contract adds is filled in once.
 */
export const unstoredMessage = (
  fields: Pick<
    Message,
    | 'id'
    | 'conversationId'
    | 'senderId'
    | 'role'
    | 'parts'
    | 'content'
    | 'status'
    | 'clientMessageId'
    | 'model'
    | 'createdAt'
  >,
): Message => ({
  ...fields,
  usage: null,
  finishReason: null,
  stale: false,
  reactions: [],
  editedAt: null,
  mentions: [],
  parentId: null,
  thread: null,
  alsoInConversation: false,
  quoted: null,
  pinnedAt: null,
  pinnedBy: null,
});

/** A stored message as the store holds it. */
export const fromServer = (message: Message): ChatMessage => ({
  ...message,
  key: message.id,
  delivery: 'sent',
  error: null,
});

/** Where `message` already is: the same id, or the optimistic copy with its `clientMessageId`. */
export function indexOfMessage(items: readonly ChatMessage[], message: Message): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as ChatMessage;
    if (item.id === message.id) return i;
    if (
      message.clientMessageId !== null &&
      item.clientMessageId === message.clientMessageId &&
      item.senderId === message.senderId
    ) {
      return i;
    }
  }
  return -1;
}

/**
 * Replaces the message in place (keeping its `key`, so React keeps the row), or inserts it after
 * the last stored message: own messages still sending stay at the end, where the user expects them.
 */
export function upsertMessage(items: readonly ChatMessage[], message: ChatMessage): readonly ChatMessage[] {
  const index = indexOfMessage(items, message);
  if (index >= 0) {
    const next = items.slice();
    next[index] = { ...message, key: (items[index] as ChatMessage).key };
    return next;
  }
  let at = items.length;
  while (at > 0 && (items[at - 1] as ChatMessage).delivery !== 'sent') at--;
  return [...items.slice(0, at), message, ...items.slice(at)];
}

/** Stored messages by time (ids are UUIDv7: they break ties in order), unsent ones last. */
const byTime = (a: ChatMessage, b: ChatMessage) =>
  Number(a.delivery !== 'sent') - Number(b.delivery !== 'sent') ||
  (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Merges a page of history (older, or the newest again after a resync) into the list. */
export function mergePage(items: readonly ChatMessage[], page: readonly Message[]): readonly ChatMessage[] {
  let next = items;
  for (const message of page) next = upsertMessage(next, fromServer(message));
  return [...next].sort(byTime);
}

/** A copy of `items` where `fn` changed the message `id` (the same array if it is not there). */
export function updateMessage(
  items: readonly ChatMessage[],
  id: string,
  fn: (message: ChatMessage) => ChatMessage,
): readonly ChatMessage[] {
  const index = items.findIndex((item) => item.id === id || item.key === id);
  if (index < 0) return items;
  const next = items.slice();
  next[index] = fn(items[index] as ChatMessage);
  return next;
}

/** The optimistic message `key` as failed with `error`, unless the stored one already replaced it. */
export const failDelivery = (
  items: readonly ChatMessage[],
  key: string,
  error: Error,
): readonly ChatMessage[] =>
  updateMessage(items, key, (message) =>
    message.delivery === 'sent' ? message : { ...message, delivery: 'failed', error },
  );
