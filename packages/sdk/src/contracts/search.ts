/**
 * Message search: the query of `GET /v1/search/messages` and the page it answers.
 */
import * as z from 'zod/mini';
import { Cursor, Id, page } from './primitives.js';
import { Message } from './resources.js';

/** The limits of a search, as plain numbers (a UI can check them before it asks). */
export const searchLimits = {
  /** Longest query, characters after trimming. */
  queryChars: 200,
  /** Most hits in one page (default 20). */
  pageSize: 50,
} as const;

/**
 * `?q=` words to find (every one must occur; the last may be the start of a word, so results can
 * follow typing), optionally only in one conversation. Case and diacritics do not matter. A `q`
 * with no letter or digit is refused (400 `validation_failed`).
 */
export const SearchMessagesQuery = z.object({
  q: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'Type something to search for'),
      z.maxLength(searchLimits.queryChars),
      z.regex(/[\p{L}\p{N}]/u, 'Type at least one letter or digit'),
    ),
  conversationId: z.optional(Id),
  limit: z._default(
    z.coerce.number().check(z.int('Must be a whole number'), z.minimum(1), z.maximum(searchLimits.pageSize)),
    20,
  ),
  cursor: z.optional(Cursor),
});
export type SearchMessagesQuery = z.input<typeof SearchMessagesQuery>;

/**
 * Where a search matched in `message.content`: UTF-16 offsets, `content.slice(start, end)` is one
 * whole matching word. Sorted and never overlapping, so a UI wraps each in `<mark>` in one pass.
 */
export const SearchHighlight = z.object({ start: z.number(), end: z.number() });
export type SearchHighlight = z.infer<typeof SearchHighlight>;

/** One found message: as it is now, where it is, how well it matched, and where. */
export const SearchHit = z.object({
  message: Message,
  conversationId: Id,
  /** Higher is better; comparable within one search only. */
  score: z.number(),
  highlights: z.array(SearchHighlight),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** A page of hits, best first (then newest); `nextCursor` continues the same search. */
export const SearchPage = page(SearchHit);
export type SearchPage = z.infer<typeof SearchPage>;
