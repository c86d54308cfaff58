/**
 * What an upload is, told from its first bytes rather than from what the client claims: binary
 * formats by their signature (`file-type`), text by being valid UTF-8 without NUL bytes (its type
 * then comes from the name's extension, since text has no signature), image dimensions with
 * `image-size`. Only the head is looked at, before anything is written.
 */
import { extname } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';

/** How much of a file is read before deciding what it is: enough for every signature, and most image headers. */
export const headBytes = 64 * 1024;

/** What the head of a file says it is. */
export interface Inspection {
  /** The sniffed media type; `application/octet-stream` for bytes nothing recognises. */
  mediaType: string;
  width?: number;
  height?: number;
}

/**
 * Text-like files by extension. Markup that a browser would run (HTML, SVG, XML) keeps its true type,
 * so that the allow-list refuses it, rather than passing as `text/plain`.
 */
const textTypes: Readonly<Record<string, string>> = {
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xhtml': 'application/xhtml+xml',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
};

/** `true` if `head` is UTF-8 text: no NUL, and valid UTF-8 (a character cut at the end of a partial head is allowed). */
function isText(head: Uint8Array, whole: boolean): boolean {
  if (head.includes(0)) return false;
  try {
    // `stream: true` leaves an incomplete last sequence for later: the head may end mid-character.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !whole });
    return true;
  } catch {
    return false;
  }
}

/** Text types a client's claim may choose for a name with no known extension (`notes` sent as Markdown). */
const claimableTextTypes = new Set(['text/markdown', 'text/csv', 'application/json']);

function textTypeOf(name: string, claimedType: string | undefined): string {
  const byName = textTypes[extname(name).toLowerCase()];
  if (byName) return byName;
  const claimed = claimedType?.split(';')[0]?.trim().toLowerCase();
  return claimed && claimableTextTypes.has(claimed) ? claimed : 'text/plain';
}

function dimensionsOf(head: Uint8Array): { width?: number; height?: number } {
  try {
    const { width, height } = imageSize(head);
    return width > 0 && height > 0 ? { width, height } : {};
  } catch {
    // An image whose size is past the head (or a corrupt one): served, without dimensions.
    return {};
  }
}

/**
 * Inspects the first bytes of a file named `name` (`whole`: these are all its bytes). The client's
 * `claimedType` is only a hint for text with no telling extension; bytes decide everything else.
 *
 * @example
 * ```ts
 * await inspectHead(pngBytes, 'photo.jpg', true); // { mediaType: 'image/png', width: 640, height: 480 }
 * await inspectHead(Buffer.from('# Notes'), 'notes.md', true); // { mediaType: 'text/markdown' }
 * ```
 */
export async function inspectHead(
  head: Uint8Array,
  name: string,
  whole: boolean,
  claimedType?: string,
): Promise<Inspection> {
  const sniffed = await fileTypeFromBuffer(head);
  if (sniffed) {
    const mediaType = sniffed.mime;
    return mediaType.startsWith('image/') ? { mediaType, ...dimensionsOf(head) } : { mediaType };
  }
  if (isText(head, whole)) return { mediaType: textTypeOf(name, claimedType) };
  return { mediaType: 'application/octet-stream' };
}

/** Whether `mediaType` is in `allowed` (entries such as `image/*` match a whole top-level type). */
export function isAllowedType(mediaType: string, allowed: readonly string[]): boolean {
  const type = mediaType.toLowerCase();
  return allowed.some((entry) => {
    const wanted = entry.toLowerCase();
    if (wanted === '*/*') return true;
    return wanted.endsWith('/*') ? type.startsWith(wanted.slice(0, -1)) : type === wanted;
  });
}
