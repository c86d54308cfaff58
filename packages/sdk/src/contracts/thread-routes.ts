/**
 * The routes of threads (one level deep, in `direct` and `group` conversations): a thread's
 * replies and the threads a person takes part in (a thread's read marker moves with the
 * conversation's read route and a `threadId`). Spread into
 * `routes` (see `routes.ts`); a file of its own so the thread feature changes in one place.
 */
import * as z from 'zod/mini';
import { endpoints } from './endpoints.js';
import { ConversationParams, ListRepliesQuery, MessageParams } from './inputs.js';
import { page } from './primitives.js';
import { Message, ThreadListing } from './resources.js';
import { defineRoutes } from './route.js';

export const ThreadList = z.object({ items: z.array(ThreadListing) });
export type ThreadList = z.infer<typeof ThreadList>;

export const threadRoutes = defineRoutes({
  listReplies: {
    ...endpoints.listReplies,
    tag: 'messages',
    summary: "A page of a thread's replies, oldest to newest within the page",
    description:
      'Without `cursor` the newest page; `nextCursor` continues towards older replies. The parent must be a message of the conversation that is not itself a reply (else the 404 of a missing message).',
    params: MessageParams,
    query: ListRepliesQuery,
    responses: { 200: page(Message) },
    errors: ['not_found'],
  },
  listThreads: {
    ...endpoints.listThreads,
    tag: 'conversations',
    summary: 'The threads of a conversation I take part in (started or replied), newest reply first',
    description: 'At most `THREADS_LISTED` (default 100) threads, each with my `unreadCount`.',
    params: ConversationParams,
    responses: { 200: ThreadList },
    errors: ['not_found'],
  },
});
