/**
 * Attached files on the wire of each provider, against the fakes speaking it: images as OpenAI
 * `image_url` data URLs and Ollama `images`, texts inside the user message with their names, and
 * requests without files exactly as they were before attachments existed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServerHandle } from '../testing/fake-http.js';
import { startFakeOllama } from '../testing/fake-ollama.js';
import { startFakeOpenAI } from '../testing/fake-openai.js';
import { formatBytes, userTurnText } from './attached-files.js';
import { createOllamaProvider } from './ollama.js';
import { createOpenAICompatibleProvider } from './openai-compatible.js';
import type { ChatTurn, Provider, TurnAttachment } from './provider.js';

const fakes: FakeServerHandle[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/',
  'base64',
);
const photo: TurnAttachment = {
  kind: 'image',
  name: 'photo.png',
  mediaType: 'image/png',
  size: PIXEL.byteLength,
  width: 1,
  height: 1,
  base64: PIXEL.toString('base64'),
};
const notes: TurnAttachment = {
  kind: 'text',
  name: 'notes.md',
  mediaType: 'text/markdown',
  size: 25,
  text: '# Notes\n\n- buy "milk"\n',
  totalChars: 22,
};

async function drain(provider: Provider, model: string, messages: ChatTurn[]) {
  for await (const _ of provider.stream({ model, messages, signal: new AbortController().signal }));
}

async function openAI() {
  const fake = await startFakeOpenAI({ writes: 'whole' });
  fakes.push(fake);
  return { fake, provider: createOpenAICompatibleProvider({ baseUrl: `${fake.url}/v1`, apiKey: 'sk-test' }) };
}

async function ollama() {
  const fake = await startFakeOllama({ writes: 'whole' });
  fakes.push(fake);
  return { fake, provider: createOllamaProvider({ baseUrl: fake.url }) };
}

const history: ChatTurn[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hello' },
  { role: 'assistant', content: 'Hi!' },
];

describe('attached files on the wire', () => {
  it('OpenAI: no files → the same body as ever, byte for byte', async () => {
    const { fake, provider } = await openAI();
    await drain(provider, 'gpt-4o-mini', [...history, { role: 'user', content: 'And now?' }]);
    expect(JSON.stringify(fake.requests[0]!.body)).toBe(
      JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
          { role: 'assistant', content: 'Hi!' },
          { role: 'user', content: 'And now?' },
        ],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
  });

  it('OpenAI: an image is an image_url data URL after the text; a text file is in the text, named', async () => {
    const { fake, provider } = await openAI();
    await drain(provider, 'gpt-4o', [
      ...history,
      { role: 'user', content: 'What is this?', attachments: [photo, notes] },
    ]);
    const messages = (fake.requests[0]!.body as { messages: unknown[] }).messages;
    expect(messages.slice(0, 3)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi!' },
    ]);
    expect(messages[3]).toEqual({
      role: 'user',
      content: [
        {
          type: 'text',
          text: [
            'What is this?',
            '',
            `<file name="photo.png" type="image/png" size="${PIXEL.byteLength} B" dimensions="1×1">(the image is attached)</file>`,
            '',
            '<file name="notes.md" type="text/markdown" size="25 B">',
            '# Notes\n\n- buy "milk"\n',
            '</file>',
          ].join('\n'),
        },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL.toString('base64')}` } },
      ],
    });
  });

  it('OpenAI: files without images keep `content` a string', async () => {
    const { fake, provider } = await openAI();
    await drain(provider, 'gpt-4o-mini', [{ role: 'user', content: '', attachments: [notes] }]);
    const [message] = (fake.requests[0]!.body as { messages: unknown[] }).messages;
    expect(message).toEqual({
      role: 'user',
      content: '<file name="notes.md" type="text/markdown" size="25 B">\n# Notes\n\n- buy "milk"\n\n</file>',
    });
  });

  it('Ollama: images as base64 `images` beside the text; no files → no `images` field', async () => {
    const { fake, provider } = await ollama();
    await drain(provider, 'llava', [...history, { role: 'user', content: 'Look', attachments: [photo] }]);
    await drain(provider, 'llava', [...history, { role: 'user', content: 'Look' }]);
    const [withImage, without] = fake.requests.map(
      (request) => (request.body as { messages: Record<string, unknown>[] }).messages,
    );
    expect(withImage!.at(-1)).toEqual({
      role: 'user',
      content: `Look\n\n<file name="photo.png" type="image/png" size="${PIXEL.byteLength} B" dimensions="1×1">(the image is attached)</file>`,
      images: [PIXEL.toString('base64')],
    });
    expect(without!.at(-1)).toEqual({ role: 'user', content: 'Look' });
    expect(JSON.stringify(fake.requests[1]!.body)).toBe(
      JSON.stringify({
        model: 'llava',
        messages: [...history, { role: 'user', content: 'Look' }],
        stream: true,
      }),
    );
  });
});

describe('userTurnText', () => {
  it('marks a cut text, names a mention, and escapes names', () => {
    const cut: TurnAttachment = { ...notes, name: 'a "quoted" <name>.md', text: '# No', totalChars: 22 };
    const gone: TurnAttachment = {
      kind: 'mention',
      name: 'old.pdf',
      mediaType: 'application/pdf',
      size: 48_213,
      note: 'no longer available',
    };
    expect(userTurnText({ role: 'user', content: 'Hi', attachments: [cut, gone] })).toBe(
      [
        'Hi',
        '',
        '<file name="a &quot;quoted&quot; &lt;name>.md" type="text/markdown" size="25 B">',
        '# No',
        '[… cut to fit the context: the first 4 of 22 characters]',
        '</file>',
        '',
        '<file name="old.pdf" type="application/pdf" size="48.2 kB">(no longer available)</file>',
      ].join('\n'),
    );
    expect(userTurnText({ role: 'user', content: 'Hi' })).toBe('Hi');
  });

  it('formats sizes as people read them', () => {
    expect([0, 999, 1000, 1234, 12_400, 99_960, 999_400, 999_600, 3_100_000, 5e9].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '1.2 kB',
      '12.4 kB',
      '100 kB',
      '999 kB',
      '1.0 MB',
      '3.1 MB',
      '5.0 GB',
    ]);
  });
});
