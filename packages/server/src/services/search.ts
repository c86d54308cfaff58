/**
 * Message search: a person finds messages of the conversations they take part in now.
 *
 * Rules:
 * - `q` is parsed into folded words (`store/search-terms.ts`): every word must occur, the last one
 *   may be the start of a word; a `q` without a letter or digit is invalid (the contract refuses
 *   it first; this is the rule behind it);
 * - with `conversationId`, only that conversation — and to someone not in it, it does not exist
 *   (the one 404 of a missing id);
 * - results are the messages as they are now (current text, fresh file URLs) with the spans that
 *   matched, for a UI's `<mark>`s;
 * - pages are a keyset over (score, createdAt, id) within a snapshot: the cursor carries the first
 *   page's time (`asOf`), the last hit's position and the ranking weights, so later pages neither
 *   repeat nor skip a hit of the first page's ranking while new messages arrive (they wait for a
 *   new search). A message edited between pages is ranked by its new text.
 */
import { Id, type Message, type SearchHit, type SearchPage, Timestamp } from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';
import { highlightSpans, parseSearch, type SearchTerms } from '../store/search-terms.js';
import type { MessageSearchAfter, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { ConversationService } from './conversations.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Invalid } from './errors.js';
import { settleQuotes } from './threads.js';
import type { Presenter } from './views.js';

export interface SearchServiceDeps {
  store: Pick<Store, 'searchMessages' | 'getMessage'>;
  conversations: Pick<ConversationService, 'requireMember'>;
  /** How each message goes out (its files' signed URLs). */
  present: Pick<Presenter, 'message'>;
  clock: Clock;
}

/** What a search asks for (the validated query of `GET /v1/search/messages`). */
export interface SearchInput {
  q: string;
  conversationId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The position a cursor carries; `q` is the parsed words, so a cursor only continues its own search. */
const SearchCursor = z.object({
  q: z.array(z.string()),
  asOf: Timestamp,
  s: z.number(),
  c: Timestamp,
  i: Id,
  w: z.nullable(z.array(z.number())),
});

function invalidQuery(): Invalid {
  return new Invalid('Type at least one letter or digit to search for', [
    { path: ['q'], message: 'Type at least one letter or digit' },
  ]);
}

function startOf(cursor: string, terms: SearchTerms): { asOf: string; after: MessageSearchAfter } {
  const position = decodeCursor(cursor, SearchCursor);
  if (position.q.join(' ') !== terms.words.join(' ')) {
    throw new Invalid('This cursor belongs to another search: start again without it', [
      { path: ['cursor'], message: 'Not a cursor of this search' },
    ]);
  }
  return {
    asOf: position.asOf,
    after: { score: position.s, createdAt: position.c, id: position.i, weights: position.w },
  };
}

/** `messages` (of any conversations) with quotes of since-deleted messages shown as deleted, in order. */
async function settleAcross(store: Pick<Store, 'getMessage'>, messages: Message[]): Promise<Message[]> {
  const byConversation = new Map<string, Message[]>();
  for (const message of messages) {
    const group = byConversation.get(message.conversationId) ?? [];
    group.push(message);
    byConversation.set(message.conversationId, group);
  }
  const settled = new Map<string, Message>();
  await Promise.all(
    [...byConversation].map(async ([conversationId, group]) => {
      for (const message of await settleQuotes(store, conversationId, group))
        settled.set(message.id, message);
    }),
  );
  return messages.map((message) => settled.get(message.id) ?? message);
}

export function createSearchService(deps: SearchServiceDeps) {
  const { store, conversations, present, clock } = deps;
  return {
    /**
     * A page of `userId`'s messages matching `input.q`, best first.
     *
     * @throws Invalid when `q` holds no word, or the cursor is not one of this search's.
     * @throws NotFound when `conversationId` is missing or `userId` is not in it.
     */
    async messages(userId: string, input: SearchInput): Promise<SearchPage> {
      const terms = parseSearch(input.q);
      if (!terms) throw invalidQuery();
      if (input.conversationId !== undefined) await conversations.requireMember(userId, input.conversationId);
      const start = input.cursor === undefined ? null : startOf(input.cursor, terms);
      const asOf = start?.asOf ?? clock.now().toISOString();
      const { hits, weights } = await store.searchMessages(
        userId,
        { terms, ...(input.conversationId !== undefined && { conversationId: input.conversationId }) },
        { limit: input.limit, asOf, ...(start && { after: start.after }) },
      );
      const messages = await settleAcross(
        store,
        hits.map(({ message }) => present.message(message)),
      );
      const items: SearchHit[] = hits.map(({ message, score }, i) => ({
        message: messages[i] ?? present.message(message),
        conversationId: message.conversationId,
        score,
        highlights: highlightSpans(message.content, terms),
      }));
      const last = hits.at(-1);
      // A full page may be followed by more; the next one answers empty if not (no count query).
      const nextCursor =
        last && hits.length >= input.limit
          ? encodeCursor({
              q: terms.words,
              asOf,
              s: last.score,
              c: last.message.createdAt,
              i: last.message.id,
              w: weights,
            })
          : null;
      return { items, nextCursor };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
