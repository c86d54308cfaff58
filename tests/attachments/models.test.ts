/**
 * Attachments given to models, through a real server on each stack (the bytes a provider gets
 * are read back from the disk or the bucket) and the fakes
 * speaking OpenAI's and Ollama's wire formats: an upload, a send, and what the provider was sent —
 * images as OpenAI `image_url` data URLs and Ollama `images`, text files and PDFs as text with
 * their names, a context budget that cuts a large file rather than failing, an image refused
 * for a model without vision before anything is stored, and echo describing what it was given.
 */
import { type AppOptionsInput, resolveModels } from '@chatwire/server';
import {
  call,
  type FakeServerHandle,
  signUp,
  startFakeOllama,
  startFakeOpenAI,
  type TestServer,
  type TestUser,
  tinyPdf,
} from '@chatwire/server/testing';
import { afterEach, expect, it } from 'vitest';
import { describeOnEachStack, type Stack } from './stacks.js';
import { png, sendRest, type Upload, upload } from './support.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** A server on `stack`'s store and storage, with `options`, closed after the test. */
async function serverWith(stack: Stack, options: AppOptionsInput): Promise<TestServer> {
  const server = await stack.startServer(options);
  cleanup.push(async () => {
    server.app.server.closeAllConnections();
    await server.close();
  });
  return server;
}

async function fakeOpenAI(): Promise<FakeServerHandle> {
  const fake = await startFakeOpenAI({ writes: 'whole' });
  cleanup.push(() => fake.close());
  return fake;
}

/** A server whose aliases are `CHATWIRE_MODELS` over the OpenAI fake (and an Ollama fake, if given). */
async function serverOver(
  stack: Stack,
  fake: FakeServerHandle,
  aliases: Record<string, unknown>,
  options: { ollama?: FakeServerHandle; contextBudgetTokens?: number } = {},
): Promise<TestServer> {
  return serverWith(stack, {
    models: resolveModels({
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_API_KEY: 'sk-test',
      ...(options.ollama ? { OLLAMA_URL: options.ollama.url } : {}),
      CHATWIRE_MODELS: JSON.stringify(aliases),
    }),
    ...(options.contextBudgetTokens ? { contextBudgetTokens: options.contextBudgetTokens } : {}),
  });
}

async function assistantChat(server: TestServer, user: TestUser, model?: string): Promise<string> {
  const chat = await call(`${server.url}/v1/conversations`, {
    token: user.token,
    body: { type: 'assistant', ...(model ? { model } : {}) },
  });
  expect(chat.status).toBe(201);
  return chat.body.id as string;
}

const history = async (server: TestServer, user: TestUser, chatId: string) =>
  (await call(`${server.url}/v1/conversations/${chatId}/messages?limit=100`, { token: user.token })).body
    .items as { role: string; content: string; parts: { type: string }[] }[];

type OpenAIMessage = {
  role: string;
  content: string | { type: string; text?: string; image_url?: { url: string } }[];
};
const sentMessages = (fake: FakeServerHandle, index = 0) =>
  (fake.requests[index]!.body as { messages: OpenAIMessage[] }).messages;

const notes = Buffer.from('# Shopping\n\n- milk\n- bread\n');
const photo = png(64, 48);

