/**
 * What a model can be given of a file, by its media type (sniffed from the bytes at upload):
 * images as images, text-like files and PDFs as text, anything else only named.
 */

/** How a file of a media type reaches a model. */
export type AttachmentKind = 'image' | 'text' | 'pdf' | 'other';

/**
 * The image types sent to models as images: the ones OpenAI, Ollama and the models behind them all
 * decode. Other images (SVG, BMP, TIFF) are only named: a model given them would refuse the request.
 */
const MODEL_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Text that is not `text/*`: structured data and code, read as UTF-8 like plain text. */
const TEXT_APPLICATION_TYPES = new Set([
  'application/json',
  'application/x-ndjson',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/javascript',
  'application/typescript',
  'application/sql',
  'application/toml',
]);

/**
 * How a file of `mediaType` (parameters such as `; charset=utf-8` ignored) reaches a model.
 *
 * @example
 * attachmentKind('text/markdown'); // 'text'
 * attachmentKind('image/svg+xml'); // 'other'
 */
export function attachmentKind(mediaType: string): AttachmentKind {
  const type = mediaType.split(';')[0]!.trim().toLowerCase();
  if (MODEL_IMAGE_TYPES.has(type)) return 'image';
  if (type === 'application/pdf') return 'pdf';
  if (type.startsWith('text/') || TEXT_APPLICATION_TYPES.has(type)) return 'text';
  if (type.startsWith('application/') && (type.endsWith('+json') || type.endsWith('+xml'))) return 'text';
  return 'other';
}

/** Whether a file of `mediaType` goes to a model as an image (only to a model with vision). */
export function isModelImage(mediaType: string): boolean {
  return attachmentKind(mediaType) === 'image';
}
