/**
 * Uploads that go wrong on the wire, at the default 20 MiB limit: too big (announced, or only
 * found out while streaming), a refused type whose body is still arriving, a multipart body cut
 * short, a client gone mid-upload. Each is a clear answer (when anyone is left to hear it) and
 * leaves nothing in the storage.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { signUp } from '../../testing/ws-client.js';
import { rawRequest } from '../raw-http.test-support.js';
import { describeOnEachStack, exeBytes, type UploadStack, upload } from './files.test-support.js';

const mebibyte = 1024 * 1024;
const boundary = 'chatwire-test-boundary';

function partHead(name: string, type: string): Buffer {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
}
const closing = Buffer.from(`\r\n--${boundary}--\r\n`);

function requestHead(baseUrl: string, token: string, headers: Record<string, string>): string {
  const { host } = new URL(baseUrl);
  const lines = Object.entries({
    host,
    authorization: `Bearer ${token}`,
    'content-type': `multipart/form-data; boundary=${boundary}`,
    ...headers,
  }).map(([name, value]) => `${name}: ${value}`);
  return `POST /v1/uploads HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A chunked upload (no Content-Length: the size is only found out while streaming). */
function chunked(body: Buffer): Buffer {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += 64 * 1024) {
    const piece = body.subarray(offset, offset + 64 * 1024);
    chunks.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  return Buffer.concat([...chunks, Buffer.from('0\r\n\r\n')]);
}

describeOnEachStack('uploads that fail on the wire', {}, (stack: () => UploadStack) => {
  const url = () => stack().server.url;

  it('21 MiB announced: 413 before a byte is read', async () => {
    const ada = await signUp(url(), 'ada');
    const before = await stack().objectCount();
    const refused = await upload(url(), ada.token, Buffer.alloc(21 * mebibyte, 'a'), 'big.txt');
    expect([refused.status, refused.body.error.code]).toEqual([413, 'payload_too_large']);
    expect(refused.body.error.message).toMatch(/20 MiB/);
    expect(await stack().objectCount()).toBe(before);
  });

  it('21 MiB streamed without a Content-Length: 413 once past the limit, nothing kept', async () => {
    const ada = await signUp(url(), 'ada');
    const before = await stack().objectCount();
    const body = Buffer.concat([
      partHead('big.txt', 'text/plain'),
      Buffer.alloc(21 * mebibyte, 'b'),
      closing,
    ]);
    const answer = await rawRequest(
      url(),
      Buffer.concat([
        Buffer.from(requestHead(url(), ada.token, { 'transfer-encoding': 'chunked', connection: 'close' })),
        chunked(body),
      ]),
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
    expect(await stack().objectCount()).toBe(before);
  });

  it('an executable renamed .png, 2 MiB of it still arriving: 415, the connection closed, nothing kept', async () => {
    const ada = await signUp(url(), 'ada');
    const before = await stack().objectCount();
    const exe = Buffer.concat([exeBytes(), Buffer.alloc(2 * mebibyte, 7)]);
    const refused = await upload(url(), ada.token, exe, 'cat.png', 'image/png');
    expect([refused.status, refused.body.error.code]).toEqual([415, 'unsupported_media_type']);
    expect(await stack().objectCount()).toBe(before);
    // The server is fine after it.
    expect((await upload(url(), ada.token, Buffer.from('ok'), 'ok.txt')).status).toBe(201);
  });

  it('a multipart body that ends before its closing boundary: 400, nothing kept', async () => {
    const ada = await signUp(url(), 'ada');
    const before = await stack().objectCount();
    const body = Buffer.concat([partHead('cut.txt', 'text/plain'), Buffer.alloc(100 * 1024, 'c')]);
    const answer = await rawRequest(
      url(),
      Buffer.concat([
        Buffer.from(
          requestHead(url(), ada.token, { 'content-length': String(body.length), connection: 'close' }),
        ),
        body,
      ]),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('bad_request');
    expect(await stack().objectCount()).toBe(before);
  });

  it('a client that disconnects mid-upload leaves nothing behind', async () => {
    const ada = await signUp(url(), 'ada');
    const before = await stack().objectCount();
    const size = 15 * mebibyte;
    const head = partHead('gone.txt', 'text/plain');
    const { hostname, port } = new URL(url());
    const socket: Socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.write(
      requestHead(url(), ada.token, { 'content-length': String(head.length + size + closing.length) }),
    );
    socket.write(head);
    socket.write(Buffer.alloc(10 * mebibyte, 'g'));
    // Under way in the storage (a temp file on disk, a multipart upload in the bucket) …
    await vi.waitFor(async () => expect(await stack().objectCount()).toBeGreaterThan(before), {
      timeout: 10_000,
    });
    socket.destroy();
    // … and gone once the server has seen the client go.
    await vi.waitFor(async () => expect(await stack().objectCount()).toBe(before), { timeout: 10_000 });
    expect((await upload(url(), ada.token, Buffer.from('ok'), 'ok.txt')).status).toBe(201);
  });
});

describe('the multipart parser', () => {
  it('is only reached through the upload route (a JSON route refuses multipart)', async () => {
    const { startTestServer } = await import('../../testing/start-server.js');
    const server = await startTestServer();
    try {
      const ada = await signUp(server.url, 'ada');
      const form = new FormData();
      form.append('title', 'x');
      const response = await fetch(`${server.url}/v1/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ada.token}` },
        body: form,
      });
      expect(response.status).toBe(415);
    } finally {
      await server.close();
    }
  });
});