describeOnEachStack('attachments given to models', (stack) => {
  it('OpenAI: the image as an image_url data URL, a text file and a PDF as text with their names', async () => {
    const fake = await fakeOpenAI();
    const server = await serverOver(stack(), fake, {
      eyes: { provider: 'openai', model: 'gpt-4o', vision: true },
    });
    const ada = await signUp(server.url, 'vision');
    const chatId = await assistantChat(server, ada);
    const files: Upload[] = [
      await upload(server, ada, photo, 'photo.png'),
      await upload(server, ada, notes, 'list.md'),
      await upload(server, ada, tinyPdf(['Quarterly report', 'Revenue grew 12%']), 'report.pdf'),
    ];
    const sent = await sendRest(server, ada, chatId, {
      content: 'What are these?',
      attachments: files.map((file) => ({ fileId: file.id })),
    });
    expect(sent.status).toBe(201);
    expect(sent.body.reply).toMatchObject({ status: 'complete' });

    const last = sentMessages(fake).at(-1)!;
    expect(last.role).toBe('user');
    const [text, image, ...rest] = last.content as {
      type: string;
      text?: string;
      image_url?: { url: string };
    }[];
    expect(rest).toEqual([]);
    expect(image).toEqual({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${photo.toString('base64')}` },
    });
    expect(text!.type).toBe('text');
    expect(text!.text).toContain('What are these?');
    expect(text!.text).toContain(
      `<file name="photo.png" type="image/png" size="${photo.byteLength} B" dimensions="64×48">(the image is attached)</file>`,
    );
    expect(text!.text).toContain(
      `<file name="list.md" type="text/markdown" size="${notes.byteLength} B">\n${notes}\n</file>`,
    );
    expect(text!.text).toMatch(
      /<file name="report\.pdf" type="application\/pdf" size="[^"]+">\nQuarterly report\nRevenue grew 12%\n<\/file>/,
    );
  });

  it('Ollama: the image as base64 in the message’s `images`', async () => {
    const fake = await fakeOpenAI();
    const ollama = await startFakeOllama({ writes: 'whole' });
    cleanup.push(() => ollama.close());
    const server = await serverOver(
      stack(),
      fake,
      { llava: { provider: 'ollama', model: 'llava', vision: true } },
      { ollama },
    );
    const ada = await signUp(server.url, 'ollama-vision');
    const chatId = await assistantChat(server, ada);
    const file = await upload(server, ada, photo, 'photo.png');
    const sent = await sendRest(server, ada, chatId, { content: '', attachments: [{ fileId: file.id }] });
    expect(sent.body.reply).toMatchObject({ status: 'complete' });
    const last = (ollama.requests[0]!.body as { messages: Record<string, unknown>[] }).messages.at(-1);
    expect(last).toEqual({
      role: 'user',
      content: `<file name="photo.png" type="image/png" size="${photo.byteLength} B" dimensions="64×48">(the image is attached)</file>`,
      images: [photo.toString('base64')],
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('no vision: an image is refused with 415 before anything is stored or sent; text files still go', async () => {
    const fake = await fakeOpenAI();
    const server = await serverOver(stack(), fake, { plain: { provider: 'openai', model: 'gpt-3.5-turbo' } });
    const ada = await signUp(server.url, 'no-vision');
    const chatId = await assistantChat(server, ada);
    const image = await upload(server, ada, photo, 'photo.png');
    const text = await upload(server, ada, notes, 'list.md');

    const refused = await sendRest(server, ada, chatId, {
      content: 'Look',
      attachments: [{ fileId: text.id }, { fileId: image.id }],
    });
    expect(refused.status).toBe(415);
    expect(refused.body.error).toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringContaining('Model "plain" does not take images'),
      details: [{ path: ['body', 'attachments', 1], message: expect.stringContaining('photo.png') }],
    });
    expect(await history(server, ada, chatId)).toEqual([]);
    expect(fake.requests).toHaveLength(0);

    // Nothing was attached: the same text file goes in the next send, and reaches the model as text.
    const sent = await sendRest(server, ada, chatId, {
      content: 'Read it',
      attachments: [{ fileId: text.id }],
    });
    expect(sent.status).toBe(201);
    expect(sentMessages(fake).at(-1)).toEqual({
      role: 'user',
      content: `Read it\n\n<file name="list.md" type="text/markdown" size="${notes.byteLength} B">\n${notes}\n</file>`,
    });
  });

  it('a model without vision later on: earlier images are named, not sent; a regenerate with it is refused', async () => {
    const fake = await fakeOpenAI();
    const server = await serverOver(stack(), fake, {
      eyes: { provider: 'openai', model: 'gpt-4o', vision: true },
      plain: { provider: 'openai', model: 'gpt-3.5-turbo' },
    });
    const ada = await signUp(server.url, 'switch');
    const chatId = await assistantChat(server, ada, 'eyes');
    const image = await upload(server, ada, photo, 'photo.png');
    const first = await sendRest(server, ada, chatId, {
      content: 'Look',
      attachments: [{ fileId: image.id }],
    });
    expect(first.status).toBe(201);

    const next = await call(`${server.url}/v1/conversations/${chatId}/messages`, {
      token: ada.token,
      body: { content: 'And now?', model: 'plain' },
    });
    expect(next.status).toBe(201);
    expect(next.body.reply).toMatchObject({ status: 'complete' });
    const messages = sentMessages(fake, 1);
    expect(JSON.stringify(messages)).not.toContain('image_url');
    expect(messages[0]).toEqual({
      role: 'user',
      content: `Look\n\n<file name="photo.png" type="image/png" size="${photo.byteLength} B" dimensions="64×48">(an image; this model does not take images)</file>`,
    });

    const regenerate = await call(
      `${server.url}/v1/conversations/${chatId}/messages/${first.body.reply.id}/regenerate`,
      { token: ada.token, body: { model: 'plain' } },
    );
    expect(regenerate.status).toBe(415);
    expect(regenerate.body.error.code).toBe('unsupported_media_type');
    expect(fake.requests).toHaveLength(2);
    const stored = await history(server, ada, chatId);
    expect(stored.find((message) => message.role === 'assistant')).toMatchObject({ status: 'complete' });
  });

  it('a text file over the context budget is cut to fit, with a marker, and the reply completes', async () => {
    const fake = await fakeOpenAI();
    const server = await serverOver(
      stack(),
      fake,
      { fast: { provider: 'openai', model: 'gpt-4o-mini' } },
      { contextBudgetTokens: 1_000 },
    );
    const ada = await signUp(server.url, 'budget');
    const chatId = await assistantChat(server, ada);
    const big = Buffer.from(Array.from({ length: 2_000 }, (_, i) => `line ${i}`).join('\n'));
    const file = await upload(server, ada, big, 'big.txt');
    const sent = await sendRest(server, ada, chatId, {
      content: 'Summarise',
      attachments: [{ fileId: file.id }],
    });
    expect(sent.body.reply).toMatchObject({ status: 'complete' });
    const content = sentMessages(fake).at(-1)!.content as string;
    expect(content.startsWith('Summarise\n\n<file name="big.txt" type="text/plain"')).toBe(true);
    expect(content).toContain('line 0\nline 1\n');
    expect(content).not.toContain('line 1999');
    expect(content).toMatch(/\[… cut to fit the context: the first \d+ of \d+ characters\]\n<\/file>$/);
    // About the budget, in ~4 characters a token.
    expect(content.length).toBeLessThan(1_000 * 4);
  });

  it('a send without files reaches OpenAI exactly as before', async () => {
    const fake = await fakeOpenAI();
    const server = await serverOver(stack(), fake, { fast: { provider: 'openai', model: 'gpt-4o-mini' } });
    const ada = await signUp(server.url, 'plain');
    const chatId = await assistantChat(server, ada);
    await sendRest(server, ada, chatId, { content: 'Hello' });
    expect(JSON.stringify(fake.requests[0]!.body)).toBe(
      JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
  });

  it('echo describes what it was sent, with no API key; GET /v1/models says which models take images', async () => {
    const server = await serverWith(stack(), {});
    const ada = await signUp(server.url, 'echo-files');
    const models = await call(`${server.url}/v1/models`, { token: ada.token });
    expect(models.body.items).toEqual([
      { id: 'echo', provider: 'echo', model: 'echo', default: true, vision: true },
    ]);
    const chatId = await assistantChat(server, ada);
    const files = [
      await upload(server, ada, photo, 'photo.png'),
      await upload(server, ada, notes, 'list.md'),
    ];
    const sent = await sendRest(server, ada, chatId, {
      content: '',
      attachments: files.map((file) => ({ fileId: file.id })),
    });
    expect(sent.body.reply.content).toBe(
      `You sent 2 files: photo.png (image/png, ${photo.byteLength} B, 64×48), list.md (text/markdown, ${notes.byteLength} B, 4 lines: “# Shopping…”).`,
    );
  });
});
