/**
 * The routes of threads (one level deep, in `direct` and `group` conversations): a thread's
 * replies, its per-person read marker, and the threads a person takes part in. Spread into
 * `routes` (see `routes.ts`); a file of its own so the thread feature changes in one place.
 */
import * as z from 'zod/mini';
import { endpoints } from './endpoints.js';
import { ConversationParams, ListRepliesQuery, MarkReadInput, MessageParams } from './inputs.js';
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
  markThreadRead: {
    ...endpoints.markThreadRead,
    tag: 'messages',
    summary: "Move the caller's read marker in a thread (never backwards)",
    description: '`messageId` is a reply of this thread (or the parent itself: nothing read yet).',
    params: MessageParams,
    body: MarkReadInput,
    responses: { 204: null },
    errors: ['not_found'],
    // Nobody else hears of it: no event, so it works while the broker is down.
    events: false,
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
