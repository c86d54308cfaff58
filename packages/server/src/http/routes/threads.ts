/**
 * Thread handlers: a thread's replies, the threads I take part in, and the read route, which moves
 * my marker in a thread when given its `threadId` (the conversation's otherwise).
 */
import type { ParticipantService } from '../../services/participants.js';
import type { ThreadService } from '../../services/threads.js';
import type { RouteHandlers } from '../handler.js';

type ThreadHandlers = Pick<RouteHandlers, 'listReplies' | 'markRead' | 'listThreads'>;

export function threadHandlers(
  threads: ThreadService,
  participants: Pick<ParticipantService, 'markRead'>,
): ThreadHandlers {
  return {
    listReplies: async ({ params, query }, { userId }) => ({
      status: 200,
      body: await threads.replies(userId, params.id, params.messageId, query),
    }),
    markRead: async ({ params, body }, { userId }) => {
      if (body.threadId) await threads.markRead(userId, params.id, body.threadId, body.messageId);
      else await participants.markRead(userId, params.id, body.messageId);
      return { status: 204, body: undefined };
    },
    listThreads: async ({ params }, { userId }) => ({
      status: 200,
      body: await threads.list(userId, params.id),
    }),
  };
}
