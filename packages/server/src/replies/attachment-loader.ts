/**
 * The files of a message as a model is given them: a file part → its record (`Store.getFile`) →
 * its bytes (`FileStorage.read`) → an image's bytes, a text file's or a PDF's text, or only a
 * mention (a type no model reads, a file gone, an image for a model without vision). Texts are
 * kept in a small LRU by file id: every reply in a conversation reads its history again, and
 * extracting a PDF costs far more than the model call's own overhead.
 */

import type { Readable } from 'node:stream';
import type { FilePart } from '@chatwire/sdk/contracts';
import type { FileStorage } from '../files/file-storage.js';
import type { TurnAttachment } from '../providers/provider.js';
import { LruCache } from '../store/lru-cache.js';
import type { FileRecord, Store } from '../store/store.js';
import { attachmentKind } from './attachment-kinds.js';
import { factsOf, namedOnly } from './context-turns.js';
import { pdfText } from './pdf-text.js';

/** Options of {@link createAttachmentLoader}. */
export interface AttachmentLoaderOptions {
  store: Pick<Store, 'getFile'>;
  storage: Pick<FileStorage, 'read'>;
  /**
   * The longest text given of one file, characters; the rest is cut, with a marker saying so.
   * Default 400,000 (~100k tokens). The context budget cuts further when the whole is over it.
   */
  maxTextChars?: number;
  /**
   * The largest image given to a model, bytes; a bigger one is only mentioned (every reply reads
   * its images again, and sends them as base64). Default 5 MiB (`MODEL_IMAGE_MAX_BYTES`).
   */
  maxImageBytes?: number;
  /** Texts kept in memory: how many files, and how many characters in all. Default 200 and 4,000,000. */
  textCache?: { files: number; chars: number };
}

/** What a model can be told of one file part. */
export interface AttachmentLoader {
  /**
   * `part` (of a message in `conversationId`) as the model is given it. Never rejects: a file that
   * cannot be read is a mention saying so, and the reply goes on.
   */
  load(part: FilePart, options: { conversationId: string; vision: boolean }): Promise<TurnAttachment>;
}

type LoadedText = { text: string; totalChars: number };

/**
 * Creates the loader the replies' context is built with.
 *
 * @example
 * const attachments = createAttachmentLoader({ store, storage });
 * await attachments.load(part, { conversationId, vision: model.vision });
 * // { kind: 'text', name: 'notes.md', mediaType: 'text/markdown', size: 1200, text: '# Notes…', totalChars: 1200 }
 */
export function createAttachmentLoader(options: AttachmentLoaderOptions): AttachmentLoader {
  const { store, storage } = options;
  const maxTextChars = options.maxTextChars ?? 400_000;
  const maxImageBytes = options.maxImageBytes ?? 5 * 1024 * 1024;
  const cacheSize = options.textCache ?? { files: 200, chars: 4_000_000 };
  const texts = new LruCache<string, LoadedText>(cacheSize.files, {
    weigh: (loaded) => loaded.text.length,
    maxWeight: cacheSize.chars,
  });

  /** The file's text: from the cache, else read (and extracted, for a PDF); `null` when it is gone. */
  async function textOf(file: FileRecord, kind: 'text' | 'pdf'): Promise<LoadedText | null> {
    const cached = texts.get(file.id);
    if (cached) return cached;
    let loaded: LoadedText;
    if (kind === 'pdf') {
      const bytes = await readBytes(file.storageKey);
      if (!bytes) return null;
      loaded = await pdfText(bytes, maxTextChars);
    } else {
      // Enough bytes for `maxTextChars` characters whatever the script (UTF-8 takes 1–4 per character).
      const cap = maxTextChars * 4;
      const bytes = await readBytes(file.storageKey, file.size > cap ? cap : undefined);
      if (!bytes) return null;
      const text = new TextDecoder('utf-8').decode(bytes);
      loaded = capped(text, maxTextChars);
      // Cut while reading: the whole is about as long as its bytes are, in this text's proportion.
      if (bytes.byteLength < file.size)
        loaded.totalChars = Math.max(
          loaded.totalChars,
          Math.round((file.size * text.length) / bytes.byteLength),
        );
    }
    texts.set(file.id, loaded);
    return loaded;
  }

  async function readBytes(key: string, limit?: number): Promise<Uint8Array | null> {
    const stream = await storage.read(key, limit === undefined ? undefined : { start: 0, end: limit - 1 });
    return stream ? collect(stream) : null;
  }

  return {
    async load(part, { conversationId, vision }) {
      const kind = attachmentKind(part.mediaType);
      if (kind === 'other') return namedOnly(part, 'a type models do not read');
      if (kind === 'image' && !vision) return namedOnly(part, 'an image; this model does not take images');
      let file: FileRecord | null;
      try {
        file = await store.getFile(part.fileId);
        // A part names a file of its own message: one attached elsewhere is not this one's to read.
        if (!file || file.conversationId !== conversationId) return namedOnly(part, 'no longer available');
        const facts = { ...factsOf(part), name: file.name, mediaType: file.mediaType, size: file.size };
        if (kind === 'image') {
          if (file.size > maxImageBytes)
            return namedOnly(part, `an image larger than the ${mebibytes(maxImageBytes)} given to models`);
          const bytes = await readBytes(file.storageKey);
          if (!bytes) return namedOnly(part, 'no longer available');
          return { kind: 'image', ...facts, base64: Buffer.from(bytes).toString('base64') };
        }
        const loaded = await textOf(file, kind);
        if (!loaded) return namedOnly(part, 'no longer available');
        return { kind: 'text', ...facts, ...loaded };
      } catch {
        // Storage away, a PDF pdf.js cannot read: the model is told, the reply goes on.
        return namedOnly(part, 'could not be read');
      }
    },
  };
}

/** At most `max` characters of `text`, and how long it was. */
function capped(text: string, max: number): LoadedText {
  const clean = text.replace(/^\uFEFF/, '');
  return { text: clean.length > max ? clean.slice(0, max) : clean, totalChars: clean.length };
}

async function collect(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** `5 MiB`, `512 KiB`, `300 bytes`: a size as the model is told it. */
function mebibytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
