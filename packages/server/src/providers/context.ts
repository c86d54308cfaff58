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
 * history that fits `budgetTokens`, dropping the oldest turns first. The current turn — the last
 * user turn and what the reply has done since (its steps' tool calls and their results) — is
 * always included, even when it alone is over budget: failing the request would be worse than
 * letting the provider judge, and the provider's own limit error is clearer.
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
  for (const turn of history.slice(current)) remaining -= estimateTurnTokens(turn);

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

  return [...system, ...history.slice(start).map((turn) => ({ ...turn }))];
}
