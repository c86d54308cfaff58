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

/** What the index keeps of a message: where it is, its time, and its words with their counts. */
export interface IndexedMessage {
  readonly conversationId: string;
  readonly id: string;
  readonly createdAt: string;
  readonly terms: readonly string[];
  readonly counts: Uint16Array;
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

type Postings = Map<string, Set<IndexedMessage>>;

/** Whether a message is searchable now: not deleted, not a reply still being written, with words. */
export function isSearchable(message: Pick<MessageRecord, 'status' | 'content'>): boolean {
  return message.status !== 'deleted' && message.status !== 'streaming' && message.content !== '';
}

export class MessageSearchIndex {
  /** conversation id → message id → what is indexed of it. */
  readonly #messages = new Map<string, Map<string, IndexedMessage>>();
  /** word → conversation id → the messages holding it there. */
  readonly #postings = new Map<string, Postings>();
  /** word → in how many messages (all conversations). */
  readonly #documentFrequency = new Map<string, number>();
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
    const indexed: IndexedMessage = {
      conversationId: message.conversationId,
      id: message.id,
      createdAt: message.createdAt,
      terms: [...frequencies.keys()],
      counts: Uint16Array.from(frequencies.values(), (count) => Math.min(count, 0xffff)),
    };
    let inConversation = this.#messages.get(message.conversationId);
    if (!inConversation) {
      inConversation = new Map();
      this.#messages.set(message.conversationId, inConversation);
    }
    inConversation.set(message.id, indexed);
    this.#size++;
    for (const term of indexed.terms) {
      let postings = this.#postings.get(term);
      if (!postings) {
        postings = new Map();
        this.#postings.set(term, postings);
        this.#newWords.push(term);
      }
      let set = postings.get(message.conversationId);
      if (!set) {
        set = new Set();
        postings.set(message.conversationId, set);
      }
      set.add(indexed);
      this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
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
    const hits: IndexHit[] = [];
    for (const conversationId of query.conversationIds) {
      for (const candidate of this.#candidates(conversationId, expansions)) {
        if (candidate.createdAt > query.asOf) continue;
        const score = scoreOf(candidate, expansions, weights);
        if (score === null) continue;
        const hit = { message: candidate, score };
        if (!query.after || rankAfter(hit, query.after)) hits.push(hit);
      }
    }
    hits.sort(byRank);
    return { hits: hits.slice(0, Math.max(0, query.limit)), weights };
  }

  /**
   * The messages of one conversation holding the word (of the searched ones) found in the fewest
   * there: every match is among them. Empty when some word is not in the conversation at all.
   */
  #candidates(conversationId: string, expansions: readonly string[][]): Iterable<IndexedMessage> {
    let best: Set<IndexedMessage>[] | null = null;
    let bestSize = Number.POSITIVE_INFINITY;
    for (const terms of expansions) {
      const sets: Set<IndexedMessage>[] = [];
      let size = 0;
      for (const term of terms) {
        const set = this.#postings.get(term)?.get(conversationId);
        if (set) {
          sets.push(set);
          size += set.size;
        }
      }
      if (size === 0) return [];
      if (size < bestSize) {
        best = sets;
        bestSize = size;
      }
    }
    return unionOf(best ?? []);
  }

  /** Rarity of each searched word; for a prefix, of all its words together (their total, capped at N). */
  #weights(expansions: readonly string[][]): number[] {
    const total = Math.max(this.#size, 1);
    return expansions.map((terms) => {
      let frequency = 0;
      for (const term of terms) frequency += this.#documentFrequency.get(term) ?? 0;
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
      const postings = this.#postings.get(term);
      const set = postings?.get(indexed.conversationId);
      if (!postings || !set) continue;
      set.delete(indexed);
      if (set.size === 0) postings.delete(indexed.conversationId);
      const frequency = (this.#documentFrequency.get(term) ?? 1) - 1;
      if (frequency > 0) {
        this.#documentFrequency.set(term, frequency);
      } else {
        this.#documentFrequency.delete(term);
        this.#postings.delete(term);
        this.#goneWords++;
      }
    }
  }
}

/** The score of a message for the searched words, or `null` if one of them is not in it. */
function scoreOf(
  message: IndexedMessage,
  expansions: readonly string[][],
  weights: readonly number[],
): number | null {
  let score = 0;
  for (let index = 0; index < expansions.length; index++) {
    const terms = expansions[index]!;
    let occurrences = 0;
    for (let position = 0; position < message.terms.length; position++) {
      if (
        terms.length === 1 ? message.terms[position] === terms[0] : terms.includes(message.terms[position]!)
      )
        occurrences += message.counts[position]!;
    }
    if (occurrences === 0) return null;
    score += occurrences * weights[index]!;
  }
  return score;
}

function* unionOf(sets: readonly Set<IndexedMessage>[]): Iterable<IndexedMessage> {
  if (sets.length === 1) {
    yield* sets[0]!;
    return;
  }
  const seen = new Set<IndexedMessage>();
  for (const set of sets) {
    for (const message of set) {
      if (seen.has(message)) continue;
      seen.add(message);
      yield message;
    }
  }
}

/** Rank order: score, then newest (`createdAt`, then `id`), all descending. */
function compareRank(a: { score: number; createdAt: string; id: string }, b: typeof a): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function byRank(a: IndexHit, b: IndexHit): number {
  return compareRank(
    { score: a.score, createdAt: a.message.createdAt, id: a.message.id },
    { score: b.score, createdAt: b.message.createdAt, id: b.message.id },
  );
}

function rankAfter(hit: IndexHit, after: MessageSearchAfter): boolean {
  return compareRank({ score: hit.score, createdAt: hit.message.createdAt, id: hit.message.id }, after) > 0;
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
