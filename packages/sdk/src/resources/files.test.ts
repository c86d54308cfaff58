/**
 * `client.files` over a scripted `fetch`: the multipart body it streams, progress, the token
 * refreshed and a replayable upload sent again, direct uploads, errors and URLs. (Against a real
 * server: tests/sdk/files.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { AuthenticationError, UnsupportedMediaTypeError } from '../client/errors.js';
import { errorResponse, json, tokens } from '../client/fake-fetch.test-support.js';
import type { UploadedFile, UploadOptions } from '../contracts/files.js';
import { fakeClient } from '../create-client.test-support.js';
import type { UploadProgress } from './file-inputs.js';

const fileId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60';
const uploaded = (size: number): UploadedFile => ({
  id: fileId,
  name: 'notes.txt',
  mediaType: 'text/plain',
  size,
  sha256: 'ab'.repeat(32),
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-02T00:00:00.000Z',
  messageId: null,
});
const options = (direct: boolean): UploadOptions => ({
  maxBytes: 1024,
  mediaTypes: ['text/plain'],
  maxAttachments: 10,
  direct,
});
const bytes = new TextEncoder().encode('hello, chatwire');

describe('client.files.upload', () => {
  it('streams a multipart body with one `file` field, with the bearer token, and reports progress to the total', async () => {
    const { client, requests } = fakeClient([json(200, options(false)), json(201, uploaded(bytes.length))]);
    const progress: UploadProgress[] = [];
    const file = await client.files.upload(bytes, {
      name: 'notes "v2".txt',
      mediaType: 'Text/Plain; charset=utf-8',
      onProgress: (event) => progress.push(event),
    });
    expect(file.id).toBe(fileId);
    const [asked, upload] = requests;
    expect(asked?.path).toBe('/v1/uploads/options');
    expect(upload).toMatchObject({ method: 'POST', path: '/v1/uploads' });
    expect(upload?.headers.get('authorization')).toBe('Bearer access-a');
    const boundary = upload?.headers.get('content-type')?.match(/^multipart\/form-data; boundary=(.+)$/)?.[1];
    expect(boundary).toBeTruthy();
    expect(upload?.body).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes %22v2%22.txt"\r\n` +
        `Content-Type: text/plain\r\n\r\nhello, chatwire\r\n--${boundary}--\r\n`,
    );
    expect(progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length });
    expect(progress.every((event) => event.total === bytes.length)).toBe(true);
  });

  it('refreshes a refused token and sends a Blob again; a one-shot stream is not sent twice', async () => {
    const { client, requests } = fakeClient([
      json(200, options(false)),
      errorResponse(401, 'token_expired'),
      json(200, { tokens: tokens('b') }),
      json(201, uploaded(bytes.length)),
      errorResponse(401, 'token_expired'),
    ]);
    await client.files.upload(new Blob([bytes], { type: 'text/plain' }), { name: 'notes.txt' });
    expect(requests.map((r) => r.path)).toEqual([
      '/v1/uploads/options',
      '/v1/uploads',
      '/v1/auth/refresh',
      '/v1/uploads',
    ]);
    expect(requests[3]?.headers.get('authorization')).toBe('Bearer access-b');
    expect(requests[3]?.body).toContain('hello, chatwire');

    const once = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    await expect(client.files.upload(once, { name: 'notes.txt' })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(requests).toHaveLength(5);
  });

  it('reads an async iterable (a Node Readable) chunk by chunk; its size is the caller’s', async () => {
    const { client, requests } = fakeClient([json(201, uploaded(6))]);
    async function* chunks() {
      yield new TextEncoder().encode('abc');
      yield new TextEncoder().encode('def');
    }
    const progress: UploadProgress[] = [];
    await client.files.upload(chunks(), { name: 'a.txt', onProgress: (event) => progress.push(event) });
    // No size known: no options asked (a direct upload needs one), no total until the end.
    expect(requests.map((r) => r.path)).toEqual(['/v1/uploads']);
    expect(requests[0]?.body).toContain('\r\n\r\nabcdef\r\n');
    expect(progress).toEqual(
      [{ loaded: 3 }, { loaded: 6 }, { loaded: 6, total: 6 }].map((p) => ({ total: undefined, ...p })),
    );
  });

  it('goes straight to the bucket when the server offers direct uploads: start, PUT with its headers, complete', async () => {
    const { client, requests } = fakeClient([
      json(200, options(true)),
      json(201, {
        id: fileId,
        uploadUrl: 'https://bucket.test/uploads/abc?X-Amz-Signature=s',
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        expiresAt: '2026-01-01T00:15:00.000Z',
      }),
      new Response(null, { status: 200 }),
      json(200, uploaded(bytes.length)),
    ]);
    await client.files.upload(bytes, { name: 'notes.txt', mediaType: 'text/plain' });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET https://api.test/v1/uploads/options',
      'POST https://api.test/v1/uploads/direct',
      'PUT https://bucket.test/uploads/abc?X-Amz-Signature=s',
      `POST https://api.test/v1/uploads/${fileId}/complete`,
    ]);
    expect(JSON.parse(requests[1]?.body ?? '')).toEqual({
      name: 'notes.txt',
      mediaType: 'text/plain',
      size: bytes.length,
    });
    const put = requests[2];
    expect(put?.body).toBe('hello, chatwire');
    expect(put?.headers.get('content-type')).toBe('text/plain');
    expect(put?.headers.get('authorization')).toBeNull();
  });

  it('asks for the options once per client', async () => {
    const { client, requests } = fakeClient([
      json(200, options(false)),
      json(201, uploaded(3)),
      json(201, uploaded(3)),
      json(201, uploaded(3)),
    ]);
    await client.files.upload(bytes, { name: 'a.txt', mediaType: 'text/plain' });
    await client.files.upload(bytes, { name: 'b.txt', mediaType: 'text/plain' });
    // A file of unknown type goes through the server without asking (it sniffs the type).
    await client.files.upload(bytes, { name: 'c' });
    expect(await client.files.options()).toEqual(options(false));
    expect(requests.map((r) => r.path)).toEqual([
      '/v1/uploads/options',
      '/v1/uploads',
      '/v1/uploads',
      '/v1/uploads',
    ]);
  });

  it('throws the server’s refusal as its class, with its message', async () => {
    const { client } = fakeClient([
      json(200, options(false)),
      errorResponse(415, 'unsupported_media_type', 'application/x-msdownload files are not accepted'),
    ]);
    const refused = client.files.upload(bytes, { name: 'setup.png', mediaType: 'image/png' });
    await expect(refused).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    await expect(refused).rejects.toThrow('application/x-msdownload files are not accepted');
  });

  it('an aborted upload rejects with the signal’s reason', async () => {
    const { client } = fakeClient([json(200, options(false))]);
    const controller = new AbortController();
    controller.abort(new Error('changed my mind'));
    await expect(client.files.upload(bytes, { name: 'a.txt', signal: controller.signal })).rejects.toThrow(
      'changed my mind',
    );
  });

  it('puts a claimed media type that is not one (a line break, a header) in the form as application/octet-stream', async () => {
    const { client, requests } = fakeClient([json(201, uploaded(bytes.length))]);
    await client.files.upload(bytes, { name: 'a.txt', mediaType: 'text/plain\r\nX-Injected: 1' });
    expect(requests[0]?.body).toContain('Content-Type: application/octet-stream\r\n\r\n');
    expect(requests[0]?.body).not.toContain('X-Injected');
  });

  it('cancels a one-shot stream the upload failed before reading (a file stream is closed)', async () => {
    const { client } = fakeClient([
      json(200, options(true)),
      errorResponse(403, 'quota_exceeded', 'You have no room left'),
    ]);
    let cancelled: unknown;
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(bytes),
      cancel: (reason) => {
        cancelled = reason;
      },
    });
    const refused = client.files.upload(stream, { name: 'a.png', mediaType: 'image/png', size: 10 });
    await expect(refused).rejects.toThrow('You have no room left');
    expect(cancelled).toBeInstanceOf(Error);
  });

  it('needs a name unless the source is a File', async () => {
    const { client } = fakeClient([]);
    await expect(client.files.upload(bytes)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('client.files', () => {
  it('url() resolves a part’s signed path against the base URL', () => {
    const { client } = fakeClient([], { baseUrl: 'https://api.test/chat/' });
    const url = `/v1/files/${fileId}/content?expires=1&signature=abc`;
    expect(client.files.url({ url })).toBe(`https://api.test/chat${url}`);
    expect(client.files.url('https://cdn.test/x.png')).toBe('https://cdn.test/x.png');
  });

  it('download() sends the token to the content route and answers the bytes unread', async () => {
    const { client, requests } = fakeClient([new Response('hello', { status: 200 })]);
    const response = await client.files.download(fileId);
    expect(await response.text()).toBe('hello');
    expect(requests[0]?.path).toBe(`/v1/files/${fileId}/content`);
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer access-a');
  });
});
