/**
 * Approximate token counting, shared by context trimming and the echo provider's usage.
 *
 * Why an estimate and not a real tokenizer: a tokenizer per model family would add megabytes
 * of vocabulary to the server for a budget that only needs to be roughly right. OpenAI's own
 * rule of thumb for English is ~4 characters per token; code and non-Latin scripts run denser,
 * which is why callers should leave headroom below a model's real context window.
 */
import type { TurnAttachment } from './provider.js';

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
 * provider is sent; the files attached, text and images, as `attached-files.ts` counts them) plus
 * {@link TOKENS_PER_TURN} of framing.
 */
export function estimateTurnTokens(turn: {
  content: string;
  toolCalls?: readonly unknown[];
  attachments?: readonly TurnAttachment[];
}): number {
  const calls = turn.toolCalls?.length ? estimateTokens(JSON.stringify(turn.toolCalls)) : 0;
  let files = 0;
  for (const file of turn.attachments ?? []) files += estimateAttachmentTokens(file);
  return estimateTokens(turn.content) + calls + files + TOKENS_PER_TURN;
}

/** Tokens of a file's tag, name, type and size: about what `<file name="…" type="…" size="…">` costs. */
const FILE_TAG_TOKENS = 24;
/** Tokens of the marker after a text cut to fit (`[… cut to fit the context: …]`). */
export const CUT_MARKER_TOKENS = 16;
/** Tokens assumed for an image of unknown dimensions (OpenAI's cost of a 1024×1024 image). */
const UNKNOWN_IMAGE_TOKENS = 765;

/**
 * Approximate tokens of one attached file as the model is given it (`attached-files.ts`): its
 * block, and for an image what OpenAI documents for high detail (scaled into 2048×2048, then its
 * short side to 768; 170 tokens per 512-pixel tile, plus 85). Other providers count images
 * differently, but within the headroom the budget asks for (see above).
 */
export function estimateAttachmentTokens(file: TurnAttachment): number {
  switch (file.kind) {
    case 'text':
      return (
        FILE_TAG_TOKENS +
        estimateTokens(file.text) +
        (file.text.length < file.totalChars ? CUT_MARKER_TOKENS : 0)
      );
    case 'mention':
      return FILE_TAG_TOKENS + estimateTokens(file.note);
    case 'image':
      return FILE_TAG_TOKENS + imageTokens(file.width, file.height);
  }
}

function imageTokens(width: number | undefined, height: number | undefined): number {
  if (!width || !height) return UNKNOWN_IMAGE_TOKENS;
  const fit = Math.min(1, 2048 / Math.max(width, height));
  const shortSide = Math.min(width, height) * fit;
  const scale = fit * Math.min(1, 768 / shortSide);
  const tiles = Math.ceil((width * scale) / 512) * Math.ceil((height * scale) / 512);
  return 85 + 170 * tiles;
}
