/**
 * `/v1/conversations` handlers (messages have their own file).
 */

import type { ConversationService } from '../../services/conversations.js';
import type { ParticipantService } from '../../services/participants.js';
import type { RouteHandlers } from '../handler.js';

type ConversationHandlers = Pick<
  RouteHandlers,
  | 'createConversation'
  | 'listConversations'
  | 'getConversation'
  | 'updateConversation'
  | 'deleteConversation'
  | 'addParticipants'
  | 'removeParticipant'
  | 'markRead'
>;

export function conversationHandlers(
  conversations: ConversationService,
  participants: ParticipantService,
): ConversationHandlers {
  return {
    createConversation: async ({ body }, { userId }) => {
      const { status, conversation } = await conversations.create(userId, body);
      return { status, body: conversation };
    },
    listConversations: async ({ query }, { userId }) => ({
      status: 200,
      body: await conversations.list(userId, query),
    }),
    getConversation: async ({ params }, { userId }) => ({
      status: 200,
      body: await conversations.get(userId, params.id),
    }),
    updateConversation: async ({ params, body }, { userId }) => ({
      status: 200,
      body: await conversations.update(userId, params.id, body),
    }),
    deleteConversation: async ({ params }, { userId }) => {
      await conversations.remove(userId, params.id);
      return { status: 204, body: undefined };
    },
    addParticipants: async ({ params, body }, { userId }) => ({
      status: 200,
      body: await participants.addParticipants(userId, params.id, body.userIds),
    }),
    removeParticipant: async ({ params }, { userId }) => {
      await participants.removeParticipant(userId, params.id, params.userId);
      return { status: 204, body: undefined };
    },
    markRead: async ({ params, body }, { userId }) => {
      await participants.markRead(userId, params.id, body.messageId);
      return { status: 204, body: undefined };
    },
  };
}
