/**
 * Message search for the lowdb store: an in-memory inverted index, folded word → the messages
 * holding it, per conversation. Built at start-up from every segment (`search-loading.ts`) and
 * kept current by the store after each acknowledged append, edit, delete and conversation
 * deletion.
 *
 * A query touches only the caller's conversations and, in each, starts from the word with the
 * fewest messages there, checking the other words against each candidate's own words: its cost
 * follows the matches of the rarest word, not the number of messages. The last word is a prefix:
 * its words are a range of the sorted vocabulary (binary search), whose postings are unioned.
 *
 * Score: Σ over the searched words of (occurrences in the message × rarity), rarity being
 * `ln(1 + N / df)` over all indexed messages — term frequency × inverse document frequency.
 * Rarity shifts as messages arrive, so a page hands its weights on to the next (the cursor
 * carries them) and every page of one search ranks with the same ones.
 */
import type { SearchTerms } from '../search-terms.js';
import { termFrequencies } from '../search-terms.js';
import type { MessageRecord, MessageSearchAfter } from '../store.js';

/**
 * What the index keeps of a message: where it is, its time, and its words with their counts.
 * Lean on purpose — one per stored message: the conversation id and the words are the index's
 * own (interned) strings, the time a number, and the counts left out when every word occurs once.
 */
export interface IndexedMessage {
  readonly conversationId: string;
  readonly id: string;
  /** `createdAt` as epoch milliseconds. */
  readonly at: number;
  readonly terms: readonly string[];
  /** Occurrences of each of `terms`; `null` when each occurs once (most messages). */
  readonly counts: readonly number[] | null;
}

/** A hit before its message is read: its position in the ranking. */
export interface IndexHit {
  message: IndexedMessage;
  score: number;
}

/** What a query asks of the index. */
export interface IndexQuery {
  terms: SearchTerms;
  /** The conversations to look in (the caller's). */
  conversationIds: Iterable<string>;
  limit: number;
  asOf: string;
  after?: MessageSearchAfter;
}

/** One word: in how many messages, and which, per conversation (small arrays: most are short). */
interface Posting {
  readonly term: string;
  frequency: number;
  readonly byConversation: Map<string, IndexedMessage[]>;
}

/** Whether a message is searchable now: not deleted, not a reply still being written, with words. */
export function isSearchable(message: Pick<MessageRecord, 'status' | 'content'>): boolean {
  return message.status !== 'deleted' && message.status !== 'streaming' && message.content !== '';
}

export class MessageSearchIndex {
  /** conversation id → message id → what is indexed of it. */
  readonly #messages = new Map<string, Map<string, IndexedMessage>>();
  /** word → its posting. */
  readonly #postings = new Map<string, Posting>();
  /**
   * Every indexed word, sorted (code-unit order): the prefix ranges. New words wait in
   * `#newWords` and are merged in by the next search (one sort of the new ones and a linear
   * merge, instead of an insertion per word — start-up adds hundreds of thousands); a word no
   * message holds any more stays until the next compaction, skipped by lookups.
   */
  #vocabulary: string[] = [];
  #newWords: string[] = [];
  #goneWords = 0;
  #size = 0;

  /** Messages indexed. */
  get size(): number {
    return this.#size;
  }

  /** Distinct words indexed. */
  get vocabularySize(): number {
    return this.#postings.size;
  }

  /** Indexes `message` as it is now, replacing what was indexed of it (or dropping it: see {@link isSearchable}). */
  put(message: MessageRecord): void {
    this.remove(message.conversationId, message.id);
    if (!isSearchable(message)) return;
    const frequencies = termFrequencies(message.content);
    if (frequencies.size === 0) return;
    let inConversation = this.#messages.get(message.conversationId);
    let conversationId = message.conversationId;
    if (inConversation) {
      conversationId = (inConversation.values().next().value as IndexedMessage).conversationId;
    } else {
      inConversation = new Map();
      this.#messages.set(conversationId, inConversation);
    }
    const postings: Posting[] = [];
    for (const term of frequencies.keys()) {
      let posting = this.#postings.get(term);
      if (!posting) {
        posting = { term, frequency: 0, byConversation: new Map() };
        this.#postings.set(term, posting);
        this.#newWords.push(term);
      }
      postings.push(posting);
    }
    const counts = [...frequencies.values()];
    const indexed: IndexedMessage = {
      conversationId,
      id: message.id,
      at: Date.parse(message.createdAt),
      terms: postings.map((posting) => posting.term),
      counts: counts.every((count) => count === 1) ? null : counts,
    };
    inConversation.set(message.id, indexed);
    this.#size++;
    for (const posting of postings) {
      posting.frequency++;
      const list = posting.byConversation.get(conversationId);
      if (list) list.push(indexed);
      else posting.byConversation.set(conversationId, [indexed]);
    }
  }

