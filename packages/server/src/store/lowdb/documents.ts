/**
 * Every file of the store is a lowdb `Low` over an {@link atomicJsonFile}: a temporary file
 * renamed over the old one, so a reader (or a crash) sees the old or the new content, never half
 * of it. {@link JsonDocument} adds clear errors and a commit that keeps memory from ever getting
 * ahead of disk.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { StoreUnavailableError } from '../store.js';
import { FORMAT_VERSION } from './layout.js';

/** Whether a parsed file has the shape the store expects. */
export type ShapeCheck<T> = (data: unknown) => data is T;

/** Whether `data` is an object whose `version` is the current format version. */
export function isVersioned(data: unknown): data is { version: number } & Record<string, unknown> {
  return (
    typeof data === 'object' && data !== null && (data as { version?: unknown }).version === FORMAT_VERSION
  );
}

/**
 * A JSON file written atomically: `.<name>.tmp`, then renamed over `<name>` (steno's scheme, the
 * one lowdb's `JSONFile` uses). The write is synchronous: it goes to the page cache (never
 * fsynced — durability here is against a crash of the process, see the README), so for the store's
 * files (a segment of ~100 messages, a conversation's meta) it costs the event loop a fraction of
 * a millisecond, where an asynchronous one is four trips through the thread pool (open, write,
 * close, rename), each waiting its turn behind whatever the loop is doing. Those waits — under a
 * conversation's lock, behind fan-outs to thousands of sockets — were most of an append's
 * latency under load, and a background checkpoint held appends up for tens of milliseconds.
 * The encoding (`JSON.stringify`) was synchronous either way.
 *
 * @example
 * ```ts
 * const document = new JsonDocument(path, data, atomicJsonFile(path));
 * ```
 */
export function atomicJsonFile<T>(
  path: string,
  format: { parse(text: string): T; stringify(data: T): string } = {
    parse: (text) => JSON.parse(text) as T,
    stringify: (data) => JSON.stringify(data, null, 2),
  },
): Adapter<T> {
  const temporary = join(dirname(path), `.${basename(path)}.tmp`);
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      return format.parse(text);
    },
    async write(data) {
      writeFileSync(temporary, format.stringify(data), 'utf8');
      renameSync(temporary, path);
    },
  };
}

/** One JSON file and its committed content. */
export class JsonDocument<T> {
  readonly #low: Low<T>;

  /**
   * A document over `path` holding `data` (not written until {@link commit}). Keep one instance
   * per file.
   */
  constructor(
    readonly path: string,
    data: T,
    adapter: Adapter<T> = atomicJsonFile<T>(path),
  ) {
    this.#low = new Low(adapter, data);
  }

  /**
   * Reads the document at `path`; `null` when the file does not exist.
   *
   * @throws StoreUnavailableError naming the file when it cannot be read, is not JSON or has
   * the wrong shape — the message says what to do about it.
   */
  static async read<T>(
    path: string,
    isValid: ShapeCheck<T>,
    adapter: Adapter<T> = atomicJsonFile<T>(path),
  ): Promise<JsonDocument<T> | null> {
    let data: T | null;
    try {
      data = await adapter.read();
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new StoreUnavailableError(
          `lowdb store: ${path} is not valid JSON (${error.message}); restore it from a backup`,
          { cause: error },
        );
      }
      throw ioFailure(`cannot read ${path}`, error);
    }
    if (data === null) return null;
    if (!isValid(data)) {
      throw new StoreUnavailableError(
        `lowdb store: ${path} does not have the expected shape (format version ${FORMAT_VERSION}); ` +
          'restore it from a backup',
      );
    }
    return new JsonDocument(path, data, adapter);
  }

  /** Reads the document at `path`, or starts one holding `defaults` when there is no file. */
  static async readOrCreate<T>(path: string, isValid: ShapeCheck<T>, defaults: T): Promise<JsonDocument<T>> {
    return (await JsonDocument.read(path, isValid)) ?? new JsonDocument(path, defaults);
  }

  /** What is on disk, as last read or committed. Treat as read-only: commit a new value instead. */
  get data(): T {
    return this.#low.data;
  }

  /**
   * Writes `next` to the file and only then makes it {@link data}: readers never see what is not
   * on disk yet, and when the write fails `data` is unchanged and the promise rejects with a
   * `StoreUnavailableError`.
   */
  async commit(next: T): Promise<void> {
    try {
      await this.#low.adapter.write(next);
    } catch (error) {
      throw ioFailure(`cannot write ${this.path}`, error);
    }
    this.#low.data = next;
  }
}

/**
 * A `StoreUnavailableError` for an I/O failure: `what` failed (e.g. "cannot write /x/meta.json"),
 * followed by the system's reason, with the original error as `cause`.
 */
export function ioFailure(what: string, error: unknown): StoreUnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`lowdb store: ${what}: ${reason}`, { cause: error });
}
