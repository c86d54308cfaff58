/**
 * Mentions: which participants a message's text names as `@Display Name`. Pure, so the rules are
 * tested on their own (`mentions.test.ts`):
 *
 * - names are matched against the conversation's participants, not parsed as "words": a display
 *   name may contain spaces (`@Ana Lúcia`);
 * - case-insensitive; of several names starting at one `@`, the longest wins (`@Ann Lee` is Ann
 *   Lee, not Ann);
 * - a mention starts a word (`bob@example.com` mentions nobody) and ends at a character that is
 *   not a letter or digit, or at the end (`@Bob,` and `@Bob!` are Bob; `@Bobby` is not Bob);
 * - each person once, in the order first mentioned; the sender is never mentioned (a ping to
 *   oneself tells nobody anything, and the sender has read their own message anyway).
 *
 * A client may also say whom it meant ({@link mentionsIn}'s `claimed`): an id is added only if it
 * is a participant whose `@name` appears in the text by the rules above, even where a longer name
 * won the match (`@Ann Lee` may be meant as Ann, followed by "Lee"). Nobody is ever pinged by a
 * mention the others cannot see.
 */

/** A participant that may be mentioned. */
export interface MentionCandidate {
  id: string;
  displayName: string;
}

const wordCharacter = /[\p{L}\p{N}]/u;

/** Whether a mention may start at `content[at]` (an `@` at the start of a word). */
function startsMention(content: string, at: number): boolean {
  return content[at] === '@' && (at === 0 || !wordCharacter.test(content[at - 1] ?? ''));
}

/** Whether `name` follows the `@` at `at`, case-insensitively, and ends where a word may. */
function namedAt(content: string, at: number, name: string): boolean {
  if (name.length === 0) return false;
  const start = at + 1;
  const end = start + name.length;
  if (end > content.length) return false;
  if (content.slice(start, end).toLowerCase() !== name.toLowerCase()) return false;
  return end === content.length || !wordCharacter.test(content[end] ?? '');
}

/**
 * The ids of the `candidates` that `content` mentions, each once, in the order first mentioned.
 *
 * @example
 * ```ts
 * parseMentions('thanks @ann lee and @Bob!', [
 *   { id: 'a', displayName: 'Ann' },
 *   { id: 'al', displayName: 'Ann Lee' },
 *   { id: 'b', displayName: 'Bob' },
 * ]); // ['al', 'b']
 * ```
 */
export function parseMentions(content: string, candidates: readonly MentionCandidate[]): string[] {
  if (!content.includes('@') || candidates.length === 0) return [];
  const longestFirst = [...candidates].sort((a, b) => b.displayName.length - a.displayName.length);
  const found: string[] = [];
  for (let at = content.indexOf('@'); at !== -1; at = content.indexOf('@', at + 1)) {
    if (!startsMention(content, at)) continue;
    const match = longestFirst.find((candidate) => namedAt(content, at, candidate.displayName));
    if (!match) continue;
    if (!found.includes(match.id)) found.push(match.id);
    at += match.displayName.length;
  }
  return found;
}

/** Whether `content` has `@name` for `candidate` anywhere (by the rules above), whatever won the match. */
export function isNamedIn(content: string, candidate: MentionCandidate): boolean {
  for (let at = content.indexOf('@'); at !== -1; at = content.indexOf('@', at + 1)) {
    if (startsMention(content, at) && namedAt(content, at, candidate.displayName)) return true;
  }
  return false;
}

/**
 * Whom a person's message mentions: what {@link parseMentions} finds among `candidates` (the
 * conversation's participants but the sender), then each `claimed` id the text names visibly
 * ({@link isNamedIn}) that is not in yet. Ids that are no candidate are dropped.
 *
 * @example
 * ```ts
 * mentionsIn('@Ann Lee, see this', candidates, ['a']); // ['al', 'a']: the client meant Ann too
 * ```
 */
export function mentionsIn(
  content: string,
  candidates: readonly MentionCandidate[],
  claimed: readonly string[] = [],
): string[] {
  const found = parseMentions(content, candidates);
  for (const id of claimed) {
    if (found.includes(id)) continue;
    const candidate = candidates.find((c) => c.id === id);
    if (candidate && isNamedIn(content, candidate)) found.push(id);
  }
  return found;
}
