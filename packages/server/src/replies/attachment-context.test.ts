/**
 * A reply's history as context turns with its files: which files are loaded (the newest messages',
 * while the budget lasts), files only named without a loader, and which media types a model
 * without vision is refused before a send.
 */
import type { FilePart, MessagePart } from '@chatwire/sdk/contracts';
import { describe, expect, it, vi } from 'vitest';
import type { TurnAttachment } from '../providers/provider.js';
import type { ResolvedModel } from '../providers/registry.js';
import { estimateTurnTokens } from '../providers/tokens.js';
import { UnsupportedMediaType } from '../services/errors.js';
import type { MessageRecord } from '../store/store.js';
import { historyTurns } from './attachment-context.js';
import { attachmentKind } from './attachment-kinds.js';
import type { AttachmentLoader } from './attachment-loader.js';
import { messageTurns } from './context-turns.js';
import { requireModelAccepts } from './model-accepts.js';

// Counted, to show a history without files pays no token estimate here.
vi.mock('../providers/tokens.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../providers/tokens.js')>();
  return { ...real, estimateTurnTokens: vi.fn(real.estimateTurnTokens) };
});

const file = (fileId: string, mediaType = 'text/plain', filename = `${fileId}.txt`): FilePart => ({
  type: 'file',
  fileId,
  mediaType,
  filename,
  size: 4_000,
  url: `/v1/files/${fileId}/content?expires=1&signature=x`,
});

let seq = 0;
const message = (role: 'user' | 'assistant', content: string, files: FilePart[] = []): MessageRecord =>
  ({
    id: `m${++seq}`,
    seq,
    conversationId: 'c1',
    role,
    senderId: role === 'user' ? 'u1' : null,
    content,
    parts: [...(content ? [{ type: 'text', text: content } as MessagePart] : []), ...files],
    status: 'complete',
  }) as MessageRecord;

/** A loader that gives every file 4,000 characters of text, and remembers what it was asked for. */
function countingLoader(): AttachmentLoader & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    loaded,
    async load(part) {
      loaded.push(part.fileId);
      return {
        kind: 'text',
        name: part.filename ?? 'file',
        mediaType: part.mediaType,
        size: part.size,
        text: 'x'.repeat(4_000),
        totalChars: 4_000,
      };
    },
  };
}

describe('historyTurns', () => {
  it('loads the files of the newest messages first, and none past the budget', async () => {
    const loader = countingLoader();
    const messages = [
      message('user', 'oldest', [file('a')]),
      message('assistant', 'ok'),
      message('user', 'older', [file('b')]),
      message('assistant', 'ok'),
      message('user', 'now', [file('c'), file('d')]),
    ];
    // Each loaded file costs ~1,000 tokens: the prompt's two, then `b`, and the budget is spent.
    const turns = await historyTurns({
      messages,
      loader,
      conversationId: 'c1',
      vision: true,
      budgetTokens: 2_500,
    });
    expect(loader.loaded.sort()).toEqual(['b', 'c', 'd']);
    expect(turns).toHaveLength(5);
    expect(turns[0]).toMatchObject({
      role: 'user',
      content: 'oldest',
      attachments: [{ kind: 'mention', name: 'a.txt', note: 'not read' }],
    });
    expect(turns[4]).toMatchObject({ attachments: [{ kind: 'text' }, { kind: 'text' }] });
  });

  it('a history without files is its turns, with no token estimate of each', async () => {
    vi.mocked(estimateTurnTokens).mockClear();
    const loader = countingLoader();
    const messages = [message('user', 'hi'), message('assistant', 'hello'), message('user', 'and?')];
    const turns = await historyTurns({
      messages,
      loader,
      conversationId: 'c1',
      vision: true,
      budgetTokens: 100,
    });
    expect(turns).toEqual(messages.flatMap((m) => messageTurns(m)));
    expect(estimateTurnTokens).not.toHaveBeenCalled();
    expect(loader.loaded).toEqual([]);
  });

  it('without a loader, files are named from their parts; a message of files only is a turn too', async () => {
    const image = { ...file('p', 'image/png', 'photo.png'), width: 640, height: 480 };
    const turns = await historyTurns({
      messages: [message('user', '', [image])],
      loader: undefined,
      conversationId: 'c1',
      vision: true,
      budgetTokens: 10_000,
    });
    expect(turns).toEqual([
      {
        role: 'user',
        content: '',
        attachments: [
          {
            kind: 'mention',
            name: 'photo.png',
            mediaType: 'image/png',
            size: 4_000,
            width: 640,
            height: 480,
            note: 'not read',
          },
        ] satisfies TurnAttachment[],
      },
    ]);
    // Without files, a user turn is what it always was: no `attachments` field at all.
    expect(messageTurns(message('user', 'Hello'))).toEqual([{ role: 'user', content: 'Hello' }]);
    expect(messageTurns(message('user', ''))).toEqual([]);
  });
});

describe('what a model is given of a media type', () => {
  it('images as images (raster types models decode), text-like files and PDFs as text, others named', () => {
    const kinds = Object.fromEntries(
      [
        'image/png',
        'image/jpeg',
        'image/gif',
        'image/webp',
        'image/svg+xml',
        'image/bmp',
        'text/markdown',
        'text/csv; charset=utf-8',
        'application/json',
        'application/ld+json',
        'application/pdf',
        'application/zip',
        'application/octet-stream',
      ].map((type) => [type, attachmentKind(type)]),
    );
    expect(kinds).toEqual({
      'image/png': 'image',
      'image/jpeg': 'image',
      'image/gif': 'image',
      'image/webp': 'image',
      'image/svg+xml': 'other',
      'image/bmp': 'other',
      'text/markdown': 'text',
      'text/csv; charset=utf-8': 'text',
      'application/json': 'text',
      'application/ld+json': 'text',
      'application/pdf': 'pdf',
      'application/zip': 'other',
      'application/octet-stream': 'other',
    });
  });

  it('requireModelAccepts refuses images for a model without vision, naming them by their place', () => {
    const model = (vision: boolean) => ({ alias: 'plain', vision }) as ResolvedModel;
    const parts: MessagePart[] = [
      { type: 'text', text: 'Look' },
      file('notes'),
      file('p', 'image/webp', 'photo.webp'),
      file('s', 'image/svg+xml', 'logo.svg'),
    ];
    expect(() => requireModelAccepts(model(true), parts)).not.toThrow();
    expect(() => requireModelAccepts(model(false), parts.slice(0, 2))).not.toThrow();
    // An SVG is only named, never sent as an image: no reason to refuse it.
    expect(() => requireModelAccepts(model(false), [parts[3]!])).not.toThrow();
    let refused: unknown;
    try {
      requireModelAccepts(model(false), parts);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(UnsupportedMediaType);
    expect(refused).toMatchObject({
      code: 'unsupported_media_type',
      fields: [{ path: ['attachments', 1], message: expect.stringContaining('photo.webp') }],
    });
  });
});
