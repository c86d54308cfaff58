/**
 * Cursor pages: a page that knows how to fetch the next one, and a promise of the first page that
 * is also an async iterable over every item of every page.
 */
import type { Page } from '../contracts/primitives.js';

/** Fetches the page at `cursor` (`undefined`: the first page). */
export type PageFetcher<T> = (cursor: string | undefined) => Promise<Page<T>>;

/**
 * One page of a list: its `items` and the cursor of the next page. `for await` over a page walks
 * its items and then those of every following page.
 *
 * @example
 * ```ts
 * let page = await client.conversations.list({ limit: 20 });
 * render(page.items);
 * if (page.hasNextPage()) page = await page.getNextPage();
 * ```
 */
export class CursorPage<T> implements Page<T>, AsyncIterable<T> {
  /** The items of this page, in the order the server returned them. */
  readonly items: T[];
  /** Pass to `getNextPage()` (done for you); `null` on the last page. */
  readonly nextCursor: string | null;
  readonly #fetchPage: PageFetcher<T>;

  constructor(page: Page<T>, fetchPage: PageFetcher<T>) {
    this.items = page.items;
    this.nextCursor = page.nextCursor;
    this.#fetchPage = fetchPage;
  }

  /** Whether there is a page after this one. */
  hasNextPage(): boolean {
    return this.nextCursor !== null;
  }

  /** Fetches the next page. Throws if there is none: check {@link hasNextPage} first. */
  async getNextPage(): Promise<CursorPage<T>> {
    if (this.nextCursor === null) throw new Error('This is the last page: check hasNextPage() first');
    return new CursorPage(await this.#fetchPage(this.nextCursor), this.#fetchPage);
  }

  /** Every page from this one on. */
  async *pages(): AsyncGenerator<CursorPage<T>, void, undefined> {
    let page: CursorPage<T> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }
}

/**
 * What list calls return: await it for the first {@link CursorPage}, or `for await` it for every
 * item across all pages (fetched one page at a time, as you iterate).
 *
 * @example
 * ```ts
 * const first = await client.users.search({ q: 'ada' });
 * for await (const conversation of client.conversations.list()) console.log(conversation.title);
 * ```
 */
export class PagePromise<T> implements PromiseLike<CursorPage<T>>, AsyncIterable<T> {
  readonly #first: Promise<CursorPage<T>>;

  constructor(fetchPage: PageFetcher<T>) {
    this.#first = fetchPage(undefined).then((page) => new CursorPage(page, fetchPage));
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is deliberately awaitable.
  then<A = CursorPage<T>, B = never>(
    onFulfilled?: ((page: CursorPage<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#first.then(onFulfilled, onRejected);
  }

  catch<B = never>(
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<CursorPage<T> | B> {
    return this.#first.catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<CursorPage<T>> {
    return this.#first.finally(onFinally);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    yield* await this.#first;
  }
}
