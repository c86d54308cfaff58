// @vitest-environment happy-dom
/**
 * useUploads with useChat against a real server, in happy-dom (a browser's `File`, `FormData` and
 * `XMLHttpRequest`): chips that upload at once and show their progress, a refused file with the
 * server's message, a send that attaches the files, and the other person's chat showing them live.
 */
import type { FilePart } from '@chatwire/sdk';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recording, renderFor, signUp, startServer, type TestServer } from './server.test-support.js';
import { useChat } from './use-chat.js';
import { useUploads } from './use-uploads.js';

afterEach(cleanup);

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const fileOf = (bytes: Uint8Array, name: string, type: string) =>
  new File([bytes as Uint8Array<ArrayBuffer>], name, { type });
/** A real 32×16 grey PNG. */
const png = Uint8Array.from(
  atob(
    'iVBORw0KGgoAAAANSUhEUgAAACAAAAAQCAAAAABSayKFAAAAEUlEQVR4nGNoIAAYRhWMJAUAEYgAEKUIibQAAAAASUVORK5CYII=',
  ),
  (c) => c.charCodeAt(0),
);
/** A Windows executable's first bytes (`MZ`, then `PE` where its header says): refused whatever its name. */
function exeBytes(): Uint8Array {
  const bytes = new Uint8Array(256);
  bytes.set([0x4d, 0x5a], 0);
  bytes[0x3c] = 0x80;
  bytes.set([0x50, 0x45, 0, 0, 0x4c, 0x01], 0x80);
  return bytes;
}

describe('useUploads', () => {
  it('uploads files as they are added, and the next send attaches them; the other person sees them live', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const chat = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    const seen = recording(() => ({ chat: useChat(chat.id), uploads: useUploads(chat.id) }));
    const { result } = renderFor(ada, seen.hook);
    await waitFor(() => expect(result.current.chat.isLoading).toBe(false));
    const bobView = renderFor(bob, () => useChat(chat.id));
    await waitFor(() => expect(bobView.result.current.isLoading).toBe(false));

    act(() => void result.current.uploads.add([fileOf(png, 'sunset.png', 'image/png')]));
    expect(result.current.uploads).toMatchObject({
      uploading: true,
      uploads: [{ name: 'sunset.png', size: png.length, status: 'uploading' }],
    });
    await waitFor(() => expect(result.current.uploads.uploads[0]?.status).toBe('uploaded'));
    expect(result.current.uploads).toMatchObject({
      uploading: false,
      failed: false,
      uploads: [{ loaded: png.length, mediaType: 'image/png', file: { width: 32, height: 16 } }],
    });

    await act(() => result.current.chat.send('The view tonight'));
    expect(result.current.uploads.uploads).toEqual([]);
    const [sent] = result.current.chat.messages;
    expect(sent).toMatchObject({ delivery: 'sent', content: 'The view tonight' });
    const part = sent?.parts.find((p): p is FilePart => p.type === 'file');
    expect(part).toMatchObject({ filename: 'sunset.png', mediaType: 'image/png', width: 32, height: 16 });
    // Shown at once, before the server stored it: the file as a part of the optimistic message.
    const optimistic = seen.renders.find((r) => r.chat.messages[0]?.delivery === 'sending')?.chat.messages[0];
    expect(optimistic?.parts).toMatchObject([
      { type: 'text', text: 'The view tonight' },
      { type: 'file', filename: 'sunset.png' },
    ]);

    await waitFor(() => expect(bobView.result.current.messages).toHaveLength(1));
    const received = bobView.result.current.messages[0]?.parts.find((p): p is FilePart => p.type === 'file');
    expect(received).toMatchObject({ fileId: part?.fileId, width: 32, height: 16 });
    // The URL an <img> loads: no token needed.
    const image = await fetch(bob.client.files.url(received as FilePart));
    expect(image.status).toBe(200);
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(new Uint8Array(png));
  });

  it('a refused file shows the server’s message; removed, the send goes without it', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const chat = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    const { result } = renderFor(ada, () => ({ chat: useChat(chat.id), uploads: useUploads(chat.id) }));
    await waitFor(() => expect(result.current.chat.isLoading).toBe(false));

    let keys: string[] = [];
    act(() => {
      keys = result.current.uploads.add([fileOf(exeBytes(), 'setup.png', 'image/png')]);
    });
    await waitFor(() => expect(result.current.uploads.failed).toBe(true));
    expect(result.current.uploads.uploads[0]?.error?.message).toMatch(/not accepted/);

    act(() => result.current.uploads.remove(keys[0] as string));
    expect(result.current.uploads.uploads).toEqual([]);
    await act(() => result.current.chat.send('Only text after all'));
    expect(result.current.chat.messages[0]).toMatchObject({ delivery: 'sent', parts: [{ type: 'text' }] });
  });
});
