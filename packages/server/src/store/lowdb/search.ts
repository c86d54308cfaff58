/**
 * `Store.searchMessages` on lowdb: the index ranks within the caller's conversations of now, and
 * the page's messages are then read as they are stored (a message deleted in between is left out).
 */
import type { MessageRecord, MessageSearch, MessageSearchPage, MessageSearchResult } from '../store.js';
import type { ConversationIndex } from './conversation-index.js';
import type { MessageOperations } from './messages.js';
import { isSearchable, type MessageSearchIndex } from './search-index.js';

export async function searchIndexed(
  index: MessageSearchIndex,
  conversations: ConversationIndex,
  messages: Pick<MessageOperations, 'get'>,
  userId: string,
  search: MessageSearch,
  page: MessageSearchPage,
): Promise<MessageSearchResult> {
  const mine = conversations.conversationIdsOf(userId);
  const scope =
    search.conversationId === undefined
      ? [...mine]
      : mine.has(search.conversationId)
        ? [search.conversationId]
        : [];
  // A message the index ranked may be gone by the time it is read (deleted in between): the
  // page is topped up from after it, so a short page still means the last one.
  const found: { message: MessageRecord; score: number }[] = [];
  let after = page.after;
  let weights: number[] | null = page.after?.weights ?? null;
  while (found.length < page.limit) {
    const wanted = page.limit - found.length;
    const ranked = index.search({
      terms: search.terms,
      conversationIds: scope,
      limit: wanted,
      asOf: page.asOf,
      ...(after && { after }),
    });
    weights = ranked.weights;
    const read = await Promise.all(
      ranked.hits.map(async ({ message, score }) => {
        const stored = await messages.get(message.conversationId, message.id);
        return stored && isSearchable(stored) ? { message: stored, score } : null;
      }),
    );
    for (const hit of read) if (hit) found.push(hit);
    const last = ranked.hits.at(-1);
    if (!last || ranked.hits.length < wanted) break;
    after = {
      score: last.score,
      createdAt: new Date(last.message.at).toISOString(),
      id: last.message.id,
      weights,
    };
  }
  return { hits: found, weights };
}
