/**
 * What the echo model says of the files attached to a message: names, types, sizes, an image's
 * dimensions, a text's lines and first line. So a demo with no API key shows attachments reaching
 * the model, and a test can see what a model was given of them.
 */
import { formatBytes } from './attached-files.js';
import type { TurnAttachment } from './provider.js';

const FIRST_LINE_LIMIT = 60;

/**
 * One sentence listing `files` as the model was given them; `''` when there are none.
 *
 * @example
 * describeFiles([photo, notes]);
 * // 'You sent 2 files: photo.png (image/png, 12.4 kB, 640×480), notes.md (text/markdown, 1.2 kB,
 * //  34 lines: “# Notes…”).'
 */
export function describeFiles(files: readonly TurnAttachment[]): string {
  if (files.length === 0) return '';
  const count = `${files.length} ${files.length === 1 ? 'file' : 'files'}`;
  return `You sent ${count}: ${files.map(describeFile).join(', ')}.`;
}

function describeFile(file: TurnAttachment): string {
  const facts = [file.mediaType, formatBytes(file.size)];
  if (file.width !== undefined && file.height !== undefined) facts.push(`${file.width}×${file.height}`);
  if (file.kind === 'text') facts.push(aboutText(file.text));
  if (file.kind === 'mention') facts.push(`not read: ${file.note}`);
  return `${file.name} (${facts.join(', ')})`;
}

/** `34 lines: “first line…”`: how long a text is, and how it starts. */
function aboutText(text: string): string {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return 'empty';
  const first = lines.find((line) => line.trim() !== '')?.trim() ?? '';
  if (first === '') return `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}, all blank`;
  const more = lines.length > 1 || first.length > FIRST_LINE_LIMIT;
  const quoted = Array.from(first).slice(0, FIRST_LINE_LIMIT).join('').trimEnd();
  return `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}: “${quoted}${more ? '…' : ''}”`;
}
