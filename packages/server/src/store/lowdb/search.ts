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
  const { hits, weights } = index.search({
    terms: search.terms,
    conversationIds: scope,
    limit: page.limit,
    asOf: page.asOf,
    ...(page.after && { after: page.after }),
  });
  const found = await Promise.all(
    hits.map(async ({ message, score }) => {
      const stored = await messages.get(message.conversationId, message.id);
      return stored && isSearchable(stored) ? { message: stored, score } : null;
    }),
  );
  return {
    hits: found.filter((hit): hit is { message: MessageRecord; score: number } => hit !== null),
    weights,
  };
}
