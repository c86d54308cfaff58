/**
 * The attachment loader on a real lowdb store and real files on disk: what a model is given of
 * each kind of file, and of files that are gone or unreadable.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FilePart } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskStorage } from '../files/disk-storage.js';
import type { FileStorage } from '../files/file-storage.js';
import { newId } from '../ids.js';
import { createLowdbStore } from '../store/lowdb/index.js';
import type { FileRecord, Store } from '../store/store.js';
import { tinyPdf } from '../testing/tiny-pdf.js';
import { type AttachmentLoader, createAttachmentLoader } from './attachment-loader.js';

let dataDir: string;
let store: Store;
let storage: FileStorage;
/** Keys read from the storage, in order: what the loader actually read. */
const reads: string[] = [];
let loader: AttachmentLoader;
const conversationId = 'conv-1';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chatwire-attachment-loader-'));
  store = createLowdbStore({ dataDir });
  await store.init();
  const disk = await createDiskStorage({ dir: join(dataDir, 'files') });
  storage = {
    ...disk,
    read: (key, range) => {
      reads.push(key);
      return disk.read(key, range);
    },
  };
  loader = createAttachmentLoader({ store, storage, maxTextChars: 1_000 });
});

afterAll(async () => {
  await store.close();
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Stores `bytes` as a file attached in `conversation`; its part as a message carries it. */
async function attached(
  name: string,
  mediaType: string,
  bytes: Buffer,
  options: { conversation?: string; dimensions?: [number, number] } = {},
): Promise<{ part: FilePart; record: FileRecord }> {
  const id = newId();
  const storageKey = `t/${id}`;
  await storage.write(storageKey, Readable.from([bytes]), { mediaType });
  const [width, height] = options.dimensions ?? [null, null];
  const record = await store.createFile({
    id,
    ownerId: 'user-1',
    name,
    mediaType,
    size: bytes.byteLength,
    sha256: '',
    width,
    height,
    storageKey,
    status: 'ready',
    conversationId: options.conversation ?? conversationId,
    messageId: 'message-1',
    createdAt: new Date().toISOString(),
    expiresAt: null,
  });
  const part: FilePart = {
    type: 'file',
    fileId: id,
    mediaType,
    filename: name,
    size: bytes.byteLength,
    ...(width !== null && height !== null ? { width, height } : {}),
    url: `/v1/files/${id}/content?expires=1&signature=x`,
  };
  return { part, record };
}

const load = (part: FilePart, vision = true) => loader.load(part, { conversationId, vision });

describe('the attachment loader', () => {
  it('an image, for a model with vision: its bytes as base64, with its dimensions', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const { part } = await attached('photo.png', 'image/png', bytes, { dimensions: [640, 480] });
    expect(await load(part)).toEqual({
      kind: 'image',
      name: 'photo.png',
      mediaType: 'image/png',
      size: 7,
      width: 640,
      height: 480,
      base64: bytes.toString('base64'),
    });
  });

  it('an image for a model without vision is named, and its bytes are not read', async () => {
    const { part, record } = await attached('photo.jpg', 'image/jpeg', Buffer.from('jpeg'));
    expect(await load(part, false)).toMatchObject({
      kind: 'mention',
      name: 'photo.jpg',
      note: 'an image; this model does not take images',
    });
    expect(reads).not.toContain(record.storageKey);
  });

  it('an image over the per-image cap is named, and its bytes are not read', async () => {
    const capped = createAttachmentLoader({ store, storage, maxImageBytes: 8 });
    const { part, record } = await attached('big.png', 'image/png', Buffer.alloc(9, 1));
    expect(await capped.load(part, { conversationId, vision: true })).toMatchObject({
      kind: 'mention',
      name: 'big.png',
      note: 'an image larger than the 8 bytes given to models',
    });
    expect(reads).not.toContain(record.storageKey);
    const { part: small } = await attached('small.png', 'image/png', Buffer.alloc(8, 1));
    expect(await capped.load(small, { conversationId, vision: true })).toMatchObject({ kind: 'image' });
  });

  it('a text file: its text (a BOM dropped), and how long it is', async () => {
    const { part } = await attached('notes.md', 'text/markdown', Buffer.from('\uFEFF# Notes\nbuy milk\n'));
    expect(await load(part)).toEqual({
      kind: 'text',
      name: 'notes.md',
      mediaType: 'text/markdown',
      size: 20,
      text: '# Notes\nbuy milk\n',
      totalChars: 17,
    });
  });

  it('a long text file is read only up to its cap, and says how long the whole is', async () => {
    const { part, record } = await attached('big.csv', 'text/csv', Buffer.from('a,b\n'.repeat(5_000)));
    const loaded = await load(part);
    expect(loaded).toMatchObject({ kind: 'text', totalChars: 20_000 });
    expect(loaded.kind === 'text' && loaded.text).toBe('a,b\n'.repeat(250));
    expect(record.size).toBe(20_000);
  });

  it('a PDF: its extracted text; read and extracted once, then from the cache', async () => {
    const { part, record } = await attached(
      'report.pdf',
      'application/pdf',
      tinyPdf(['Quarterly report', 'Revenue grew (12%)']),
    );
    const first = await load(part);
    expect(first).toMatchObject({
      kind: 'text',
      name: 'report.pdf',
      mediaType: 'application/pdf',
      text: 'Quarterly report\nRevenue grew (12%)',
    });
    expect(await load(part)).toEqual(first);
    expect(reads.filter((key) => key === record.storageKey)).toHaveLength(1);

    const short = createAttachmentLoader({ store, storage, maxTextChars: 10 });
    expect(await short.load(part, { conversationId, vision: true })).toMatchObject({
      text: 'Quarterly ',
      totalChars: 'Quarterly report\nRevenue grew (12%)'.length,
    });
  });

  it('a PDF that is not one, and a type no model reads: named, saying why', async () => {
    const broken = await attached('broken.pdf', 'application/pdf', Buffer.from('%PDF-1.4 nonsense'));
    expect(await load(broken.part)).toMatchObject({ kind: 'mention', note: 'could not be read' });
    const zip = await attached('a.zip', 'application/zip', Buffer.from('PK\u0003\u0004'));
    expect(await load(zip.part)).toMatchObject({ kind: 'mention', note: 'a type models do not read' });
    expect(reads).not.toContain(zip.record.storageKey);
  });

  it('a file gone — record, bytes — or attached in another conversation: named as no longer available', async () => {
    const noRecord = await attached('gone.txt', 'text/plain', Buffer.from('hi'));
    await store.deleteFile(noRecord.record.id);
    const noBytes = await attached('bytes-gone.txt', 'text/plain', Buffer.from('hi'));
    await storage.delete(noBytes.record.storageKey);
    const elsewhere = await attached('theirs.txt', 'text/plain', Buffer.from('secret'), {
      conversation: 'conv-2',
    });
    for (const { part } of [noRecord, noBytes, elsewhere]) {
      expect(await load(part)).toEqual({
        kind: 'mention',
        name: part.filename,
        mediaType: 'text/plain',
        size: part.size,
        note: 'no longer available',
      });
    }
  });
});
