/**
 * The journey, on every stack: an upload, attached to a message; the other participant
 * downloads the very bytes (same SHA-256) through the signed URL and by bearer; an outsider gets
 * 404; deleting the message removes the bytes from the storage itself. On S3 a second process on
 * the same store and bucket serves the file the first one took in, and a direct upload (a
 * presigned PUT straight to the bucket) goes the same way.
 */
import { call, directConversation, signUp, type TestUser } from '@chatwire/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { describeOnEachStack } from './stacks.js';
import { download, png, sendRest, sha256, upload } from './support.js';

describeOnEachStack('the attachments journey', (stack, kind) => {
  let ada: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let chat: string;

  beforeAll(async () => {
    const { server } = stack();
    [ada, bob, eve] = await Promise.all([
      signUp(server.url, 'ada'),
      signUp(server.url, 'bob'),
      signUp(server.url, 'eve'),
    ]);
    chat = await directConversation(server.url, ada, bob);
  });

  /** The signed URL of the message's first file part, as `reader` sees it in the history. */
  async function fileUrlIn(messageId: string, reader: TestUser): Promise<string> {
    const page = await call(`${stack().server.url}/v1/conversations/${chat}/messages?limit=20`, {
      token: reader.token,
    });
    const message = page.body.items.find((item: { id: string }) => item.id === messageId);
    const part = message.parts.find((candidate: { type: string }) => candidate.type === 'file');
    return part.url as string;
  }

  it('upload → attach → the other participant gets the same bytes → an outsider 404 → delete removes them', async () => {
    const { server, store } = stack();
    const bytes = png(64, 48);
    const file = await upload(server, ada, bytes, 'photo.png');
    expect(file.sha256).toBe(sha256(bytes));
    const storageKey = (await store.getFile(file.id))?.storageKey ?? '';
    expect(await stack().holds(storageKey)).toBe(true);

    const sent = await sendRest(server, ada, chat, { content: 'look', attachments: [{ fileId: file.id }] });
    expect(sent.status).toBe(201);
    const messageId: string = sent.body.message.id;

    const signed = await download(server, { url: await fileUrlIn(messageId, bob) });
    expect([signed.status, sha256(signed.bytes)]).toEqual([200, file.sha256]);
    const bearer = await download(server, { fileId: file.id, token: bob.token });
    expect([bearer.status, sha256(bearer.bytes)]).toEqual([200, file.sha256]);

    expect((await call(`${server.url}/v1/files/${file.id}`, { token: eve.token })).status).toBe(404);
    expect((await download(server, { fileId: file.id, token: eve.token })).status).toBe(404);

    const deleted = await call(`${server.url}/v1/conversations/${chat}/messages/${messageId}`, {
      token: ada.token,
      method: 'DELETE',
    });
    expect(deleted.status).toBe(200);
    expect((await download(server, { fileId: file.id, token: bob.token })).status).toBe(404);
    expect(await store.getFile(file.id)).toBeNull();
    expect(await stack().holds(storageKey)).toBe(false);
  });

  // On disk each process has a files dir of its own; sharing files between processes is S3's job.
  if (kind.storage === 's3') {
    it('a second process on the same store and bucket serves the file the first one took in', async () => {
      const { server, startServer } = stack();
      const bytes = Buffer.from(`notes from ${kind.store}\n`);
      const file = await upload(server, ada, bytes, 'notes.txt');
      const sent = await sendRest(server, ada, chat, { attachments: [{ fileId: file.id }] });
      const other = await startServer();
      try {
        const signedUrl = await fileUrlIn(sent.body.message.id, bob);
        const signed = await download(other, { url: signedUrl });
        expect([signed.status, sha256(signed.bytes)]).toEqual([200, file.sha256]);
        const bearer = await download(other, { fileId: file.id, token: bob.token });
        expect([bearer.status, sha256(bearer.bytes)]).toEqual([200, file.sha256]);
        expect((await download(other, { fileId: file.id, token: eve.token })).status).toBe(404);
      } finally {
        await other.close();
      }
    });

    it('a direct upload (a presigned PUT to the bucket) is attached, read, and deleted like any other', async () => {
      const { server, store } = stack();
      const bytes = png(7, 3);
      const started = await call(`${server.url}/v1/uploads/direct`, {
        token: ada.token,
        body: { name: 'direct.png', mediaType: 'image/png', size: bytes.length },
      });
      expect(started.status).toBe(201);
      const put = await fetch(started.body.uploadUrl, {
        method: started.body.method,
        headers: started.body.headers,
        body: new Uint8Array(bytes),
      });
      expect(put.status).toBe(200);
      const done = await call(`${server.url}/v1/uploads/${started.body.id}/complete`, {
        token: ada.token,
        method: 'POST',
      });
      expect(done.body).toMatchObject({ mediaType: 'image/png', sha256: sha256(bytes) });
      const storageKey = (await store.getFile(done.body.id))?.storageKey ?? '';
      expect(await stack().holds(storageKey)).toBe(true);

      const sent = await sendRest(server, ada, chat, { attachments: [{ fileId: done.body.id }] });
      expect(sent.status).toBe(201);
      const read = await download(server, { url: await fileUrlIn(sent.body.message.id, bob) });
      expect([read.status, sha256(read.bytes)]).toEqual([200, sha256(bytes)]);

      const deleted = await call(`${server.url}/v1/conversations/${chat}/messages/${sent.body.message.id}`, {
        token: ada.token,
        method: 'DELETE',
      });
      expect(deleted.status).toBe(200);
      expect(await stack().holds(storageKey)).toBe(false);
    });
  }
});