  /** Forgets a message (a no-op if it was not indexed). */
  remove(conversationId: string, messageId: string): void {
    const inConversation = this.#messages.get(conversationId);
    const indexed = inConversation?.get(messageId);
    if (!inConversation || !indexed) return;
    inConversation.delete(messageId);
    if (inConversation.size === 0) this.#messages.delete(conversationId);
    this.#unpost(indexed);
  }

  /** Forgets every message of a deleted conversation. */
  removeConversation(conversationId: string): void {
    const inConversation = this.#messages.get(conversationId);
    if (!inConversation) return;
    this.#messages.delete(conversationId);
    for (const indexed of inConversation.values()) this.#unpost(indexed);
  }

  /** The best `limit` hits after `query.after`, and the weights they were scored with. */
  search(query: IndexQuery): { hits: IndexHit[]; weights: number[] } {
    const { words, lastIsPrefix } = query.terms;
    const expansions = words.map((word, index) =>
      index === words.length - 1 && lastIsPrefix ? this.#wordsStartingWith(word) : [word],
    );
    const weights =
      query.after?.weights?.length === words.length ? query.after.weights : this.#weights(expansions);
    const asOf = Date.parse(query.asOf);
    const after = query.after && { ...query.after, at: Date.parse(query.after.createdAt) };
    const prefix = lastIsPrefix ? words.at(-1) : undefined;
    const hits: IndexHit[] = [];
    for (const conversationId of query.conversationIds) {
      for (const candidate of this.#candidates(conversationId, expansions)) {
        if (candidate.at > asOf) continue;
        const score = scoreOf(candidate, words, prefix, weights);
        if (score === null) continue;
        const hit = { message: candidate, score };
        if (!after || compareRank(hit, after) > 0) hits.push(hit);
      }
    }
    return { hits: best(hits, Math.max(0, query.limit)), weights };
  }

