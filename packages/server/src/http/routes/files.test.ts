/**
 * Uploads and downloads over real HTTP (multipart with `fetch`), on each storage and store: what
 * is kept (sniffed type, dimensions, SHA-256), what is refused with nothing left behind, who may
 * read a file (owner, participants; an outsider gets the 404 of a missing id), signed URLs, the
 * download headers and ranges, and direct uploads to S3.
 */
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDiskStorage } from '../../files/disk-storage.js';
import type { FileStorage } from '../../files/file-storage.js';
import { createS3Storage } from '../../files/s3-storage.js';
import { systemClock } from '../../services/clock.js';
import { createFileUrls } from '../../services/file-urls.js';
import { startS3Server } from '../../testing/s3-server.js';
import { sharedLowdbStore } from '../../testing/shared-store.js';
import { startTestServer, testSecret } from '../../testing/start-server.js';
import { signUp, type TestUser } from '../../testing/ws-client.js';
import {
  call,
  describeOnEachStack,
  download,
  exeBytes,
  jpegBytes,
  pdfBytes,
  pngBytes,
  type UploadStack,
  upload,
} from './files.test-support.js';

const maxBytes = 256 * 1024;
const quotaBytes = 1024 * 1024;
const fileUrls = createFileUrls({ secret: testSecret, ttlSeconds: 3600, clock: systemClock });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describeOnEachStack('uploads', { uploads: { maxBytes, quotaBytes } }, (stack: () => UploadStack) => {
  const url = () => stack().server.url;

  describe('what an upload keeps', () => {
    it('a PNG named and claimed as a JPEG is a PNG, with its dimensions and SHA-256', async () => {
      const ada = await signUp(url(), 'ada');
      const bytes = pngBytes(3, 2);
      const { status, body } = await upload(url(), ada.token, bytes, 'photo.jpg', 'image/jpeg');
      expect(status).toBe(201);
      expect(body).toMatchObject({
        name: 'photo.jpg',
        mediaType: 'image/png',
        size: bytes.length,
        sha256: sha256(bytes),
        width: 3,
        height: 2,
        messageId: null,
      });
      expect(Date.parse(body.expiresAt) - Date.parse(body.createdAt)).toBe(86_400_000);
    });

    it('a JPEG, a PDF, plain text and Markdown get their types', async () => {
      const ada = await signUp(url(), 'ada');
      const jpeg = await upload(url(), ada.token, jpegBytes(640, 480), 'cam.jpeg', 'image/jpeg');
      expect(jpeg.body).toMatchObject({ mediaType: 'image/jpeg', width: 640, height: 480 });
      const pdf = await upload(url(), ada.token, pdfBytes, 'paper.pdf', 'application/pdf');
      expect(pdf.body).toMatchObject({ mediaType: 'application/pdf' });
      expect(pdf.body.width).toBeUndefined();
      const text = await upload(url(), ada.token, Buffer.from('héllo, wörld\n'), 'notes.txt', 'text/plain');
      expect(text.body).toMatchObject({ mediaType: 'text/plain', size: Buffer.byteLength('héllo, wörld\n') });
      const markdown = await upload(url(), ada.token, Buffer.from('# Title\n\n- a\n'), 'README.md');
      expect(markdown.body).toMatchObject({ mediaType: 'text/markdown', name: 'README.md' });
      const source = await upload(
        url(),
        ada.token,
        Buffer.from('export const a = 1;\n'),
        'a.ts',
        'video/mp2t',
      );
      expect(source.body).toMatchObject({ mediaType: 'text/plain' });
    });

    it('a file as big as the limit is kept whole', async () => {
      const ada = await signUp(url(), 'ada');
      const bytes = Buffer.alloc(maxBytes, 'a');
      const { status, body } = await upload(url(), ada.token, bytes, 'big.txt');
      expect(status).toBe(201);
      expect(body).toMatchObject({ size: maxBytes, sha256: sha256(bytes) });
      const content = await download(url(), `/v1/files/${body.id}/content`, {
        authorization: `Bearer ${ada.token}`,
      });
      expect(sha256(content.bytes)).toBe(sha256(bytes));
    });
  });

  describe('what is refused, leaving nothing behind', () => {
    async function refused(
      user: TestUser,
      bytes: Uint8Array,
      name: string,
      status: number,
      code: string,
      type?: string,
    ) {
      const before = await stack().objectCount();
      const response = await upload(url(), user.token, bytes, name, type);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(await stack().objectCount()).toBe(before);
      return response;
    }

    it('HTML, SVG, an executable renamed .png, and bytes nothing recognises: 415', async () => {
      const ada = await signUp(url(), 'ada');
      await refused(
        ada,
        Buffer.from('<html><script>alert(1)</script></html>'),
        'page.html',
        415,
        'unsupported_media_type',
      );
      await refused(
        ada,
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        'x.svg',
        415,
        'unsupported_media_type',
        'image/png',
      );
      const exe = await refused(ada, exeBytes(), 'cat.png', 415, 'unsupported_media_type', 'image/png');
      expect(exe.body.error.message).toMatch(/not accepted/);
      await refused(
        ada,
        Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x9f]),
        'blob.bin',
        415,
        'unsupported_media_type',
      );
    });

    it('an empty file: 400', async () => {
      const ada = await signUp(url(), 'ada');
      const response = await refused(ada, Buffer.alloc(0), 'empty.txt', 400, 'validation_failed');
      expect(response.body.error.details[0].path).toEqual(['body', 'file']);
    });

    it('one byte over the limit, and far over it: 413', async () => {
      const ada = await signUp(url(), 'ada');
      await refused(ada, Buffer.alloc(maxBytes + 1, 'a'), 'big.txt', 413, 'payload_too_large');
      const far = await refused(ada, Buffer.alloc(4 * maxBytes, 'a'), 'bigger.txt', 413, 'payload_too_large');
      expect(far.body.error.message).toMatch(/256 KiB/);
    });

    it('past the quota: 403 quota_exceeded', async () => {
      const ada = await signUp(url(), 'ada');
      for (let i = 0; i < 4; i++)
        expect((await upload(url(), ada.token, Buffer.alloc(maxBytes, 'q'), `q${i}.txt`)).status).toBe(201);
      await refused(ada, Buffer.from('one more'), 'more.txt', 403, 'quota_exceeded');
      // Someone else's quota is their own.
      const bob = await signUp(url(), 'bob');
      expect((await upload(url(), bob.token, Buffer.from('mine'), 'b.txt')).status).toBe(201);
    });

    it('a field other than file, two files, a JSON body, no token', async () => {
      const ada = await signUp(url(), 'ada');
      const before = await stack().objectCount();
      const other = await upload(url(), ada.token, Buffer.from('x'), 'a.txt', 'text/plain', 'attachment');
      expect([other.status, other.body.error.code]).toEqual([400, 'validation_failed']);

      const form = new FormData();
      form.append('file', new Blob(['one']), 'one.txt');
      form.append('file', new Blob(['two']), 'two.txt');
      const two = await fetch(`${url()}/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ada.token}` },
        body: form,
      });
      expect(two.status).toBe(400);
      expect(((await two.json()) as { error: { code: string } }).error.code).toBe('validation_failed');

      const json = await call(`${url()}/v1/uploads`, { token: ada.token, body: { file: 'x' } });
      expect([json.status, json.body.error.code]).toEqual([415, 'unsupported_media_type']);
      const anonymous = await fetch(`${url()}/v1/uploads`, { method: 'POST', body: new FormData() });
      expect(anonymous.status).toBe(401);
      expect(await stack().objectCount()).toBe(before);
    });
  });

  describe('who may read a file', () => {
    it('its owner, by bearer: metadata and bytes', async () => {
      const ada = await signUp(url(), 'ada');
      const bytes = pngBytes(4, 4);
      const { body: file } = await upload(url(), ada.token, bytes, 'p.png');
      const meta = await call(`${url()}/v1/files/${file.id}`, { token: ada.token });
      expect(meta.status).toBe(200);
      expect(meta.body).toEqual(file);
      const content = await download(url(), `/v1/files/${file.id}/content`, {
        authorization: `Bearer ${ada.token}`,
      });
      expect(content.status).toBe(200);
      expect(content.bytes.equals(bytes)).toBe(true);
      expect(content.headers.get('cache-control')).toBe('private, no-cache');
    });

    it('an outsider gets the 404 of an id that does not exist', async () => {
      const ada = await signUp(url(), 'ada');
      const eve = await signUp(url(), 'eve');
      const { body: file } = await upload(url(), ada.token, Buffer.from('secret'), 's.txt');
      const missing = '0190c0de-0000-7000-8000-000000000000';
      for (const path of ['', '/content']) {
        const theirs = await call(`${url()}/v1/files/${file.id}${path}`, { token: eve.token });
        const nobody = await call(`${url()}/v1/files/${missing}${path}`, { token: eve.token });
        expect(theirs.status).toBe(404);
        expect(nobody.status).toBe(404);
        expect({ ...theirs.body.error, requestId: '' }).toEqual({ ...nobody.body.error, requestId: '' });
      }
    });

    it('once attached, the other participant reads it; an outsider and a removed participant do not', async () => {
      const ada = await signUp(url(), 'ada');
      const bob = await signUp(url(), 'bob');
      const eve = await signUp(url(), 'eve');
      const conversation = await call(`${url()}/v1/conversations`, {
        token: ada.token,
        body: { type: 'group', title: 'files', participantIds: [bob.id] },
      });
      expect(conversation.status).toBe(201);
      const bytes = pngBytes(2, 2);
      const { body: file } = await upload(url(), ada.token, bytes, 'p.png');
      const sent = await call(`${url()}/v1/conversations/${conversation.body.id}/messages`, {
        token: ada.token,
        body: { content: '', attachments: [{ fileId: file.id }] },
      });
      expect(sent.status).toBe(201);
      const asBob = await download(url(), `/v1/files/${file.id}/content`, {
        authorization: `Bearer ${bob.token}`,
      });
      expect(sha256(asBob.bytes)).toBe(file.sha256);
      expect((await call(`${url()}/v1/files/${file.id}`, { token: bob.token })).body.messageId).toBe(
        sent.body.message.id,
      );
      expect((await call(`${url()}/v1/files/${file.id}`, { token: eve.token })).status).toBe(404);

      const removed = await call(`${url()}/v1/conversations/${conversation.body.id}/participants/${bob.id}`, {
        method: 'DELETE',
        token: ada.token,
      });
      expect(removed.status).toBeLessThan(300);
      expect((await call(`${url()}/v1/files/${file.id}/content`, { token: bob.token })).status).toBe(404);
    });
  });

  describe('signed URLs', () => {
    it('work without a token; tampered, expired or for another file they answer 404', async () => {
      const ada = await signUp(url(), 'ada');
      const bytes = pngBytes(5, 5);
      const { body: file } = await upload(url(), ada.token, bytes, 'p.png');
      const { body: other } = await upload(url(), ada.token, Buffer.from('other'), 'o.txt');
      const signed = fileUrls.url(file.id);
      const ok = await download(url(), signed);
      expect(ok.status).toBe(200);
      expect(ok.bytes.equals(bytes)).toBe(true);
      const expires = Number(new URL(signed, url()).searchParams.get('expires'));
      const maxAge = Number(/max-age=(\d+)/.exec(ok.headers.get('cache-control') ?? '')?.[1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(maxAge).toBeLessThanOrEqual(expires - Date.now() / 1000);

      const query = new URL(signed, url()).searchParams;
      const signature = query.get('signature')!;
      const tampered = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      const refusals = [
        `/v1/files/${file.id}/content?expires=${expires}&signature=${tampered}`,
        `/v1/files/${file.id}/content?expires=${expires + 1}&signature=${signature}`,
        `/v1/files/${other.id}/content?expires=${expires}&signature=${signature}`,
        `/v1/files/${file.id}/content?expires=${Math.floor(Date.now() / 1000) - 10}&signature=${signature}`,
      ];
      for (const path of refusals) {
        const refused = await call(`${url()}${path}`);
        expect([path, refused.status, refused.body.error.code]).toEqual([path, 404, 'not_found']);
      }
      const bare = await call(`${url()}/v1/files/${file.id}/content`);
      expect(bare.status).toBe(404);
    });
  });

  describe('download headers and ranges', () => {
    it('an image inline, anything else as an attachment, never sniffed, sandboxed', async () => {
      const ada = await signUp(url(), 'ada');
      const auth = { authorization: `Bearer ${ada.token}` };
      const { body: image } = await upload(url(), ada.token, pngBytes(1, 1), 'Photo (1).png');
      const img = await download(url(), `/v1/files/${image.id}/content`, auth);
      expect(img.headers.get('content-type')).toBe('image/png');
      expect(img.headers.get('content-disposition')).toBe(
        `inline; filename="Photo (1).png"; filename*=UTF-8''Photo%20%281%29.png`,
      );
      expect(img.headers.get('x-content-type-options')).toBe('nosniff');
      expect(img.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(img.headers.get('accept-ranges')).toBe('bytes');
      expect(img.headers.get('content-length')).toBe(String(image.size));
      const head = await fetch(`${url()}/v1/files/${image.id}/content`, { method: 'HEAD', headers: auth });
      expect([head.status, head.headers.get('content-length')]).toEqual([200, String(image.size)]);

      const { body: text } = await upload(url(), ada.token, Buffer.from('# Über\n'), 'Über notes.md');
      const md = await download(url(), `/v1/files/${text.id}/content`, auth);
      expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(md.headers.get('content-disposition')).toBe(
        `attachment; filename="_ber notes.md"; filename*=UTF-8''%C3%9Cber%20notes.md`,
      );
    });

    it('a single Range answers 206 with Content-Range; one past the end answers 416', async () => {
      const ada = await signUp(url(), 'ada');
      const auth = { authorization: `Bearer ${ada.token}` };
      const bytes = Buffer.from('0123456789abcdef');
      const { body: file } = await upload(url(), ada.token, bytes, 'digits.txt');
      const path = `/v1/files/${file.id}/content`;
      const middle = await download(url(), path, { ...auth, range: 'bytes=2-5' });
      expect(middle.status).toBe(206);
      expect(middle.bytes.toString()).toBe('2345');
      expect(middle.headers.get('content-range')).toBe('bytes 2-5/16');
      expect(middle.headers.get('content-length')).toBe('4');
      const tail = await download(url(), path, { ...auth, range: 'bytes=-3' });
      expect([tail.status, tail.bytes.toString()]).toEqual([206, 'def']);
      const open = await download(url(), path, { ...auth, range: 'bytes=10-' });
      expect([open.status, open.bytes.toString()]).toEqual([206, 'abcdef']);
      const beyond = await call(`${url()}${path}`, { token: ada.token, headers: { range: 'bytes=16-20' } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe('bytes */16');
      expect(beyond.body.error.code).toBe('bad_request');
      const several = await download(url(), path, { ...auth, range: 'bytes=0-1,4-5' });
      expect([several.status, several.bytes.toString()]).toEqual([200, bytes.toString()]);
    });
  });

  describe('direct uploads', () => {
    it('options say whether they are offered', async () => {
      const ada = await signUp(url(), 'ada');
      const options = await call(`${url()}/v1/uploads/options`, { token: ada.token });
      expect(options.body).toEqual({
        maxBytes,
        mediaTypes: expect.arrayContaining(['image/png', 'application/pdf', 'text/markdown']),
        maxAttachments: 10,
        direct: stack().storage === 's3',
      });
    });

    it('/health says where files live', async () => {
      expect((await call(`${url()}/health`)).body.files).toBe(stack().storage);
    });

    it('without S3 they are not supported (501); with it: presigned PUT, complete, download', async () => {
      const ada = await signUp(url(), 'ada');
      const bytes = pngBytes(7, 3);
      const started = await call(`${url()}/v1/uploads/direct`, {
        token: ada.token,
        body: { name: 'direct.png', mediaType: 'image/png', size: bytes.length },
      });
      if (stack().storage === 'disk') {
        expect([started.status, started.body.error.code]).toEqual([501, 'not_supported']);
        return;
      }
      expect(started.status).toBe(201);
      expect(started.body.method).toBe('PUT');
      const put = await fetch(started.body.uploadUrl, {
        method: 'PUT',
        headers: started.body.headers,
        body: bytes,
      });
      expect(put.status).toBe(200);
      const done = await call(`${url()}/v1/uploads/${started.body.id}/complete`, {
        token: ada.token,
        method: 'POST',
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        id: started.body.id,
        mediaType: 'image/png',
        width: 7,
        height: 3,
        sha256: sha256(bytes),
      });
      const again = await call(`${url()}/v1/uploads/${started.body.id}/complete`, {
        token: ada.token,
        method: 'POST',
      });
      expect(again.body).toEqual(done.body);
      const content = await download(url(), `/v1/files/${started.body.id}/content`, {
        authorization: `Bearer ${ada.token}`,
      });
      expect(content.bytes.equals(bytes)).toBe(true);
    });

    it('a PUT after complete (or a second complete racing the first) changes nothing that is served', async () => {
      if (stack().storage === 'disk') return;
      const ada = await signUp(url(), 'ada');
      const bytes = pngBytes(5, 4);
      const started = await call(`${url()}/v1/uploads/direct`, {
        token: ada.token,
        body: { name: 'seen.png', mediaType: 'image/png', size: bytes.length },
      });
      expect(started.body.uploadUrl).toContain('/staging/');
      const put = (body: Uint8Array) =>
        fetch(started.body.uploadUrl, { method: 'PUT', headers: started.body.headers, body });
      expect((await put(bytes)).status).toBe(200);
      const complete = () =>
        call(`${url()}/v1/uploads/${started.body.id}/complete`, { token: ada.token, method: 'POST' });
      const raced = await Promise.all([complete(), complete()]);
      const done = raced.find((answer) => answer.status === 200);
      expect(done?.body).toMatchObject({ mediaType: 'image/png', sha256: sha256(bytes) });
      for (const answer of raced) expect([200, 409]).toContain(answer.status);
      // The presigned URL is still valid: the same number of bytes of an executable, PUT again.
      const exe = Buffer.alloc(bytes.length);
      exeBytes().copy(exe);
      expect((await put(exe)).status).toBe(200);
      expect((await complete()).body).toEqual(done?.body);
      const content = await download(url(), `/v1/files/${started.body.id}/content`, {
        authorization: `Bearer ${ada.token}`,
      });
      expect(content.headers.get('content-type')).toMatch(/^image\/png/);
      expect(sha256(content.bytes)).toBe(sha256(bytes));
    });

    it('refused before signing: too big, a type outside the list, past the quota', async () => {
      if (stack().storage === 'disk') return;
      const ada = await signUp(url(), 'ada');
      const direct = (body: object) => call(`${url()}/v1/uploads/direct`, { token: ada.token, body });
      expect((await direct({ name: 'a.png', mediaType: 'image/png', size: maxBytes + 1 })).status).toBe(413);
      expect((await direct({ name: 'a.html', mediaType: 'text/html', size: 10 })).status).toBe(415);
      for (let i = 0; i < 4; i++)
        expect((await direct({ name: 'a.png', mediaType: 'image/png', size: maxBytes })).status).toBe(201);
      expect((await direct({ name: 'a.png', mediaType: 'image/png', size: 1 })).body.error.code).toBe(
        'quota_exceeded',
      );
    });

    it('a completed object bigger than announced, or of a refused type, is removed with its record', async () => {
      if (stack().storage === 'disk') return;
      const ada = await signUp(url(), 'ada');
      const before = await stack().objectCount();
      // s3rver does not enforce the signed Content-Length: the PUT sends more than announced.
      const big = await call(`${url()}/v1/uploads/direct`, {
        token: ada.token,
        body: { name: 'a.txt', mediaType: 'text/plain', size: 4 },
      });
      const { 'content-length': _length, ...headers } = big.body.headers as Record<string, string>;
      expect(
        (await fetch(big.body.uploadUrl, { method: 'PUT', headers, body: 'more than four' })).status,
      ).toBe(200);
      const tooBig = await call(`${url()}/v1/uploads/${big.body.id}/complete`, {
        token: ada.token,
        method: 'POST',
      });
      expect([tooBig.status, tooBig.body.error.code]).toEqual([413, 'payload_too_large']);

      const exe = exeBytes();
      const lying = await call(`${url()}/v1/uploads/direct`, {
        token: ada.token,
        body: { name: 'cat.png', mediaType: 'image/png', size: exe.length },
      });
      await fetch(lying.body.uploadUrl, { method: 'PUT', headers: lying.body.headers, body: exe });
      const wrongType = await call(`${url()}/v1/uploads/${lying.body.id}/complete`, {
        token: ada.token,
        method: 'POST',
      });
      expect([wrongType.status, wrongType.body.error.code]).toEqual([415, 'unsupported_media_type']);

      expect(await stack().objectCount()).toBe(before);
      for (const id of [big.body.id, lying.body.id]) {
        const gone = await call(`${url()}/v1/uploads/${id}/complete`, { token: ada.token, method: 'POST' });
        expect(gone.status).toBe(404);
      }
    });

    it('a complete before the PUT is a conflict, and someone else cannot complete it', async () => {
      if (stack().storage === 'disk') return;
      const ada = await signUp(url(), 'ada');
      const eve = await signUp(url(), 'eve');
      const started = await call(`${url()}/v1/uploads/direct`, {
        token: ada.token,
        body: { name: 'a.txt', mediaType: 'text/plain', size: 3 },
      });
      const early = await call(`${url()}/v1/uploads/${started.body.id}/complete`, {
        token: ada.token,
        method: 'POST',
      });
      expect(early.status).toBe(409);
      const theirs = await call(`${url()}/v1/uploads/${started.body.id}/complete`, {
        token: eve.token,
        method: 'POST',
      });
      expect(theirs.status).toBe(404);
      // Pending, it cannot be read either.
      expect((await call(`${url()}/v1/files/${started.body.id}`, { token: ada.token })).status).toBe(404);
    });
  });
});

describe('downloads against the storage itself', () => {
  /** A disk storage whose reads are counted, and made to fail on demand. */
  async function watchedServer() {
    const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-files-'));
    const disk = await createDiskStorage({ dir: join(dataDir, 'files') });
    const watch = { reads: 0, failing: false };
    const fileStorage: FileStorage = {
      ...disk,
      read: async (key, range) => {
        watch.reads += 1;
        if (watch.failing) throw new Error('EIO: the disk is gone');
        return disk.read(key, range);
      },
      write: async (key, body, options) => {
        if (watch.failing) throw new Error('ENOSPC: the disk is full');
        return disk.write(key, body, options);
      },
    };
    const server = await startTestServer({ dataDir, fileStorage });
    return { server, watch };
  }

  it('HEAD answers from the record, without reading the object', async () => {
    const { server, watch } = await watchedServer();
    try {
      const ada = await signUp(server.url, 'ada');
      const bytes = pngBytes(9, 9);
      const { body } = await upload(server.url, ada.token, bytes, 'head.png');
      const reads = watch.reads;
      const head = await fetch(`${server.url}/v1/files/${body.id}/content`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${ada.token}` },
      });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(bytes.length));
      expect(head.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
      expect(watch.reads).toBe(reads);
    } finally {
      await server.close();
    }
  });

  it('a storage that fails to read or write answers 503 with Retry-After, not 500', async () => {
    const { server, watch } = await watchedServer();
    try {
      const ada = await signUp(server.url, 'ada');
      const { body } = await upload(server.url, ada.token, pngBytes(2, 2), 'gone.png');
      watch.failing = true;
      const failed = await download(server.url, `/v1/files/${body.id}/content`, {
        authorization: `Bearer ${ada.token}`,
      });
      expect(failed.status).toBe(503);
      expect(Number(failed.headers.get('retry-after'))).toBeGreaterThan(0);
      const refused = await upload(server.url, ada.token, pngBytes(2, 2), 'full.png');
      expect([refused.status, refused.body.error.code]).toEqual([503, 'unavailable']);
    } finally {
      await server.close();
    }
  });
});

describe('the uploads rate limit', () => {
  it('refuses the uploads past RATE_LIMIT_UPLOADS_PER_MINUTE with 429 and Retry-After', async () => {
    const server = await startTestServer({ rateLimits: { uploadsPerMinute: 2 } });
    try {
      const ada = await signUp(server.url, 'ada');
      for (let i = 0; i < 2; i++)
        expect((await upload(server.url, ada.token, Buffer.from('x'), 'x.txt')).status).toBe(201);
      const limited = await upload(server.url, ada.token, Buffer.from('x'), 'x.txt');
      expect([limited.status, limited.body.error.code]).toEqual([429, 'rate_limited']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // A bucket per user; reads are not counted.
      const bob = await signUp(server.url, 'bob');
      expect((await upload(server.url, bob.token, Buffer.from('x'), 'x.txt')).status).toBe(201);
      expect((await call(`${server.url}/v1/uploads/options`, { token: ada.token })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('two processes on one store and one bucket', () => {
  it('serve each other’s files: metadata, bytes by bearer and by signed URL', async () => {
    const s3 = await startS3Server();
    const shared = await sharedLowdbStore();
    const storages = [0, 1].map(() => createS3Storage({ ...s3, forcePathStyle: true }));
    const [a, b] = await Promise.all(
      storages.map((fileStorage) => startTestServer({ store: shared.store, fileStorage })),
    );
    try {
      const ada = await signUp(a!.url, 'ada');
      const bytes = pngBytes(6, 6);
      const { body: file } = await upload(a!.url, ada.token, bytes, 'p.png');
      expect((await call(`${b!.url}/v1/files/${file.id}`, { token: ada.token })).body).toEqual(file);
      const byBearer = await download(b!.url, `/v1/files/${file.id}/content`, {
        authorization: `Bearer ${ada.token}`,
      });
      expect(sha256(byBearer.bytes)).toBe(file.sha256);
      // Signed by one, accepted by the other: the key derives from the shared JWT secret.
      const bySignature = await download(b!.url, fileUrls.url(file.id));
      expect(bySignature.bytes.equals(bytes)).toBe(true);
    } finally {
      await Promise.all([a?.close(), b?.close()]);
      await Promise.all(storages.map((storage) => storage.close()));
      await shared.cleanup();
      await s3.close();
    }
  });
});
