import { describe, expect, it } from 'vitest';
import { exeBytes, jpegBytes, pngBytes } from '../http/routes/files.test-support.js';
import { inspectHead, isAllowedType } from './upload-inspection.js';

describe('inspectHead', () => {
  it('tells binary formats by their bytes, whatever the name', async () => {
    expect(await inspectHead(pngBytes(4, 3), 'photo.jpg', true)).toEqual({
      mediaType: 'image/png',
      width: 4,
      height: 3,
    });
    expect(await inspectHead(jpegBytes(640, 480), 'x', true)).toEqual({
      mediaType: 'image/jpeg',
      width: 640,
      height: 480,
    });
    expect((await inspectHead(exeBytes(), 'cat.png', true)).mediaType).toBe('application/x-msdownload');
    expect((await inspectHead(Buffer.from('%PDF-1.7\n'), 'a.txt', true)).mediaType).toBe('application/pdf');
  });

  it('gives text its type by extension, and markup that runs script its own type', async () => {
    const text = Buffer.from('a,b\n1,2\n');
    expect((await inspectHead(text, 'data.CSV', true)).mediaType).toBe('text/csv');
    expect((await inspectHead(text, 'notes.md', true)).mediaType).toBe('text/markdown');
    expect((await inspectHead(text, 'a.json', true)).mediaType).toBe('application/json');
    expect((await inspectHead(text, 'main.rs', true)).mediaType).toBe('text/plain');
    expect((await inspectHead(text, 'page.html', true)).mediaType).toBe('text/html');
    expect((await inspectHead(text, 'x.svg', true)).mediaType).toBe('image/svg+xml');
    // The claim only chooses among text types, for a name that says nothing.
    expect((await inspectHead(text, 'notes', true, 'text/markdown')).mediaType).toBe('text/markdown');
    expect((await inspectHead(text, 'notes', true, 'text/html')).mediaType).toBe('text/plain');
  });

  it('is not fooled by NUL bytes or invalid UTF-8, but allows a character cut by the end of the head', async () => {
    expect((await inspectHead(Buffer.from('ab\0cd'), 'a.txt', true)).mediaType).toBe(
      'application/octet-stream',
    );
    expect((await inspectHead(Buffer.from([0x61, 0xc3, 0x28]), 'a.txt', true)).mediaType).toBe(
      'application/octet-stream',
    );
    const cut = Buffer.from('aé').subarray(0, 2); // 'a' and the first byte of 'é'
    expect((await inspectHead(cut, 'a.txt', false)).mediaType).toBe('text/plain');
    expect((await inspectHead(cut, 'a.txt', true)).mediaType).toBe('application/octet-stream');
  });
});

describe('isAllowedType', () => {
  it('matches exact types and wildcards', () => {
    expect(isAllowedType('image/png', ['image/*'])).toBe(true);
    expect(isAllowedType('image/svg+xml', ['image/png'])).toBe(false);
    expect(isAllowedType('text/html', ['text/plain', 'application/*'])).toBe(false);
    expect(isAllowedType('anything/else', ['*/*'])).toBe(true);
  });
});
