/**
 * How the files attached to a user turn are written into what a model reads, the same for every
 * provider: the turn's text, then one `<file …>` block per file — a text file's text inside it, an
 * image's facts (its bytes go beside the text, each provider its own way), a mention's reason.
 * Tags with the name and type, because models are trained on documents given that way (Anthropic
 * and OpenAI both suggest tagged blocks) and a user asks about "notes.md", not "the second file".
 */
import type { AttachmentFacts, ChatTurn, TurnAttachment } from './provider.js';

type UserTurn = Extract<ChatTurn, { role: 'user' }>;

/**
 * A user turn's text as the model reads it: `content` alone when nothing is attached (so requests
 * without files are exactly as before), else `content` then a block per file.
 *
 * @example
 * userTurnText({ role: 'user', content: 'Summarise this', attachments: [notes] });
 * // 'Summarise this\n\n<file name="notes.md" type="text/markdown" size="1.2 kB">\n# Notes…\n</file>'
 */
export function userTurnText(turn: UserTurn): string {
  if (!turn.attachments?.length) return turn.content;
  const blocks = turn.attachments.map(fileBlock);
  return turn.content === '' ? blocks.join('\n\n') : `${turn.content}\n\n${blocks.join('\n\n')}`;
}

/** The base64 bytes of a turn's images, in order (empty for other turns and turns without images). */
export function imagesOf(turn: ChatTurn): Extract<TurnAttachment, { kind: 'image' }>[] {
  if (turn.role !== 'user' || !turn.attachments) return [];
  return turn.attachments.filter((file) => file.kind === 'image');
}

/** One file as a tagged block. */
function fileBlock(file: TurnAttachment): string {
  const open = `<file ${attributes(file)}>`;
  switch (file.kind) {
    case 'text': {
      const cut =
        file.text.length < file.totalChars
          ? `\n[… cut to fit the context: the first ${file.text.length} of ${file.totalChars} characters]`
          : '';
      return `${open}\n${file.text}${cut}\n</file>`;
    }
    case 'image':
      return `${open}(the image is attached)</file>`;
    case 'mention':
      return `${open}(${file.note})</file>`;
  }
}

function attributes(file: AttachmentFacts): string {
  const pairs: [string, string][] = [
    ['name', file.name],
    ['type', file.mediaType],
    ['size', formatBytes(file.size)],
  ];
  if (file.width !== undefined && file.height !== undefined)
    pairs.push(['dimensions', `${file.width}×${file.height}`]);
  return pairs.map(([key, value]) => `${key}="${escapeAttribute(value)}"`).join(' ');
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/[\r\n]+/g, ' ');
}

/**
 * A size as people read it, in SI units (as browsers and file managers show downloads):
 * `512 B`, `12.4 kB`, `3.1 MB`.
 *
 * @example
 * formatBytes(12_400); // '12.4 kB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  // Moved up a unit before rounding would show 1000 of this one.
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 99.95 ? 1 : 0)} ${units[unit]}`;
}
