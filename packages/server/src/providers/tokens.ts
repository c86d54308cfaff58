/**
 * Approximate token counting, shared by context trimming and the echo provider's usage.
 *
 * Why an estimate and not a real tokenizer: a tokenizer per model family would add megabytes
 * of vocabulary to the server for a budget that only needs to be roughly right. OpenAI's own
 * rule of thumb for English is ~4 characters per token; code and non-Latin scripts run denser,
 * which is why callers should leave headroom below a model's real context window.
 */

/** Characters per token assumed by {@link estimateTokens}. */
export const CHARS_PER_TOKEN = 4;

/**
 * Tokens added per chat turn for the role and message framing (OpenAI documents ~3–4 for
 * its chat format); counted so many short turns do not look free.
 */
export const TOKENS_PER_TURN = 4;

/**
 * Approximate token count of a text: `ceil(length / 4)`, counting UTF-16 code units.
 *
 * @example
 * estimateTokens('Hello there!'); // 3
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * Approximate tokens of one chat turn: its content (and the tool calls it makes, as the JSON a
 * provider is sent) plus {@link TOKENS_PER_TURN} of framing.
 */
export function estimateTurnTokens(turn: { content: string; toolCalls?: readonly unknown[] }): number {
  const calls = turn.toolCalls?.length ? estimateTokens(JSON.stringify(turn.toolCalls)) : 0;
  return estimateTokens(turn.content) + calls + TOKENS_PER_TURN;
}
