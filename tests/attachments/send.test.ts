/**
 * Sending files: a message's text, then one `file` part per attachment in the order given, over
 * REST and over the WebSocket's `message.send` with the same outcomes — the same refusals with the
 * same codes and the same problem paths. Someone else's upload and an id that does not exist get
 * one and the same 404; a file already attached elsewhere is a 409; an expired upload is a 404.
 */
import { randomUUID } from 'node:crypto';
import { limits } from '@chatwire/sdk/contracts';
import { resolveModels } from '@chatwire/server';
import { call, directConversation, signUp, type TestSocket, type TestUser } from '@chatwire/server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachStack } from './stacks.js';
import {
  clientId,
  png,
  refusalOf,
  type SendBody,
  sendRest,
  sendWs,
  socketOf,
  type Upload,
  upload,
  uploads,
} from './support.js';

const signedPath = (fileId: string) =>
  new RegExp(`^/v1/files/${fileId}/content\\?expires=\\d+&signature=[A-Za-z0-9_-]+$`);

describeOnEachStack('sending attachments', (stack) => {
  let ada: TestUser;
  let bob: TestUser;
  let chat: string;
  let adaSocket: TestSocket;

  beforeAll(async () => {
    const { server } = stack();
    [ada, bob] = await Promise.all([signUp(server.url, 'ada'), signUp(server.url, 'bob')]);
    chat = await directConversation(server.url, ada, bob);
    adaSocket = await socketOf(server, ada);
  });
  afterAll(() => adaSocket?.close());

  it('stores a message as its text, then a file part per attachment; content stays the text', async () => {
    const { server } = stack();
    const file = await upload(server, ada, png(3, 2), 'dot.png');
    const sent = await sendRest(server, ada, chat, { content: 'look', attachments: [{ fileId: file.id }] });
    expect(sent.status).toBe(201);
    const { message } = sent.body;
    expect(message.content).toBe('look');
    expect(message.parts).toEqual([
      { type: 'text', text: 'look' },
      {
        type: 'file',
        fileId: file.id,
        mediaType: 'image/png',
        filename: 'dot.png',
        size: file.size,
        width: 3,
        height: 2,
        url: expect.stringMatching(signedPath(file.id)),
      },
    ]);
  });

  it(`takes ${limits.attachmentsPerMessage} files in the order given, over REST and over the WebSocket`, async () => {
    const { server } = stack();
    for (const send of ['rest', 'ws'] as const) {
      const files = (await uploads(server, ada, limits.attachmentsPerMessage)).reverse();
      const body: SendBody = { content: 'ten', attachments: files.map((file) => ({ fileId: file.id })) };
      const message =
        send === 'rest'
          ? (await sendRest(server, ada, chat, body)).body.message
          : await sendWs(adaSocket, chat, body).then((frame) =>
              frame.type === 'ack' ? frame.message : frame,
            );
      expect(
        message.parts.map((part: { type: string; fileId?: string }) => part.fileId ?? part.type),
      ).toEqual(['text', ...files.map((file) => file.id)]);
    }
  });

  it('takes files alone (no text part, empty content) and refuses a send of neither, on both transports', async () => {
    const { server } = stack();
    const [restFile, wsFile] = await uploads(server, ada, 2);
    const rest = await sendRest(server, ada, chat, { attachments: [{ fileId: restFile!.id }] });
    expect(rest.status).toBe(201);
    expect(rest.body.message).toMatchObject({ content: '', parts: [{ type: 'file', fileId: restFile!.id }] });
    expect(rest.body.message.parts).toHaveLength(1);
    const ws = await sendWs(adaSocket, chat, { content: '  ', attachments: [{ fileId: wsFile!.id }] });
    expect(ws).toMatchObject({
      type: 'ack',
      message: { content: '', parts: [{ type: 'file', fileId: wsFile!.id }] },
    });

    for (const neither of [{}, { content: '' }, { content: ' ', attachments: [] }] satisfies SendBody[]) {
      const refusedRest = await sendRest(server, ada, chat, neither);
      expect(refusedRest.status).toBe(400);
      const refusal = refusalOf(refusedRest);
      expect(refusal).toEqual({ code: 'validation_failed', paths: ['content'] });
      expect(refusalOf(await sendWs(adaSocket, chat, neither))).toEqual(refusal);
    }
  });

  it('refuses alike over REST and the WebSocket: too many, missing, someone else’s, taken, expired', async () => {
    const { server, store } = stack();
    const taken = await upload(server, ada);
    await sendRest(server, ada, chat, { content: 'first', attachments: [{ fileId: taken.id }] });
    const bobs = await upload(server, bob);
    const expired = await upload(server, ada);
    await store.updateFile(expired.id, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const eleven = await uploads(server, ada, limits.attachmentsPerMessage + 1);

    const cases: [string, SendBody, number, { code: string; paths: string[] }][] = [
      [
        'eleven files',
        { content: 'x', attachments: eleven.map((file) => ({ fileId: file.id })) },
        400,
        { code: 'validation_failed', paths: ['attachments'] },
      ],
      [
        'a missing id',
        { content: 'x', attachments: [{ fileId: randomUUID() }] },
        404,
        { code: 'not_found', paths: ['attachments.0.fileId'] },
      ],
      [
        "someone else's upload",
        { attachments: [{ fileId: eleven[0]!.id }, { fileId: bobs.id }] },
        404,
        { code: 'not_found', paths: ['attachments.1.fileId'] },
      ],
      [
        'a file attached elsewhere',
        { content: 'again', attachments: [{ fileId: taken.id }] },
        409,
        { code: 'conflict', paths: ['attachments.0.fileId'] },
      ],
      [
        'an expired upload',
        { attachments: [{ fileId: expired.id }] },
        404,
        { code: 'not_found', paths: ['attachments.0.fileId'] },
      ],
    ];
    for (const [name, body, status, refusal] of cases) {
      const rest = await sendRest(server, ada, chat, body);
      expect({ name, status: rest.status, ...refusalOf(rest) }).toEqual({ name, status, ...refusal });
      expect({ name, ...refusalOf(await sendWs(adaSocket, chat, body)) }).toEqual({ name, ...refusal });
    }
    // Nothing was kept by the refusals: the files named are still free to send.
    const after = await sendRest(server, ada, chat, { attachments: [{ fileId: eleven[0]!.id }] });
    expect(after.status).toBe(201);
  });

  it('answers someone else’s upload exactly as an id that does not exist', async () => {
    const { server } = stack();
    const bobs = await upload(server, bob);
    const other = await sendRest(server, ada, chat, { attachments: [{ fileId: bobs.id }] });
    const missing = await sendRest(server, ada, chat, { attachments: [{ fileId: randomUUID() }] });
    const { requestId: _a, ...otherError } = other.body.error;
    const { requestId: _b, ...missingError } = missing.body.error;
    expect(other.status).toBe(404);
    expect(otherError).toEqual(missingError);
    expect(otherError.message).toBe('File not found');
  });

  it('answers a retried send (same clientMessageId) with its first message, files and all', async () => {
    const { server } = stack();
    const file = await upload(server, ada);
    const body = { content: 'once', attachments: [{ fileId: file.id }], clientMessageId: clientId() };
    const first = await sendRest(server, ada, chat, body);
    const again = await sendRest(server, ada, chat, body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.message.id).toBe(first.body.message.id);
    expect(again.body.message.parts[1]).toMatchObject({ type: 'file', fileId: file.id });
    const overWs = await sendWs(adaSocket, chat, body);
    expect(overWs).toMatchObject({ type: 'ack', message: { id: first.body.message.id } });
  });

  it('lets exactly one of two racing sends of one file have it', async () => {
    const { server } = stack();
    const file = await upload(server, ada);
    const body = { attachments: [{ fileId: file.id }] };
    const answers = await Promise.all([
      sendRest(server, ada, chat, body),
      sendRest(server, ada, chat, body),
      sendWs(adaSocket, chat, body),
    ]);
    const outcomes = answers.map((answer) =>
      'status' in answer ? answer.status : answer.type === 'ack' ? 201 : answer.code,
    );
    expect(outcomes.filter((outcome) => outcome === 201)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 409 || outcome === 'conflict')).toHaveLength(2);
  });

  it('gives an assistant conversation the files too', async () => {
    const { server } = stack();
    const file: Upload = await upload(server, ada);
    const assistant = await fetch(`${server.url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'assistant', model: 'echo' }),
    }).then((response) => response.json() as Promise<{ id: string }>);
    const sent = await sendRest(server, ada, assistant.id, {
      content: 'what is this?',
      attachments: [{ fileId: file.id }],
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message.parts[1]).toMatchObject({
      type: 'file',
      fileId: file.id,
      url: expect.stringMatching(signedPath(file.id)),
    });
    expect(sent.body.reply).toMatchObject({ role: 'assistant', status: 'complete' });
  });

  it('refuses an image for a model without vision before storing anything, over REST and WS alike', async () => {
    const { store, startServer } = stack();
    const models = resolveModels(
      { CHATWIRE_MODELS: JSON.stringify({ blind: { provider: 'echo', model: 'echo', vision: false } }) },
      { echo: { chunkDelayMs: 0, firstChunkDelayMs: 0 } },
    );
    const server = await startServer({ models });
    const socket = await socketOf(server, ada);
    try {
      const created = await call(`${server.url}/v1/conversations`, {
        token: ada.token,
        body: { type: 'assistant', model: 'blind' },
      });
      const file = await upload(server, ada);
      const body = { content: 'see?', attachments: [{ fileId: file.id }] };
      const rest = await sendRest(server, ada, created.body.id, body);
      expect(rest.status).toBe(415);
      const refusal = refusalOf(rest);
      expect(refusal).toEqual({ code: 'unsupported_media_type', paths: ['attachments.0'] });
      expect(refusalOf(await sendWs(socket, created.body.id, body))).toEqual(refusal);
      expect(await store.listMessages(created.body.id, { limit: 10 })).toEqual([]);
      expect(await store.getFile(file.id)).toMatchObject({ messageId: null });
    } finally {
      await socket.close();
      await server.close();
    }
  });
});
