/**
 * `client.files` against a real server: uploads from a Blob, a Uint8Array and a ReadableStream
 * (progress to the total, the same bytes back), an abort that leaves nothing, a refused file,
 * a send with attachments that the other participant receives live and reads by its signed URL
 * without a token — and direct uploads to a real S3-compatible server (s3rver).
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type FilePart,
  NotFoundError,
  type RealtimeEvent,
  UnsupportedMediaTypeError,
  type UploadProgress,
} from '@chatwire/sdk';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createS3Storage } from '../../packages/server/src/files/s3-storage.js';
import { exeBytes, pngBytes } from '../../packages/server/src/http/routes/files.test-support.js';
import { type S3TestServer, startS3Server } from '../../packages/server/src/testing/s3-server.js';
import { type SignedIn, signUp } from '../support/clients.js';
import { closeLive, live } from '../support/live.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());
/** `count` chunks of 64 KiB of text, as a web stream. */
function textStream(count: number): { stream: ReadableStream<Uint8Array>; bytes: Uint8Array } {
  const chunk = new TextEncoder().encode('chatwire '.repeat(7282).padEnd(65_536, '.'));
  const bytes = new Uint8Array(chunk.length * count);
  for (let i = 0; i < count; i++) bytes.set(chunk, i * chunk.length);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === count) return controller.close();
      controller.enqueue(chunk.slice());
      sent++;
    },
  });
  return { stream, bytes };
}

afterEach(closeLive);

