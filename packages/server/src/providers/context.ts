/**
 * Building the context sent to a model: the system prompt, then as much recent history as fits.
 */
import type { ChatTurn } from './provider.js';
import { estimateTurnTokens } from './tokens.js';

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
 * history that fits `budgetTokens`, dropping the oldest turns first. The current (last) turn
 * is always included, even when it alone is over budget: failing the request would be worse
 * than letting the provider judge, and the provider's own limit error is clearer.
 *
 * A trimmed history never starts with an assistant turn: a reply without its question
 * confuses models, and some providers reject it.
 *
 * @example
 * const messages = buildContext({ systemPrompt: 'Be brief.', history, budgetTokens: 8_000 });
 * provider.stream({ model, messages, signal });
 */
export function buildContext(input: BuildContextInput): ChatTurn[] {
  const { history, budgetTokens } = input;
  const systemPrompt = input.systemPrompt?.trim() ? input.systemPrompt : null;
  const system: ChatTurn[] = systemPrompt === null ? [] : [{ role: 'system', content: systemPrompt }];
  const current = history.at(-1);
  if (current === undefined) return system;

  let remaining = budgetTokens - system.reduce((sum, turn) => sum + estimateTurnTokens(turn), 0);
  remaining -= estimateTurnTokens(current);

  // Walk back from the newest earlier turn; stop at the first that does not fit, so the kept
  // history is one contiguous recent run (skipping a long turn to keep an older one would
  // leave gaps the model cannot see).
  let start = history.length - 1;
  while (start > 0) {
    const cost = estimateTurnTokens(history[start - 1]!);
    if (cost > remaining) break;
    remaining -= cost;
    start -= 1;
  }
  while (start < history.length - 1 && history[start]!.role === 'assistant') start += 1;

  return [...system, ...history.slice(start).map((turn) => ({ role: turn.role, content: turn.content }))];
}
