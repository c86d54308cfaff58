/**
 * The store's uploads over a fake client whose uploads the test finishes: chips with progress,
 * a send that waits for its files and attaches them, a failed upload failing the send until its
 * retry, cancel and remove stopping the upload.
 */
import { describe, expect, it, vi } from 'vitest';
import { PayloadTooLargeError } from '../client/errors.js';
import { fixtureConversation, fixtureMessage } from '../client/fake-fetch.test-support.js';
import type { UploadedFile } from '../contracts/files.js';
import type { Message } from '../contracts/resources.js';
import type { ChatwireClient } from '../create-client.js';
import type { UploadFileOptions, UploadSource } from '../resources/file-inputs.js';
import { createChatStore } from './create-chat-store.js';

const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const me = {
  id: id(1),
  email: 'ada@example.com',
  displayName: 'Ada',
  avatarUrl: null,
  statusText: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const conversation = fixtureConversation({ id: id(10), type: 'direct', model: null });
const page = <T>(items: T[]) => ({ items, nextCursor: null, hasNextPage: () => false });

/** An upload the test settles: `progress`, then `finish` or `fail`. */
interface Started {
  name: string;
  options: UploadFileOptions;
  progress(loaded: number): void;
  finish(n: number): void;
  fail(error: Error): void;
}

function fakeClient() {
  const started: Started[] = [];
  const sent: Array<{ content?: string; attachments?: { fileId: string }[] }> = [];
  const upload = (source: UploadSource, options: UploadFileOptions = {}) =>
    new Promise<UploadedFile>((resolve, reject) => {
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason));
      started.push({
        name: options.name ?? '',
        options,
        progress: (loaded) => options.onProgress?.({ loaded, total: (source as Blob).size }),
        finish: (n) =>
          resolve({
            id: id(100 + n),
            name: options.name ?? '',
            mediaType: 'image/png',
            size: (source as Blob).size,
            sha256: '00',
            width: 4,
            height: 3,
            createdAt: '2026-01-01T00:00:00.000Z',
            expiresAt: null,
            messageId: null,
          }),
        fail: reject,
      });
    });
  const send = vi.fn(async (_id: string, body: (typeof sent)[number] & { clientMessageId?: string }) => {
    sent.push(body);
    const files = (body.attachments ?? []).map((a) => ({
      type: 'file' as const,
      fileId: a.fileId,
      mediaType: 'image/png',
      size: 5,
      url: `/v1/files/${a.fileId}/content?expires=1&signature=s`,
    }));
    const message: Message = fixtureMessage({
      id: id(50 + sent.length),
      conversationId: conversation.id,
      senderId: me.id,
      content: body.content ?? '',
      clientMessageId: body.clientMessageId ?? null,
      parts: [...(body.content ? [{ type: 'text' as const, text: body.content }] : []), ...files],
    });
    return { message, reply: null };
  });
  const client = {
    auth: {
      getTokens: async () => ({ accessToken: 'a', refreshToken: 'r', tokenType: 'bearer', expiresIn: 60 }),
      me: async () => me,
      onChange: () => () => {},
    },
    conversations: { list: () => Promise.resolve(page([conversation])) },
    messages: { list: () => Promise.resolve(page([])), send },
    files: { upload },
  } as unknown as ChatwireClient;
  return { client, started, sent, send };
}

async function signedInStore() {
  const fake = fakeClient();
  const store = createChatStore(fake.client, { throttleMs: 0, realtime: false });
  store.start();
  await vi.waitFor(() => expect(store.getState().auth.status).toBe('signed-in'));
  await store.loadConversations();
  await store.loadMessages(conversation.id);
  return { store, ...fake };
}

const png = (name: string) => new File([new Uint8Array(5)], name, { type: 'image/png' });

