import { describe, expect, it } from 'vitest';
import { contentDisposition, contentTypeOf, requestedRange } from './file-download.js';
import { HttpError } from './http-error.js';

describe('download headers', () => {
  it('shows raster images inline and sends everything else (SVG, HTML, PDF) as an attachment', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp'])
      expect(contentDisposition(type, 'a.png')).toMatch(/^inline; /);
    for (const type of ['image/svg+xml', 'text/html', 'application/pdf', 'text/plain'])
      expect(contentDisposition(type, 'a')).toMatch(/^attachment; /);
  });

  it('names the file twice: an ASCII fallback and RFC 8187 UTF-8', () => {
    expect(contentDisposition('text/plain', 'naïve "plan" 100%.txt')).toBe(
      `attachment; filename="na_ve _plan_ 100_.txt"; filename*=UTF-8''na%C3%AFve%20%22plan%22%20100%25.txt`,
    );
    expect(contentDisposition('text/plain', "it's (1).txt")).toBe(
      `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`,
    );
  });

  it('saves a file under an extension of its sniffed type: run.bat of plain text as run.bat.txt', () => {
    for (const name of ['run.bat', 'x.ps1', 'x.hta', 'notes'])
      expect(contentDisposition('text/plain', name)).toBe(
        `attachment; filename="${name}.txt"; filename*=UTF-8''${name}.txt`,
      );
    expect(contentDisposition('text/plain', 'Notes.TXT')).toMatch(/filename="Notes.TXT"/);
    expect(contentDisposition('image/jpeg', 'cam.JPEG')).toMatch(/filename="cam.JPEG"/);
    expect(contentDisposition('image/png', 'photo.jpg')).toMatch(/filename="photo.jpg.png"/);
    expect(contentDisposition('application/pdf', 'paper.exe')).toMatch(/filename="paper.exe.pdf"/);
    expect(contentDisposition('text/x-unknown', 'a.cmd')).toMatch(/filename="a.cmd.txt"/);
    expect(contentDisposition('image/avif', 'a.avif')).toMatch(/filename="a.avif"/);
  });

  it('declares text as UTF-8', () => {
    expect(contentTypeOf('text/markdown')).toBe('text/markdown; charset=utf-8');
    expect(contentTypeOf('application/json')).toBe('application/json');
  });
});

describe('requestedRange', () => {
  it('reads one range: first-last, first-, -suffix, clamped to the size', () => {
    expect(requestedRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(requestedRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(requestedRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(requestedRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    expect(requestedRange('bytes=50-1000', 100)).toEqual({ start: 50, end: 99 });
  });

  it('ignores what it does not serve: no header, several ranges, other units, nonsense', () => {
    for (const header of [undefined, 'bytes=0-1,5-6', 'items=0-1', 'bytes=5-2', 'bytes=-', 'bytes=a-b'])
      expect(requestedRange(header, 100)).toBeUndefined();
  });

  it('refuses a range past the end with 416 and the size', () => {
    for (const header of ['bytes=100-', 'bytes=100-200', 'bytes=-0']) {
      let error: unknown;
      try {
        requestedRange(header, 100);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(416);
      expect((error as HttpError).extra.headers).toEqual({ 'content-range': 'bytes */100' });
    }
  });
});