  /**
   * Where the matches of one conversation are: the messages holding the searched word found in
   * the fewest there — or, when looking a word up costs more than that (a short prefix stands for
   * thousands of words), every message of the conversation. A word not looked up is still checked
   * on each candidate (`scoreOf`). Empty when a word is in no message there.
   */
  #candidates(conversationId: string, expansions: readonly string[][]): Iterable<IndexedMessage> {
    const inConversation = this.#messages.get(conversationId);
    if (!inConversation) return [];
    let best: Iterable<IndexedMessage> = inConversation.values();
    let bestSize = inConversation.size;
    for (const terms of expansions) {
      if (terms.length === 0) return [];
      if (terms.length >= bestSize) continue;
      const lists: IndexedMessage[][] = [];
      let size = 0;
      for (const term of terms) {
        const list = this.#postings.get(term)?.byConversation.get(conversationId);
        if (!list) continue;
        lists.push(list);
        size += list.length;
        if (size >= bestSize) break;
      }
      if (size === 0) return [];
      if (size < bestSize) {
        best = unionOf(lists);
        bestSize = size;
      }
    }
    return best;
  }

  /** Rarity of each searched word; for a prefix, of all its words together (their total, capped at N). */
  #weights(expansions: readonly string[][]): number[] {
    const total = Math.max(this.#size, 1);
    return expansions.map((terms) => {
      let frequency = 0;
      for (const term of terms) frequency += this.#postings.get(term)?.frequency ?? 0;
      return Math.log(1 + total / Math.max(1, Math.min(frequency, total)));
    });
  }

  /** The indexed words that start with `prefix`: a binary search, then a walk of the range. */
  #wordsStartingWith(prefix: string): string[] {
    const vocabulary = this.#sortedVocabulary();
    const words: string[] = [];
    for (let index = lowerBound(vocabulary, prefix); index < vocabulary.length; index++) {
      const word = vocabulary[index]!;
      if (!word.startsWith(prefix)) break;
      if (this.#postings.has(word)) words.push(word);
    }
    return words;
  }

  /** The vocabulary with the new words merged in and, when most of it is gone, compacted. */
  #sortedVocabulary(): readonly string[] {
    if (this.#newWords.length > 0) {
      // A word gone and added again is in both lists: the merge keeps one.
      this.#vocabulary = mergeSorted(this.#vocabulary, [...new Set(this.#newWords)].sort());
      this.#newWords = [];
    }
    if (this.#goneWords > this.#vocabulary.length / 2) {
      this.#vocabulary = this.#vocabulary.filter((word) => this.#postings.has(word));
      this.#goneWords = 0;
    }
    return this.#vocabulary;
  }

  #unpost(indexed: IndexedMessage): void {
    this.#size--;
    for (const term of indexed.terms) {
      const posting = this.#postings.get(term);
      const list = posting?.byConversation.get(indexed.conversationId);
      if (!posting || !list) continue;
      const at = list.indexOf(indexed);
      if (at !== -1) list.splice(at, 1);
      if (list.length === 0) posting.byConversation.delete(indexed.conversationId);
      posting.frequency--;
      if (posting.frequency <= 0) {
        this.#postings.delete(term);
        this.#goneWords++;
      }
    }
  }
}

/**
 * The score of a message for the searched words, or `null` if one of them is not in it. The
 * prefix word (last, when `prefix` is given) counts every word of the message it starts.
 */
function scoreOf(
  message: IndexedMessage,
  words: readonly string[],
  prefix: string | undefined,
  weights: readonly number[],
): number | null {
  let score = 0;
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const asPrefix = prefix !== undefined && index === words.length - 1;
    let occurrences = 0;
    for (let position = 0; position < message.terms.length; position++) {
      const term = message.terms[position]!;
      if (asPrefix ? term.startsWith(word) : term === word) occurrences += message.counts?.[position] ?? 1;
    }
    if (occurrences === 0) return null;
    score += occurrences * weights[index]!;
  }
  return score;
}

function* unionOf(lists: readonly IndexedMessage[][]): Iterable<IndexedMessage> {
  if (lists.length === 1) {
    yield* lists[0]!;
    return;
  }
  const seen = new Set<IndexedMessage>();
  for (const list of lists) {
    for (const message of list) {
      if (seen.has(message)) continue;
      seen.add(message);
      yield message;
    }
  }
}

/** A position in rank order: score, then newest (`at`, then `id`), all descending. */
interface RankPosition {
  score: number;
  at: number;
  id: string;
}

/** Negative when `a` ranks before `b`. */
function compareRank(a: IndexHit | RankPosition, b: RankPosition): number {
  const [aAt, aId] = 'message' in a ? [a.message.at, a.message.id] : [a.at, a.id];
  if (a.score !== b.score) return b.score - a.score;
  if (aAt !== b.at) return b.at - aAt;
  return aId < b.id ? 1 : aId > b.id ? -1 : 0;
}

/** The first `limit` of `hits` in rank order. */
function best(hits: IndexHit[], limit: number): IndexHit[] {
  const order = (a: IndexHit, b: IndexHit) =>
    compareRank(a, { score: b.score, at: b.message.at, id: b.message.id });
  return hits.sort(order).slice(0, limit);
}

/** Two sorted word lists as one, each word once. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const merged: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (merged.at(-1) !== next) merged.push(next);
  }
  return merged;
}

/** The first index of `sorted` whose word is ≥ `word`. */
function lowerBound(sorted: readonly string[], word: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < word) low = middle + 1;
    else high = middle;
  }
  return low;
}
