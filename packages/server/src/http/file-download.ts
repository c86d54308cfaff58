/**
 * A file's bytes as an HTTP answer: the headers that keep an uploaded file from acting as a page
 * of this origin, and single byte ranges (a video seek, a resumed download).
 *
 * - `Content-Disposition` (RFC 6266): `inline` only for raster images (an `<img>` shows them),
 *   `attachment` for everything else, so a browser saves rather than renders it; the name twice,
 *   as an ASCII fallback and as RFC 8187 `filename*` in UTF-8, ending in an extension of the
 *   sniffed type (`run.bat` of plain text is saved as `run.bat.txt`).
 * - `X-Content-Type-Options: nosniff` (set on every answer) and a sandboxing CSP: even opened as a
 *   document, a file runs no script and reaches nothing.
 * - `Cache-Control: private`: a signed URL may be cached by the browser for at most its remaining
 *   life; with a bearer token, kept but revalidated each time.
 */
import type { FastifyReply } from 'fastify';
import type { ByteRange } from '../files/file-storage.js';
import type { FileRecord } from '../store/store.js';
import { HttpError } from './http-error.js';

/** Shown in place (`<img src>`); anything else is downloaded. Never SVG: it may carry script. */
const inlineTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** `Content-Type`: text is declared UTF-8 (what the upload checked it to be). */
export function contentTypeOf(mediaType: string): string {
  return mediaType.startsWith('text/') ? `${mediaType}; charset=utf-8` : mediaType;
}

/** The extensions a saved file of each sniffed type may have; the first is the one added. */
const extensionsOf: Record<string, readonly string[]> = {
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'application/pdf': ['.pdf'],
  'application/json': ['.json'],
  'text/plain': ['.txt', '.text', '.log'],
  'text/markdown': ['.md', '.markdown'],
  'text/csv': ['.csv'],
};

/**
 * `name` with an extension of `mediaType`: the name is the uploader's, the type is what the bytes
 * are, and a text file saved as `run.bat` or `x.hta` would run when opened. A name that already
 * ends in one of the type's extensions is kept; types without a known extension keep their name,
 * except text, saved as `.txt`.
 */
export function savedName(mediaType: string, name: string): string {
  const extensions = extensionsOf[mediaType] ?? (mediaType.startsWith('text/') ? ['.txt'] : null);
  if (!extensions) return name;
  const lower = name.toLowerCase();
  return extensions.some((extension) => lower.endsWith(extension)) ? name : `${name}${extensions[0]}`;
}

/**
 * RFC 6266 `Content-Disposition` for `name` (with an extension matching `mediaType`, see
 * {@link savedName}), with an ASCII fallback and an RFC 8187 UTF-8 `filename*`.
 */
export function contentDisposition(mediaType: string, uploadedName: string): string {
  const kind = inlineTypes.has(mediaType) ? 'inline' : 'attachment';
  const name = savedName(mediaType, uploadedName);
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The one range a `Range` header asks for, within `size` bytes: `undefined` for the whole file (no
 * header, several ranges, or one this does not parse — RFC 9110 lets a server ignore those); a
 * range that starts past the end is refused with 416.
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1] ?? '', match[2] ?? ''];
  let range: ByteRange;
  if (first === '') {
    // A suffix: the last N bytes.
    const suffix = Number(last);
    if (suffix === 0) throw unsatisfiable(size);
    range = { start: Math.max(0, size - suffix), end: size - 1 };
  } else {
    const start = Number(first);
    const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return undefined;
    range = { start, end };
  }
  if (range.start >= size) throw unsatisfiable(size);
  return range;
}

function unsatisfiable(size: number): HttpError {
  // No code of the contract is 416: the closest one, with the true status (see HttpError).
  return new HttpError('bad_request', `The range is outside the file's ${size} bytes`, {
    status: 416,
    headers: { 'content-range': `bytes */${size}` },
  });
}

/** Sets the answer's status and headers for `file` (or its `range`); the caller sends the bytes. */
export function setDownloadHeaders(
  reply: FastifyReply,
  file: FileRecord,
  range: ByteRange | undefined,
  cacheSeconds: number | null,
): void {
  const length = range ? range.end - range.start + 1 : file.size;
  reply
    .code(range ? 206 : 200)
    .header('content-type', contentTypeOf(file.mediaType))
    .header('content-length', String(length))
    .header('content-disposition', contentDisposition(file.mediaType, file.name))
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('accept-ranges', 'bytes')
    .header('etag', `"${file.sha256}"`)
    .header(
      'cache-control',
      cacheSeconds === null
        ? 'private, no-cache'
        : `private, max-age=${Math.max(0, Math.floor(cacheSeconds))}`,
    );
  reply.removeHeader('pragma');
  if (range) reply.header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
}