describe('client.files against a real server (disk storage)', () => {
  let server: TestServer;
  let ada: SignedIn;
  let grace: SignedIn;
  let directId: string;
  /** Files in the server's storage now (temp files of an upload under way too). */
  const stored = async () =>
    (
      await readdir(join(server.dataDir, 'files'), { recursive: true, withFileTypes: true }).catch(() => [])
    ).filter((entry) => entry.isFile()).length;

  beforeAll(async () => {
    server = await startTestServer();
    [ada, grace] = await Promise.all([signUp(server.url, 'ada'), signUp(server.url, 'grace')]);
    directId = (await ada.client.conversations.create({ type: 'direct', participantIds: [grace.user.id] }))
      .id;
  });
  afterAll(() => server.close());

  it('uploads a Blob, a Uint8Array and a ReadableStream; progress reaches the total; the same bytes come back', async () => {
    const png = pngBytes(16, 9);
    const image = await ada.client.files.upload(new Blob([png], { type: 'image/png' }), { name: 'dot.png' });
    expect(image).toMatchObject({
      name: 'dot.png',
      mediaType: 'image/png',
      size: png.length,
      width: 16,
      height: 9,
    });
    expect(image.sha256).toBe(sha256(png));

    const notes = new TextEncoder().encode('Shopping: tea, milk, bread\n');
    const text = await ada.client.files.upload(notes, { name: 'notes.txt', mediaType: 'text/plain' });
    expect(text).toMatchObject({ mediaType: 'text/plain', size: notes.length, messageId: null });
    expect(await bytesOf(await ada.client.files.download(text.id))).toEqual(notes);

    const { stream, bytes } = textStream(4);
    const progress: UploadProgress[] = [];
    const streamed = await ada.client.files.upload(stream, {
      name: 'long.txt',
      size: bytes.length,
      onProgress: (event) => progress.push(event),
    });
    expect(streamed).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    // Chunk by chunk as they went out, then the end.
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.map((event) => event.loaded)).toEqual(
      [...progress.map((event) => event.loaded)].sort((a, b) => a - b),
    );
    expect(progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length });
    expect(await ada.client.files.get(streamed.id)).toEqual(streamed);
  });

  it('an aborted upload rejects with the reason and leaves nothing on the server', async () => {
    const before = await stored();
    const controller = new AbortController();
    const chunk = new Uint8Array(65_536).fill(0x61);
    let pulls = 0;
    // Never ends by itself: the upload is under way when it is aborted.
    const endless = new ReadableStream<Uint8Array>({
      pull(streamController) {
        pulls++;
        streamController.enqueue(chunk.slice());
        return new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    const upload = ada.client.files.upload(endless, {
      name: 'endless.txt',
      onProgress: ({ loaded }) => {
        if (loaded >= 4 * chunk.length) controller.abort(new Error('stopped by the test'));
      },
      signal: controller.signal,
    });
    await expect(upload).rejects.toThrow('stopped by the test');
    expect(pulls).toBeGreaterThanOrEqual(4);
    await expect.poll(stored).toBe(before);
  });

  it('a refused file rejects with the server’s class and message; nothing is kept', async () => {
    const before = await stored();
    const refused = ada.client.files.upload(exeBytes(), { name: 'holiday.png', mediaType: 'image/png' });
    await expect(refused).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    await expect(refused).rejects.toThrow(/./);
    expect(await stored()).toBe(before);
  });

  it('sends with attachments: the other participant gets the file part live and reads it by its URL, without a token', async () => {
    const png = pngBytes(24, 12);
    const [photo, notes] = await Promise.all([
      ada.client.files.upload(new Blob([png]), { name: 'photo.png' }),
      ada.client.files.upload(new TextEncoder().encode('see the photo'), { name: 'notes.txt' }),
    ]);
    const graceLive = live(grace.client);
    await graceLive.until('open');

    const { message } = await ada.client.messages.send(directId, {
      attachments: [{ fileId: photo.id }, { fileId: notes.id }],
    });
    expect(message.content).toBe('');
    const files = message.parts.filter((part): part is FilePart => part.type === 'file');
    expect(files).toMatchObject([
      {
        fileId: photo.id,
        mediaType: 'image/png',
        filename: 'photo.png',
        size: png.length,
        width: 24,
        height: 12,
      },
      { fileId: notes.id, mediaType: 'text/plain', filename: 'notes.txt' },
    ]);

    const created = (await graceLive.next(
      (event) => event.type === 'message.created' && event.message.id === message.id,
    )) as Extract<RealtimeEvent, { type: 'message.created' }>;
    const part = created.message.parts.find((p): p is FilePart => p.type === 'file' && p.fileId === photo.id);
    expect(part?.url).toMatch(/^\/v1\/files\/.+\/content\?/);
    const url = grace.client.files.url(part as FilePart);
    expect(url.startsWith(`${server.url}/v1/files/`)).toBe(true);
    // A bare fetch: no Authorization header, as an <img src> loads it.
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\/png/);
    expect(sha256(await bytesOf(response))).toBe(photo.sha256);

    // A participant reads its metadata; anyone else gets the 404 of a missing id.
    expect((await grace.client.files.get(photo.id)).messageId).toBe(message.id);
    const outsider = await signUp(server.url, 'eve');
    await expect(outsider.client.files.get(photo.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(outsider.client.files.download(photo.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sends with attachments over the WebSocket too, the text left out', async () => {
    const notes = await ada.client.files.upload(new TextEncoder().encode('over the socket'), {
      name: 'ws.txt',
    });
    const adaLive = live(ada.client);
    const stored = await adaLive.connection.send({
      conversationId: directId,
      attachments: [{ fileId: notes.id }],
    });
    expect(stored.parts).toMatchObject([{ type: 'file', fileId: notes.id, filename: 'ws.txt' }]);
    expect((await ada.client.files.get(notes.id)).messageId).toBe(stored.id);
  });

  it('says whether direct uploads are offered, once per client', async () => {
    const options = await ada.client.files.options();
    expect(options).toMatchObject({ direct: false, maxAttachments: 10 });
    expect(options.maxBytes).toBeGreaterThan(0);
    expect(await ada.client.files.options()).toBe(options);
  });
});

describe('client.files with S3 storage: direct uploads', () => {
  let s3: S3TestServer;
  let storage: ReturnType<typeof createS3Storage>;
  let server: TestServer;
  let ada: SignedIn;

  beforeAll(async () => {
    s3 = await startS3Server();
    storage = createS3Storage({ ...s3, forcePathStyle: true });
    server = await startTestServer({ fileStorage: storage });
    ada = await signUp(server.url, 'ada');
  });
  afterAll(async () => {
    await server?.close();
    await storage?.close();
    await s3?.close();
  });

  it('PUTs the bytes straight to the bucket, then the server checks them', async () => {
    expect((await ada.client.files.options()).direct).toBe(true);
    const png = pngBytes(10, 20);
    const progress: UploadProgress[] = [];
    const file = await ada.client.files.upload(png, {
      name: 'tall.png',
      mediaType: 'image/png',
      onProgress: (event) => progress.push(event),
    });
    expect(file).toMatchObject({
      mediaType: 'image/png',
      size: png.length,
      width: 10,
      height: 20,
      sha256: sha256(png),
    });
    expect(progress.at(-1)).toEqual({ loaded: png.length, total: png.length });
    expect(await bytesOf(await ada.client.files.download(file.id))).toEqual(new Uint8Array(png));
  });

  it('a stream of unknown size, or a file of unknown type, goes through the server instead (which sniffs it)', async () => {
    const { stream, bytes } = textStream(2);
    const file = await ada.client.files.upload(stream, { name: 'notes.txt' });
    expect(file).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    const png = pngBytes(3, 3);
    expect(await ada.client.files.upload(png, { name: 'no-type' })).toMatchObject({ mediaType: 'image/png' });
  });
});
