/**
 * One upload request on the wire: the announced length, a source's own read error, a signed URL
 * kept out of messages, and the browser path (`XMLHttpRequest`, whatever `fetch` was given) with
 * its headers and a cancel while a stream is gathered.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from './errors.js';
import { fakeFetch } from './fake-fetch.test-support.js';
import { sendUpload, type UploadBody, type UploadRequest } from './upload-request.js';

const bytes = new TextEncoder().encode('hello, chatwire');
const blobBody = (blob: Blob): UploadBody => ({
  size: blob.size,
  replayable: true,
  stream: () => blob.stream(),
  blob: async () => blob,
});
const request = (body: UploadBody, fields: Partial<UploadRequest> = {}): UploadRequest => ({
  method: 'POST',
  url: 'https://api.test/v1/uploads',
  headers: { authorization: 'Bearer a' },
  body,
  form: { name: 'notes.txt', mediaType: 'text/plain' },
  onBytes: () => {},
  ...fields,
});

describe('sendUpload over fetch', () => {
  it('announces the whole multipart length when the size is known', async () => {
    const { fetch, requests } = fakeFetch([new Response(null, { status: 201 })]);
    await sendUpload(request(blobBody(new Blob([bytes]))), fetch);
    const sent = requests[0];
    expect(sent?.body).toContain('hello, chatwire');
    expect(sent?.headers.get('content-length')).toBe(String(new TextEncoder().encode(sent?.body).byteLength));
  });

  it('rethrows a source that cannot be read as its own error, not as "could not reach"', async () => {
    const unreadable = Object.assign(new Error('EISDIR: illegal operation on a directory'), {
      code: 'EISDIR',
    });
    const stream = new ReadableStream<Uint8Array>({
      pull: () => Promise.reject(unreadable),
    });
    const { fetch } = fakeFetch([new Response(null, { status: 201 })]);
    const body: UploadBody = {
      size: undefined,
      replayable: false,
      stream: () => stream,
      blob: () => new Response(stream).blob(),
    };
    await expect(sendUpload(request(body), fetch)).rejects.toBe(unreadable);
  });

  it('keeps a presigned URL’s signature out of the message of a failed connection', async () => {
    const fetch = (() => Promise.reject(new TypeError('fetch failed'))) as typeof globalThis.fetch;
    const url = 'https://bucket.test/key?X-Amz-Signature=secret&X-Amz-Credential=mine';
    const failed = sendUpload(
      request(blobBody(new Blob([bytes])), { method: 'PUT', url, form: undefined }),
      fetch,
    );
    await expect(failed).rejects.toBeInstanceOf(ConnectionError);
    await expect(failed).rejects.toThrow('Could not reach https://bucket.test/key (fetch failed)');
    await expect(failed).rejects.not.toThrow('secret');
  });
});

/** A browser's XMLHttpRequest, enough for sendUpload: records what it was given, answers 201. */
class FakeXhr {
  static sent: FakeXhr[] = [];
  headers: Record<string, string> = {};
  payload: unknown;
  status = 0;
  responseText = '';
  upload: { onprogress?: (event: { loaded: number; total: number }) => void } = {};
  onloadend?: () => void;
  open(method: string, url: string) {
    Object.assign(this, { method, url });
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getAllResponseHeaders() {
    return 'content-type: application/json\r\n';
  }
  abort() {}
  send(payload: unknown) {
    this.payload = payload;
    FakeXhr.sent.push(this);
    this.status = 201;
    this.responseText = '{}';
    queueMicrotask(() => this.onloadend?.());
  }
}

describe('sendUpload in a browser', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeXhr.sent = [];
  });

  it('sends with XMLHttpRequest even when a fetch was given, without the headers a browser refuses', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const { fetch, requests } = fakeFetch([]);
    const put = request(blobBody(new Blob([bytes])), {
      method: 'PUT',
      form: undefined,
      headers: { 'content-length': String(bytes.length), 'x-amz-meta-a': '1' },
    });
    const response = await sendUpload(put, fetch);
    expect(response.status).toBe(201);
    expect(requests).toHaveLength(0);
    expect(FakeXhr.sent[0]?.headers).toEqual({ 'x-amz-meta-a': '1' });
    expect(FakeXhr.sent[0]?.payload).toBeInstanceOf(Blob);
  });

  it('sends nothing when cancelled while a stream source is gathered', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const controller = new AbortController();
    const body: UploadBody = {
      size: undefined,
      replayable: false,
      stream: () => new Blob([bytes]).stream(),
      blob: async () => {
        controller.abort(new Error('Upload cancelled'));
        return new Blob([bytes]);
      },
    };
    await expect(sendUpload(request(body, { signal: controller.signal }), undefined)).rejects.toThrow(
      'Upload cancelled',
    );
    expect(FakeXhr.sent).toHaveLength(0);
  });
});
