/**
 * How message search reads words — one definition for both stores and the highlights, so what
 * lowdb indexes, what PostgreSQL's `tsvector` holds and what gets a `<mark>` agree.
 *
 * A word is a run of Unicode letters and digits (combining marks stay with their letter). Words
 * are folded for comparison: compatibility-decomposed, diacritics dropped, lower-cased, and the
 * few Latin letters that decompose to nothing given their usual spelling (`ß` → `ss`, `æ` → `ae`),
 * as PostgreSQL's `unaccent` spells them — so "cafe" finds "Café" and "strasse" finds "Straße".
 */

/** A word in the original text, with where it is (UTF-16 offsets: `text.slice(start, end)`). */
export interface WordSpan {
  /** The folded form compared against the query. */
  term: string;
  start: number;
  end: number;
}

/** A parsed search: folded words, all of which must match; the last one also as a prefix. */
export interface SearchTerms {
  /** Distinct folded words in the order typed (duplicates dropped); never empty. */
  words: string[];
  /** Whether the last of `words` matches as a prefix ("hel" finds "hello"): always, as typed. */
  lastIsPrefix: boolean;
}

const wordPattern = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
const marks = /\p{M}+/gu;
const nonWord = /[^\p{L}\p{N}]+/gu;
/** Letters that have no decomposition but a conventional plain spelling (as `unaccent` has). */
const spelled: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const spelledPattern = /[ßæœøłđðþı]/g;
const asciiWord = /^[A-Za-z0-9]+$/;

/** The comparison form of one word (see the module comment); `''` when nothing of it is a letter or digit. */
export function foldWord(word: string): string {
  // Most words are plain ASCII: nothing to decompose (start-up folds every stored word).
  if (asciiWord.test(word)) return word.toLowerCase();
  return word
    .normalize('NFKD')
    .replace(marks, '')
    .toLowerCase()
    .replace(spelledPattern, (letter) => spelled[letter] ?? letter)
    .replace(nonWord, '');
}

/** Every word of `text`, in order, with its UTF-16 span and folded term. */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(wordPattern)) {
    const term = foldWord(match[0]);
    if (term !== '') spans.push({ term, start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

/**
 * How many times each folded word occurs in `text` — what an index keeps per message. A word
 * that folds to several (`½` → `1⁄2`) counts as the parts a search would type.
 */
export function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { term } of wordSpans(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * Parses what a person typed into search terms, or `null` when it holds no letter or digit
 * (nothing to search for). At most `maxWords` distinct words are kept (the rest are dropped).
 *
 * @example
 * ```ts
 * parseSearch('Café  hel'); // { words: ['cafe', 'hel'], lastIsPrefix: true }
 * parseSearch('?!');        // null
 * ```
 */
export function parseSearch(text: string, maxWords = 16): SearchTerms | null {
  const words: string[] = [];
  for (const { term } of wordSpans(text)) {
    if (!words.includes(term)) words.push(term);
  }
  if (words.length === 0) return null;
  // A repeated word typed last is still the one being typed: keep it last, as a prefix.
  const last = wordSpans(text).at(-1)!.term;
  const ordered = [...words.filter((word) => word !== last), last].slice(-maxWords);
  return { words: ordered, lastIsPrefix: true };
}

/** Whether a folded word of a message matches one of the search's words. */
export function matchesTerm(term: string, search: SearchTerms): boolean {
  const lastIndex = search.words.length - 1;
  return search.words.some((word, index) =>
    index === lastIndex && search.lastIsPrefix ? term.startsWith(word) : term === word,
  );
}

/**
 * Where `text` matches `search`, as sorted, non-overlapping UTF-16 spans of whole words — what
 * a UI wraps in `<mark>`: `text.slice(start, end)`.
 */
export function highlightSpans(text: string, search: SearchTerms): { start: number; end: number }[] {
  return wordSpans(text)
    .filter(({ term }) => matchesTerm(term, search))
    .map(({ start, end }) => ({ start, end }));
}
