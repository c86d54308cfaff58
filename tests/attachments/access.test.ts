/**
 * Reading attached files: the other participant hears of the message with its file parts and
 * reads the same bytes through the signed URL (no `Authorization`, as an `<img src>`) and with a
 * bearer token; an outsider, and someone removed from the conversation, get the 404 of an id that
 * does not exist. What is stored is the unsigned path; what goes out is a fresh signed URL.
 */
import { randomUUID } from 'node:crypto';
import { call, directConversation, signUp, type TestUser } from '@chatwire/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { describeOnEachStack } from './stacks.js';
import { download, groupOf, png, sendRest, socketOf, upload } from './support.js';

const isSigned = (url: string) => /\?expires=\d+&signature=[A-Za-z0-9_-]+$/.test(url);

describeOnEachStack('reading attachments', (stack) => {
  let ada: TestUser;
  let bob: TestUser;
  let carl: TestUser;
  let chat: string;

  beforeAll(async () => {
    const { server } = stack();
    [ada, bob, carl] = await Promise.all([
      signUp(server.url, 'ada'),
      signUp(server.url, 'bob'),
      signUp(server.url, 'carl'),
    ]);
    chat = await directConversation(server.url, ada, bob);
  });

  it('reaches the other participant live with its file parts, who reads the same bytes both ways', async () => {
    const { server } = stack();
    const bytes = png(4, 4);
    const file = await upload(server, ada, bytes, 'square.png');
    const bobSocket = await socketOf(server, bob);
    try {
      const sent = await sendRest(server, ada, chat, { attachments: [{ fileId: file.id }] });
      expect(sent.status).toBe(201);
      const { event } = await bobSocket.waitForEvent(
        (candidate) => candidate.type === 'message.created' && candidate.message.id === sent.body.message.id,
      );
      if (event.type !== 'message.created') throw new Error('not a message.created');
      const [part] = event.message.parts;
      expect(part).toMatchObject({
        type: 'file',
        fileId: file.id,
        mediaType: 'image/png',
        width: 4,
        height: 4,
      });
      if (part?.type !== 'file') throw new Error('not a file part');
      expect(isSigned(part.url)).toBe(true);

      const signed = await download(server, { url: part.url });
      expect(signed.status).toBe(200);
      expect(signed.bytes.equals(bytes)).toBe(true);
      const bearer = await download(server, { fileId: file.id, token: bob.token });
      expect(bearer.status).toBe(200);
      expect(bearer.bytes.equals(bytes)).toBe(true);
    } finally {
      await bobSocket.close();
    }
  });

  it('answers an outsider as for an id that does not exist', async () => {
    const { server } = stack();
    const file = await upload(server, ada);
    await sendRest(server, ada, chat, { attachments: [{ fileId: file.id }] });
    const outsider = await call(`${server.url}/v1/files/${file.id}`, { token: carl.token });
    const missing = await call(`${server.url}/v1/files/${randomUUID()}`, { token: carl.token });
    expect([outsider.status, missing.status]).toEqual([404, 404]);
    expect(outsider.body.error.message).toBe(missing.body.error.message);
    expect((await download(server, { fileId: file.id, token: carl.token })).status).toBe(404);
    expect((await download(server, { fileId: file.id, token: bob.token })).status).toBe(200);
  });

  it('closes a file to someone removed from the group', async () => {
    const { server } = stack();
    const group = await groupOf(server, ada, [bob, carl]);
    const file = await upload(server, ada);
    await sendRest(server, ada, group, { attachments: [{ fileId: file.id }] });
    expect((await download(server, { fileId: file.id, token: carl.token })).status).toBe(200);
    const removed = await call(`${server.url}/v1/conversations/${group}/participants/${carl.id}`, {
      token: ada.token,
      method: 'DELETE',
    });
    expect(removed.status).toBe(204);
    expect((await download(server, { fileId: file.id, token: carl.token })).status).toBe(404);
    expect((await call(`${server.url}/v1/files/${file.id}`, { token: carl.token })).status).toBe(404);
  });

  it('stores the unsigned path and hands out valid signed URLs in history pages and the last message', async () => {
    const { server, store } = stack();
    const file = await upload(server, ada);
    const sent = await sendRest(server, ada, chat, {
      content: 'history',
      attachments: [{ fileId: file.id }],
    });
    const stored = await store.getMessage(chat, sent.body.message.id);
    expect(stored?.parts[1]).toMatchObject({ type: 'file', url: `/v1/files/${file.id}/content` });

    const page = await call(`${server.url}/v1/conversations/${chat}/messages?limit=5`, { token: bob.token });
    const inPage = page.body.items.find((item: { id: string }) => item.id === sent.body.message.id);
    const pageUrl: string = inPage.parts[1].url;
    expect(isSigned(pageUrl)).toBe(true);
    expect((await download(server, { url: pageUrl })).status).toBe(200);

    const conversation = await call(`${server.url}/v1/conversations/${chat}`, { token: bob.token });
    expect(conversation.body.lastMessage.id).toBe(sent.body.message.id);
    const lastUrl: string = conversation.body.lastMessage.parts[1].url;
    expect(isSigned(lastUrl)).toBe(true);
    expect((await download(server, { url: lastUrl })).status).toBe(200);
    const list = await call(`${server.url}/v1/conversations?limit=50`, { token: bob.token });
    const listed = list.body.items.find((item: { id: string }) => item.id === chat);
    expect(isSigned(listed.lastMessage.parts[1].url)).toBe(true);

    // A URL is good for its file only, and only as signed.
    const tampered = pageUrl.replace(
      /signature=./,
      (match) => `${match.slice(0, -1)}${match.endsWith('A') ? 'B' : 'A'}`,
    );
    expect((await download(server, { url: tampered })).status).toBe(404);
    const other = await upload(server, ada);
    const borrowed = pageUrl.replace(file.id, other.id);
    expect((await download(server, { url: borrowed })).status).toBe(404);
  });
});
