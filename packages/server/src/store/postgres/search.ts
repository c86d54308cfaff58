/**
 * `Store.searchMessages` on PostgreSQL: the generated `search_vector` column and its GIN index
 * (migration 0010), a `to_tsquery` of every word (the last with `:*`, a prefix), restricted to the
 * conversations the user takes part in now (their participant rows), ranked with `ts_rank`.
 * `ts_rank` depends on the message and the query alone, so keyset pages compare by it directly
 * (`weights` is `null`).
 */
import type { SearchTerms } from '../search-terms.js';
import type { MessageRecord, MessageSearch, MessageSearchPage, MessageSearchResult } from '../store.js';
import { isUuid } from './ids.js';
import { RETURNED_COLUMNS } from './messages.js';
import type { Queryable } from './pool.js';
import { type MessageRow, messageFromRow } from './rows.js';

/**
 * The `tsquery` text of `terms`: each word quoted (they hold letters and digits only, so quoting
 * is all the escaping needed), joined with `&`, the last one marked as a prefix.
 */
export function tsQueryOf(terms: SearchTerms): string {
  const last = terms.words.length - 1;
  return terms.words
    .map(
      (word, index) => `'${word.replaceAll("'", "''")}'${index === last && terms.lastIsPrefix ? ':*' : ''}`,
    )
    .join(' & ');
}

export async function searchMessages(
  db: Queryable,
  userId: string,
  search: MessageSearch,
  page: MessageSearchPage,
): Promise<MessageSearchResult> {
  const limit = Math.floor(page.limit);
  const conversationId = search.conversationId ?? null;
  if (!(limit > 0) || !isUuid(userId) || (conversationId !== null && !isUuid(conversationId))) {
    return { hits: [], weights: null };
  }
  const after = page.after ?? null;
  const result = await db.query<MessageRow & { score: number }>(
    `WITH q AS (SELECT to_tsquery('simple', $2) AS query)
     SELECT * FROM (
       SELECT ${RETURNED_COLUMNS}, ts_rank(search_vector, q.query) AS score
       FROM messages CROSS JOIN q
       WHERE search_vector @@ q.query
         AND status NOT IN ('deleted', 'streaming')
         AND conversation_id IN (SELECT conversation_id FROM participants WHERE user_id = $1)
         AND ($3::uuid IS NULL OR conversation_id = $3::uuid)
         AND created_at <= $4::timestamptz
     ) hits
     WHERE $5::real IS NULL OR (score, created_at, id) < ($5::real, $6::timestamptz, $7::uuid)
     ORDER BY score DESC, created_at DESC, id DESC
     LIMIT $8`,
    [
      userId,
      tsQueryOf(search.terms),
      conversationId,
      page.asOf,
      after?.score ?? null,
      after?.createdAt ?? null,
      after && isUuid(after.id) ? after.id : null,
      limit,
    ],
  );
  return {
    hits: result.rows.map((row): { message: MessageRecord; score: number } => ({
      message: messageFromRow(row),
      score: Number(row.score),
    })),
    weights: null,
  };
}
