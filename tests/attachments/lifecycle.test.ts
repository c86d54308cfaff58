/**
 * Attached files over a message's life: an edit changes the text and keeps the files (and may take
 * all the text from a message with files, never from one without); deleting the message, or the
 * conversation, deletes its files — their records, and their bytes in the storage the server
 * writes to (the file under its data dir, the object in the bucket).
 */
import { call, directConversation, signUp, type TestUser } from '@chatwire/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { describeOnEachStack } from './stacks.js';
import { download, groupOf, sendRest, upload, uploads } from './support.js';

describeOnEachStack('attachments over a message’s life', (stack) => {
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    const { server } = stack();
    [ada, bob] = await Promise.all([signUp(server.url, 'ada'), signUp(server.url, 'bob')]);
  });

  const edit = (conversationId: string, messageId: string, content: string) =>
    call(`${stack().server.url}/v1/conversations/${conversationId}/messages/${messageId}`, {
      token: ada.token,
      method: 'PATCH',
      body: { content },
    });

  /** The storage keys of files, read from the store before they go. */
  async function keysOf(ids: string[]): Promise<string[]> {
    const files = await Promise.all(ids.map((id) => stack().store.getFile(id)));
    return files.map((file) => {
      if (!file) throw new Error('no such file');
      return file.storageKey;
    });
  }

  it('keeps the files through edits; only a message without files must keep some text', async () => {
    const { server } = stack();
    const chat = await directConversation(server.url, ada, bob);
    const file = await upload(server, ada);
    const sent = await sendRest(server, ada, chat, { content: 'before', attachments: [{ fileId: file.id }] });
    const id = sent.body.message.id;

    const edited = await edit(chat, id, 'after');
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      content: 'after',
      parts: [
        { type: 'text', text: 'after' },
        { type: 'file', fileId: file.id },
      ],
    });
    expect(edited.body.editedAt).toEqual(expect.any(String));

    const emptied = await edit(chat, id, '');
    expect(emptied.status).toBe(200);
    expect(emptied.body).toMatchObject({ content: '', parts: [{ type: 'file', fileId: file.id }] });
    expect(emptied.body.parts).toHaveLength(1);
    expect((await download(server, { url: emptied.body.parts[0].url })).status).toBe(200);

    const plain = await sendRest(server, ada, chat, { content: 'words only' });
    const refused = await edit(chat, plain.body.message.id, '   ');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: ['body', 'content'] }],
    });
  });

  it('deletes a message’s files with it: 404 for everyone, bytes gone from the storage', async () => {
    const { server, store } = stack();
    const chat = await groupOf(server, ada, [bob]);
    const [kept, first, second] = await uploads(server, ada, 3);
    await sendRest(server, ada, chat, { content: 'stays', attachments: [{ fileId: kept!.id }] });
    const sent = await sendRest(server, ada, chat, {
      content: 'goes',
      attachments: [{ fileId: first!.id }, { fileId: second!.id }],
    });
    const keys = await keysOf([first!.id, second!.id]);
    expect(await Promise.all(keys.map((key) => stack().holds(key)))).toEqual([true, true]);
    const signedUrl: string = sent.body.message.parts[1].url;

    const deleted = await call(`${server.url}/v1/conversations/${chat}/messages/${sent.body.message.id}`, {
      token: ada.token,
      method: 'DELETE',
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ status: 'deleted', parts: [] });
    for (const fileId of [first!.id, second!.id]) {
      expect((await download(server, { fileId, token: ada.token })).status).toBe(404);
      expect((await download(server, { fileId, token: bob.token })).status).toBe(404);
      expect(await store.getFile(fileId)).toBeNull();
    }
    expect((await download(server, { url: signedUrl })).status).toBe(404);
    expect(await Promise.all(keys.map((key) => stack().holds(key)))).toEqual([false, false]);
    // The other message's file is untouched.
    expect((await download(server, { fileId: kept!.id, token: bob.token })).status).toBe(200);
  });

  it('deletes every file of a conversation with it', async () => {
    const { server, store } = stack();
    const chat = await groupOf(server, ada, [bob]);
    const [a, b, c] = await uploads(server, ada, 3);
    const bobs = await upload(server, bob);
    await sendRest(server, ada, chat, {
      content: 'one',
      attachments: [{ fileId: a!.id }, { fileId: b!.id }],
    });
    await sendRest(server, ada, chat, { attachments: [{ fileId: c!.id }] });
    await sendRest(server, bob, chat, { attachments: [{ fileId: bobs.id }] });
    const ids = [a!.id, b!.id, c!.id, bobs.id];
    const keys = await keysOf(ids);
    expect(await Promise.all(keys.map((key) => stack().holds(key)))).toEqual([true, true, true, true]);
    const unrelated = await upload(server, ada);

    const deleted = await call(`${server.url}/v1/conversations/${chat}`, {
      token: ada.token,
      method: 'DELETE',
    });
    expect(deleted.status).toBe(204);
    for (const fileId of ids) {
      expect((await download(server, { fileId, token: ada.token })).status).toBe(404);
      expect(await store.getFile(fileId)).toBeNull();
    }
    expect(await Promise.all(keys.map((key) => stack().holds(key)))).toEqual([false, false, false, false]);
    // An upload no message uses is its owner's still.
    expect((await download(server, { fileId: unrelated.id, token: ada.token })).status).toBe(200);
  });

  it('deletes the files of a group when its last participant leaves', async () => {
    const { server, store } = stack();
    const chat = await groupOf(server, ada, [bob]);
    const file = await upload(server, ada);
    await sendRest(server, ada, chat, { attachments: [{ fileId: file.id }] });
    const [key] = await keysOf([file.id]);
    expect(await stack().holds(key!)).toBe(true);
    const leave = (user: TestUser) =>
      call(`${server.url}/v1/conversations/${chat}/participants/${user.id}`, {
        token: user.token,
        method: 'DELETE',
      });
    expect((await leave(bob)).status).toBe(204);
    expect((await leave(ada)).status).toBe(204);
    expect(await store.getFile(file.id)).toBeNull();
    expect(await stack().holds(key!)).toBe(false);
  });
});