describe('the chat store’s uploads', () => {
  it('uploads a file as soon as it is added, shows its progress, and the send attaches it', async () => {
    const { store, started, sent } = await signedInStore();
    const chips = () => store.getState().uploads[conversation.id] ?? [];
    const [key] = store.addUploads(conversation.id, [png('cat.png')]);
    expect(chips()).toMatchObject([
      { key, name: 'cat.png', mediaType: 'image/png', size: 5, loaded: 0, status: 'uploading' },
    ]);
    started[0]?.progress(2);
    expect(chips()[0]?.loaded).toBe(2);
    started[0]?.finish(1);
    await vi.waitFor(() => expect(chips()[0]?.status).toBe('uploaded'));
    expect(chips()[0]).toMatchObject({ loaded: 5, file: { id: id(101), width: 4, height: 3 } });

    await store.send(conversation.id, 'Look');
    expect(sent).toMatchObject([{ content: 'Look', attachments: [{ fileId: id(101) }] }]);
    expect(chips()).toEqual([]);
    const [message] = store.getState().messages[conversation.id]?.items ?? [];
    expect(message).toMatchObject({
      delivery: 'sent',
      parts: [{ type: 'text' }, { type: 'file', fileId: id(101) }],
    });
    expect(message?.uploads).toBeUndefined();
  });

  it('a send waits for its uploads: the message shows the files at once, with their progress', async () => {
    const { store, started, send } = await signedInStore();
    const sending = store.send(conversation.id, '', { files: [png('a.png'), png('b.png')] });
    const shown = () => store.getState().messages[conversation.id]?.items[0];
    expect(shown()).toMatchObject({
      delivery: 'sending',
      content: '',
      parts: [
        { type: 'file', filename: 'a.png', mediaType: 'image/png', size: 5, url: '' },
        { type: 'file', filename: 'b.png', mediaType: 'image/png', size: 5, url: '' },
      ],
      uploads: [
        { name: 'a.png', status: 'uploading' },
        { name: 'b.png', status: 'uploading' },
      ],
    });
    started[1]?.progress(3);
    expect(shown()?.uploads?.[1]?.loaded).toBe(3);
    started[0]?.finish(1);
    await vi.waitFor(() => expect(shown()?.uploads?.[0]?.status).toBe('uploaded'));
    expect(send).not.toHaveBeenCalled();
    started[1]?.finish(2);
    await sending;
    expect(send).toHaveBeenCalledWith(
      conversation.id,
      expect.objectContaining({ content: '', attachments: [{ fileId: id(101) }, { fileId: id(102) }] }),
    );
    expect(shown()).toMatchObject({ delivery: 'sent', parts: [{ fileId: id(101) }, { fileId: id(102) }] });
  });

  it('a refused upload shows the server’s message, fails the send, and the retry uploads it again', async () => {
    const { store, started, send } = await signedInStore();
    store.addUploads(conversation.id, [png('huge.png')]);
    const refusal = new PayloadTooLargeError({
      status: 413,
      code: 'payload_too_large',
      message: 'A file may be at most 20 MiB',
      headers: new Headers(),
    });
    started[0]?.fail(refusal);
    await vi.waitFor(() => expect(store.getState().uploads[conversation.id]?.[0]?.status).toBe('failed'));
    expect(store.getState().uploads[conversation.id]?.[0]?.error?.message).toBe(
      'A file may be at most 20 MiB',
    );

    await store.send(conversation.id, 'Here');
    const message = store.getState().messages[conversation.id]?.items[0];
    expect(message).toMatchObject({ delivery: 'failed', error: refusal, uploads: [{ status: 'failed' }] });
    expect(send).not.toHaveBeenCalled();

    const retried = store.retry(conversation.id, message?.key ?? '');
    expect(started).toHaveLength(2);
    expect(store.getState().messages[conversation.id]?.items[0]?.uploads?.[0]?.status).toBe('uploading');
    started[1]?.finish(1);
    await retried;
    expect(store.getState().messages[conversation.id]?.items[0]).toMatchObject({
      delivery: 'sent',
      key: message?.key,
    });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('cancel stops an upload (retry starts it again); remove stops it and takes it off', async () => {
    const { store, started } = await signedInStore();
    const [first, second] = store.addUploads(conversation.id, [png('a.png'), png('b.png')]);
    const chip = (key?: string) => store.getState().uploads[conversation.id]?.find((u) => u.key === key);
    store.cancelUpload(conversation.id, first as string);
    expect(started[0]?.options.signal?.aborted).toBe(true);
    await vi.waitFor(() => expect(chip(first)?.status).toBe('failed'));
    expect(chip(first)?.error?.message).toBe('Upload cancelled');
    store.retryUpload(conversation.id, first as string);
    expect(chip(first)?.status).toBe('uploading');
    expect(started).toHaveLength(3);

    store.removeUpload(conversation.id, second as string);
    expect(started[1]?.options.signal?.aborted).toBe(true);
    expect(store.getState().uploads[conversation.id]?.map((u) => u.key)).toEqual([first]);
  });

  it('sends leave in the order made: a message waiting for its file is not overtaken by the next', async () => {
    const { store, started, sent } = await signedInStore();
    const first = store.send(conversation.id, 'A', { files: [png('a.png')] });
    const second = store.send(conversation.id, 'B');
    await vi.waitFor(() => expect(store.getState().messages[conversation.id]?.items).toHaveLength(2));
    expect(sent).toEqual([]);
    started[0]?.finish(1);
    await Promise.all([first, second]);
    expect(sent.map((body) => body.content)).toEqual(['A', 'B']);
  });

  it('a failed upload of a stream is not retried: it says to add the file again', async () => {
    const { store, started } = await signedInStore();
    const stream = new ReadableStream<Uint8Array>();
    const [key] = store.addUploads(conversation.id, [{ source: stream, name: 'log.txt', size: 7 }]);
    const chip = () => store.getState().uploads[conversation.id]?.[0];
    expect(chip()).toMatchObject({ size: 7, retryable: false });
    expect(started[0]?.options.size).toBe(7);
    started[0]?.fail(new Error('the connection failed'));
    await vi.waitFor(() => expect(chip()?.status).toBe('failed'));
    store.retryUpload(conversation.id, key as string);
    expect(started).toHaveLength(1);
    expect(chip()?.error?.message).toBe(
      'log.txt was read from a stream, which cannot be sent again: add it again',
    );
  });

  it('removeUpload takes the chip off its own conversation whatever id it is given', async () => {
    const { store, sent } = await signedInStore();
    const [key] = store.addUploads(conversation.id, [png('a.png')]);
    store.removeUpload('some-other-conversation', key as string);
    expect(store.getState().uploads[conversation.id]).toEqual([]);
    await store.send(conversation.id, 'Text only');
    expect(sent).toMatchObject([{ content: 'Text only' }]);
    expect(sent[0]?.attachments).toBeUndefined();
  });
});
