/**
 * Files for the next message: `/attach PATH` uploads one at once (streamed from disk, never read
 * whole), and the next line you send takes every file attached so far.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';

/**
 * Types the server cannot tell from the bytes: a UTF-8 file is plain text to it unless we say
 * more. Everything else (images, PDFs) it sniffs, whatever we claim.
 */
const textTypes = { '.md': 'text/markdown', '.csv': 'text/csv', '.json': 'application/json' };

/** `2.4 MB`, `812 B`. */
export function formatSize(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** What a file is, in one line: `photo.png (image/png, 24.1 kB, 640×480)`. */
export function describeFile({ name, filename, mediaType, size, width, height }) {
  const facts = [mediaType, formatSize(size), ...(width && height ? [`${width}×${height}`] : [])];
  return `${name ?? filename} (${facts.join(', ')})`;
}

/**
 * @param {import('@chatwire/sdk').ChatwireClient} client
 * @param {ReturnType<import('./terminal.mjs').createTerminal>} term
 */
export function createAttachments(client, term) {
  const { print, style } = term;
  /** @type {import('@chatwire/sdk').UploadedFile[]} */
  let files = [];

  return {
    /** `/attach PATH`: uploads the file and lists what the next message carries; `/attach` alone lists. */
    async attach(path) {
      if (path) {
        try {
          const { size } = await stat(path);
          const name = basename(path);
          print(style.dim(`  uploading ${name} (${formatSize(size)})…`));
          const file = await client.files.upload(createReadStream(path), {
            name,
            size,
            mediaType: textTypes[extname(path).toLowerCase()],
          });
          files.push(file);
        } catch (error) {
          // The server's reason (too big, a type it does not take), or the file system's.
          print(style.red(`  not attached: ${error.message}`));
        }
      }
      if (files.length === 0) return print(style.dim('  nothing attached: /attach PATH adds a file'));
      print(style.dim(`  attached to your next message: ${files.map(describeFile).join(', ')}`));
    },

    /** The attachments of the message to send (kept until `clear`: a failed send keeps them). */
    list() {
      return files.length > 0 ? files.map((file) => ({ fileId: file.id })) : undefined;
    },

    /** Once the message is stored: its files are its own now, none for the next one. */
    clear() {
      files = [];
    },

    get count() {
      return files.length;
    },
  };
}
