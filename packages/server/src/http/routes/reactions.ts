/**
 * `/v1/conversations/:id/messages/:messageId/reactions` handlers: HTTP to the reaction use case
 * and back. Both answer the message with its reactions after the change.
 */
import type { ReactionService } from '../../services/reactions.js';
import type { RouteHandlers } from '../handler.js';

type ReactionHandlers = Pick<RouteHandlers, 'addReaction' | 'removeReaction'>;

export function reactionHandlers(reactions: ReactionService): ReactionHandlers {
  return {
    addReaction: async ({ params, body }, { userId }) => ({
      status: 200,
      body: await reactions.add(userId, params.id, params.messageId, body.emoji),
    }),
    // The emoji arrives percent-decoded (`%F0%9F%91%8D` is 👍), checked by the contract's `Emoji`.
    removeReaction: async ({ params }, { userId }) => ({
      status: 200,
      body: await reactions.remove(userId, params.id, params.messageId, params.emoji),
    }),
  };
}
