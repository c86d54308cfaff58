/**
 * Reactions in the store: events set a message's `reactions` as the server has them, and the
 * signed-in user's toggle shows at once, rolled back if the server refuses it.
 */
import { fullyQualifiedEmoji } from '../contracts/emoji.js';
import type { ReactionGroup } from '../contracts/resources.js';
import { updateMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';

/** `groups` with `userId`'s `emoji` on or off: a new emoji goes last, an emoji nobody keeps goes. */
export function withReaction(
  groups: readonly ReactionGroup[],
  emoji: string,
  userId: string,
  on: boolean,
): ReactionGroup[] {
  const group = groups.find((g) => g.emoji === emoji);
  if (on === Boolean(group?.userIds.includes(userId))) return [...groups];
  if (!group) return [...groups, { emoji, count: 1, userIds: [userId] }];
  const userIds = on ? [...group.userIds, userId] : group.userIds.filter((id) => id !== userId);
  return userIds.length === 0
    ? groups.filter((g) => g !== group)
    : groups.map((g) => (g === group ? { emoji, count: userIds.length, userIds } : g));
}

export function createReactions(ctx: StoreContext) {
  /**
   * Toggles still in flight, by `message\0emoji`: laid over whatever the server says meanwhile
   * (someone else's reaction event), so the user's own click does not flicker off and on.
   */
  const pending = new Map<string, { messageId: string; emoji: string; on: boolean }>();

  /** Sets the message's reactions to the server's `reactions`, with the toggles in flight on top. */
  function apply(conversationId: string, messageId: string, reactions: readonly ReactionGroup[]) {
    const me = ctx.me();
    let groups = [...reactions];
    for (const toggle of pending.values()) {
      if (me && toggle.messageId === messageId) groups = withReaction(groups, toggle.emoji, me, toggle.on);
    }
    ctx.updateItems(conversationId, (items) =>
      updateMessage(items, messageId, (message) => ({ ...message, reactions: groups })),
    );
  }

  return {
    apply,

    async toggle(conversationId: string, messageId: string, typed: string) {
      // The server's spelling (`❤` is stored as `❤️`), so that a toggle finds the group it is in.
      const emoji = fullyQualifiedEmoji(typed);
      const me = ctx.me();
      const message = ctx.find(conversationId, messageId);
      // An optimistic message has no id the server knows yet.
      if (!me || message?.delivery !== 'sent') return;
      const on = !message.reactions.some((g) => g.emoji === emoji && g.userIds.includes(me));
      const key = `${message.id}\0${emoji}`;
      // Its own object: a later toggle of the same emoji replaces it, and only the latest settles.
      const toggle = { messageId: message.id, emoji, on };
      pending.set(key, toggle);
      ctx.updateItems(conversationId, (items) =>
        updateMessage(items, message.id, (m) => ({
          ...m,
          reactions: withReaction(m.reactions, emoji, me, on),
        })),
      );
      const { messages } = ctx.client;
      await ctx.guarded(
        () => (on ? messages.react : messages.unreact)(conversationId, message.id, emoji),
        (stored) => {
          if (pending.get(key) === toggle) pending.delete(key);
          apply(conversationId, stored.id, stored.reactions);
        },
        () => {
          if (pending.get(key) !== toggle) return;
          pending.delete(key);
          // Refused (the emoji limit, a message gone) or not sent: the reaction is as it was.
          const current = ctx.find(conversationId, message.id);
          if (current) apply(conversationId, message.id, withReaction(current.reactions, emoji, me, !on));
        },
      );
    },

    clear() {
      pending.clear();
    },
  };
}
