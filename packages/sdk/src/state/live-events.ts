/**
 * Real-time events into the store: one reducer for every event type the WebSocket delivers.
 */
import type { RealtimeEvent } from '../contracts/events.js';
import type { PublicUser, ReactionGroup } from '../contracts/resources.js';
import { withAssistantEvent, withoutCompleted } from './assistant-states.js';
import { fromServer, updateMessage } from './message-list.js';
import type { Replies } from './replies.js';
import type { StoreContext } from './store-context.js';
import type { Threads } from './threads.js';
import type { ChatState } from './types.js';

export function createLiveEvents(
  ctx: StoreContext,
  replies: Replies,
  /** Fetches a conversation the store has not seen (someone wrote in it) into the list. */
  discover: (conversationId: string) => void,
  drop: (conversationId: string) => void,
  /** Sets a message's reactions to the server's (`createReactions().apply`). */
  setReactions: (conversationId: string, messageId: string, reactions: readonly ReactionGroup[]) => void,
  threads: Pick<Threads, 'route' | 'update'>,
  /** Puts a person's changed profile in the store (`createProfiles().apply`). */
  setUser: (user: PublicUser) => void,
  /** The signed-in user's account was deleted: forgets the session, as a sign-out does. */
  signOut: () => void,
) {
  /** The timer that ends each typing indicator whose `stop` never came, by `conversation\0user`. */
  const typingTimers = new Map<string, unknown>();

  function setTyping(conversationId: string, userId: string, on: boolean, expiresAt?: string) {
    const key = `${conversationId}\0${userId}`;
    ctx.timers.clearTimeout(typingTimers.get(key));
    typingTimers.delete(key);
    const { typing } = ctx.get();
    const current = typing[conversationId] ?? [];
    const others = current.filter((id) => id !== userId);
    if (on) {
      const ms = expiresAt ? Date.parse(expiresAt) - ctx.now() : ctx.typingTimeoutMs;
      typingTimers.set(
        key,
        ctx.timers.setTimeout(() => setTyping(conversationId, userId, false), Math.max(ms, 0)),
      );
      if (current.includes(userId)) return;
    } else if (others.length === current.length) return;
    ctx.set({ typing: { ...typing, [conversationId]: on ? [...others, userId] : others } });
  }

  function setAssistantStates(next: ChatState['assistantStates']) {
    if (next !== ctx.get().assistantStates) ctx.set({ assistantStates: next });
  }

  function handle(event: RealtimeEvent) {
    switch (event.type) {
      case 'message.created':
        // A thread reply goes to its thread; the main list only gets it when sent to both.
        if (threads.route(event.message)) ctx.upsert(event.conversationId, fromServer(event.message));
        ctx.noteMessage(event.message);
        if (event.message.senderId) setTyping(event.conversationId, event.message.senderId, false);
        if (!ctx.get().conversations[event.conversationId]) discover(event.conversationId);
        return;
      case 'message.updated':
      case 'message.deleted': {
        const { message } = event;
        threads.update(message);
        // Only where it is loaded: an edit of an old message must not append it to a partial history.
        ctx.updateItems(event.conversationId, (items) =>
          updateMessage(items, message.id, () => fromServer(message)),
        );
        ctx.patchConversation(event.conversationId, (conversation) =>
          conversation.lastMessage?.id === message.id
            ? { ...conversation, lastMessage: message }
            : conversation,
        );
        return;
      }
      case 'message.started':
        return replies.started(event, false);
      case 'message.part':
      case 'message.delta':
        return replies.apply(event);
      case 'message.completed':
        setAssistantStates(withoutCompleted(ctx.get().assistantStates, event.message));
        return replies.completed(event.message);
      case 'assistant.state':
        return setAssistantStates(withAssistantEvent(ctx.get().assistantStates, event));
      case 'conversation.created':
        return ctx.putConversation(event.conversation, true);
      case 'conversation.updated':
        return ctx.putConversation(event.conversation);
      case 'conversation.deleted':
        return drop(event.conversationId);
      // A role change replaces the participant as an arrival adds one (last, until the next load).
      case 'participant.updated':
      case 'participant.added':
        return ctx.patchConversation(event.conversationId, (conversation) => ({
          ...conversation,
          participants: [
            ...conversation.participants.filter((p) => p.userId !== event.participant.userId),
            event.participant,
          ],
        }));
      case 'participant.removed':
        if (event.userId === ctx.me()) return drop(event.conversationId);
        return ctx.patchConversation(event.conversationId, (conversation) => ({
          ...conversation,
          participants: conversation.participants.filter((p) => p.userId !== event.userId),
        }));
      case 'reaction.added':
      case 'reaction.removed':
        // The reactions after the change, not the change itself: an event applied twice changes nothing.
        return setReactions(event.conversationId, event.messageId, event.reactions);
      case 'user.updated':
        return setUser(event.user);
      case 'account.deleted':
        // The connection signs the client's session out too (its tokens are gone).
        if (event.userId === ctx.me()) signOut();
        return;
      case 'presence':
        return ctx.set({ presence: { ...ctx.get().presence, [event.userId]: event.online } });
      case 'typing':
        return setTyping(event.conversationId, event.userId, event.state === 'start', event.expiresAt);
      case 'read':
        return ctx.patchConversation(event.conversationId, (conversation) => {
          // Read on another device of ours: the badges go here too.
          if (event.userId === ctx.me()) {
            return conversation.lastMessage?.id === event.messageId
              ? { ...conversation, unreadCount: 0, unreadMentionCount: 0 }
              : conversation;
          }
          // Someone else's marker, for "seen by".
          return {
            ...conversation,
            participants: conversation.participants.map((p) =>
              p.userId === event.userId ? { ...p, lastReadMessageId: event.messageId } : p,
            ),
          };
        });
    }
  }

  return {
    handle,
    clear() {
      for (const timer of typingTimers.values()) ctx.timers.clearTimeout(timer);
      typingTimers.clear();
    },
  };
}
