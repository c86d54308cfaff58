/**
 * Building the context sent to a model: the system prompt, then as much recent history as fits.
 */
import type { ChatTurn, TurnAttachment } from './provider.js';
import { CHARS_PER_TOKEN, CUT_MARKER_TOKENS, estimateTurnTokens } from './tokens.js';

/** Input of {@link buildContext}. */
export interface BuildContextInput {
  /** The conversation's system prompt; `null`, `undefined` or blank sends none. */
  systemPrompt?: string | null;
  /** Oldest → newest; the last turn is the message being answered. */
  history: readonly ChatTurn[];
  /**
   * Approximate token budget for everything sent (system prompt included), counted with
   * {@link estimateTurnTokens} (~4 characters per token plus a few tokens per turn).
   */
  budgetTokens: number;
}

/**
 * The turns to send to a provider: the system prompt first, then the longest run of recent
 * history that fits `budgetTokens`, dropping the oldest turns first. The current turn — the last
 * user turn and what the reply has done since (its steps' tool calls and their results) — is
 * always included, even when it alone is over budget: failing the request would be worse than
 * letting the provider judge, and the provider's own limit error is clearer. Files attached to the
 * prompt count too: when they take it over budget, their texts are cut to fit (longest first, each
 * with a marker saying so), so a long document gets a reply about its start rather than an error.
 *
 * A trimmed history starts at a user turn: a reply without its question confuses models, and a
 * tool result without the call it answers is refused by providers (so calls and results, which
 * sit between user turns, are kept or dropped together).
 *
 * @example
 * const messages = buildContext({ systemPrompt: 'Be brief.', history, budgetTokens: 8_000 });
 * provider.stream({ model, messages, signal });
 */
export function buildContext(input: BuildContextInput): ChatTurn[] {
  const { history, budgetTokens } = input;
  const systemPrompt = input.systemPrompt?.trim() ? input.systemPrompt : null;
  const system: ChatTurn[] = systemPrompt === null ? [] : [{ role: 'system', content: systemPrompt }];
  if (history.length === 0) return system;
  const lastUser = history.findLastIndex((turn) => turn.role === 'user');
  const current = Math.max(lastUser, 0);

  let remaining = budgetTokens - system.reduce((sum, turn) => sum + estimateTurnTokens(turn), 0);
  const currentTurns = history.slice(current).map((turn) => ({ ...turn }));
  for (const turn of currentTurns) remaining -= estimateTurnTokens(turn);
  const prompt = currentTurns[0];
  if (remaining < 0 && prompt?.role === 'user' && prompt.attachments?.length) {
    const before = estimateTurnTokens(prompt);
    prompt.attachments = cutTexts(prompt.attachments, -remaining);
    remaining += before - estimateTurnTokens(prompt);
  }

  // Walk back from the newest earlier turn; stop at the first that does not fit, so the kept
  // history is one contiguous recent run (skipping a long turn to keep an older one would
  // leave gaps the model cannot see).
  let start = current;
  while (start > 0) {
    const cost = estimateTurnTokens(history[start - 1]!);
    if (cost > remaining) break;
    remaining -= cost;
    start -= 1;
  }
  while (start < current && history[start]!.role !== 'user') start += 1;

  return [...system, ...history.slice(start, current).map((turn) => ({ ...turn })), ...currentTurns];
}

/**
 * The files of the prompt with their texts cut so that they cost `excess` tokens less (or are
 * empty), each with a marker saying so: the longest are cut first, down to an equal share, so a
 * short file beside a huge one stays whole. Images and mentions are left as they are.
 */
function cutTexts(files: readonly TurnAttachment[], excess: number): TurnAttachment[] {
  const texts = files.filter((file) => file.kind === 'text');
  const total = texts.reduce((sum, file) => sum + file.text.length, 0);
  // Each cut file gains a marker, and each estimate rounds up: room for both.
  let left = Math.max(0, total - (excess + texts.length * (CUT_MARKER_TOKENS + 1)) * CHARS_PER_TOKEN);
  if (left >= total) return [...files];
  const shares = new Map<TurnAttachment, number>();
  const shortestFirst = [...texts].sort((a, b) => a.text.length - b.text.length);
  shortestFirst.forEach((file, index) => {
    const share = Math.min(file.text.length, Math.floor(left / (shortestFirst.length - index)));
    shares.set(file, share);
    left -= share;
  });
  return files.map((file) => {
    const share = shares.get(file);
    if (file.kind !== 'text' || share === undefined || share >= file.text.length) return file;
    return { ...file, text: cutAt(file.text, share) };
  });
}

/** The first `length` UTF-16 units of `text`, not ending in half a surrogate pair. */
function cutAt(text: string, length: number): string {
  const cut = text.slice(0, length);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
