import { describe, expect, it } from 'vitest';
import type { Page } from '../contracts/primitives.js';
import { CursorPage, PagePromise } from './pagination.js';

/** Three pages: [1,2] → [3,4] → [5]; records the cursors asked for. */
function threePages() {
  const pages: Record<string, Page<number>> = {
    first: { items: [1, 2], nextCursor: 'c2' },
    c2: { items: [3, 4], nextCursor: 'c3' },
    c3: { items: [5], nextCursor: null },
  };
  const cursors: (string | undefined)[] = [];
  const fetchPage = async (cursor: string | undefined) => {
    cursors.push(cursor);
    const page = pages[cursor ?? 'first'];
    if (!page) throw new Error(`no page ${cursor}`);
    return page;
  };
  return { fetchPage, cursors };
}

describe('PagePromise', () => {
  it('awaits to the first page', async () => {
    const { fetchPage, cursors } = threePages();
    const page = await new PagePromise(fetchPage);
    expect(page).toBeInstanceOf(CursorPage);
    expect(page.items).toEqual([1, 2]);
    expect(page.nextCursor).toBe('c2');
    expect(page.hasNextPage()).toBe(true);
    const second = await page.getNextPage();
    expect(second.items).toEqual([3, 4]);
    const last = await second.getNextPage();
    expect(last.hasNextPage()).toBe(false);
    await expect(last.getNextPage()).rejects.toThrow('This is the last page');
    expect(cursors).toEqual([undefined, 'c2', 'c3']);
  });

  it('iterates every item across three pages with for await', async () => {
    const { fetchPage, cursors } = threePages();
    const items: number[] = [];
    for await (const item of new PagePromise(fetchPage)) items.push(item);
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(cursors).toEqual([undefined, 'c2', 'c3']);
  });

  it('fetches pages only as the iteration reaches them', async () => {
    const { fetchPage, cursors } = threePages();
    for await (const item of new PagePromise(fetchPage)) {
      if (item === 2) break;
    }
    expect(cursors).toEqual([undefined]);
  });

  it('iterates pages, and items from a given page on', async () => {
    const { fetchPage } = threePages();
    const first = await new PagePromise(fetchPage);
    const sizes: number[] = [];
    for await (const page of first.pages()) sizes.push(page.items.length);
    expect(sizes).toEqual([2, 2, 1]);
    const second = await first.getNextPage();
    const rest: number[] = [];
    for await (const item of second) rest.push(item);
    expect(rest).toEqual([3, 4, 5]);
  });

  it('rejects like a promise when the first page fails', async () => {
    const failing = new PagePromise<number>(() => Promise.reject(new Error('down')));
    await expect(failing).rejects.toThrow('down');
    await expect(failing.catch((error: unknown) => (error as Error).message)).resolves.toBe('down');
  });
});
