/**
 * Thread handlers: a thread's replies, my read marker in it, the threads I take part in.
 */
import type { ThreadService } from '../../services/threads.js';
import type { RouteHandlers } from '../handler.js';

type ThreadHandlers = Pick<RouteHandlers, 'listReplies' | 'markThreadRead' | 'listThreads'>;

export function threadHandlers(threads: ThreadService): ThreadHandlers {
  return {
    listReplies: async ({ params, query }, { userId }) => ({
      status: 200,
      body: await threads.replies(userId, params.id, params.messageId, query),
    }),
    markThreadRead: async ({ params, body }, { userId }) => {
      await threads.markRead(userId, params.id, params.messageId, body.messageId);
      return { status: 204, body: undefined };
    },
    listThreads: async ({ params }, { userId }) => ({
      status: 200,
      body: await threads.list(userId, params.id),
    }),
  };
}
