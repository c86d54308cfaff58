/**
 * The conformance suite every `FileStorage` implementation runs: the seam's rules (file-storage.ts)
 * as tests — bytes round-trip (compared by SHA-256, below and above one 8 MiB part), ranges,
 * missing keys, idempotent deletes, and atomicity: an over-limit, failing or aborted write leaves
 * no object (and does not disturb the object it would have replaced).
 *
 * Overwrite semantics, which every implementation keeps: a write to an existing key replaces the
 * object once it completes (last completed write wins); a failed one leaves the old object as it was.
 *
 * @example
 * ```ts
 * // my-storage.test.ts
 * describeFileStorage('my storage', async () => createMyStorage({ … }), {
 *   leftovers: async () => countIncompleteUploads(), // optional: what a failed write may leave behind
 * });
 * ```
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type FileStorage, ObjectTooLargeError } from '../files/file-storage.js';
import { instanceOfTheRunningTest } from './running-instance.js';
import { afterEach, beforeEach, describe, expect, it } from './vitest.js';

export interface FileStorageSuiteOptions {
  /**
   * Counts what failed writes may leave behind beside the objects (temp files, incomplete multipart
   * uploads); checked to be 0 after each failed write. Default: not checked.
   */
  leftovers?: () => Promise<number>;
}

const MiB = 1024 * 1024;
/** Above one S3 part (8 MiB), so multipart uploads are exercised too. */
const MULTIPART = 8 * MiB + 12_345;
const mediaType = 'application/octet-stream';

/** Objects: written, read whole and in ranges, missing, deleted, overwritten, written side by side. */
function objectTests(storage: FileStorage): void {
  it('reports its kind', () => {
    expect(storage.kind).toEqual(expect.any(String));
  });

  it.each([
    ['empty', 0],
    ['small', 1_000],
    ['larger than one part', MULTIPART],
  ])('round-trips the bytes of a %s object', async (_label, size) => {
    const key = newKey();
    const bytes = randomBytes(size);
    expect(await storage.write(key, chunked(bytes), { mediaType })).toEqual({ size });
    expect(await storage.stat(key)).toEqual({ size });
    expect(sha256(await readAll(await storage.read(key)))).toBe(sha256(bytes));
  });

  it('reads inclusive byte ranges; past the last byte there is nothing', async () => {
    const key = newKey();
    const bytes = randomBytes(10_000);
    await storage.write(key, chunked(bytes), { mediaType });
    const range = async (start: number, end: number) => readAll(await storage.read(key, { start, end }));
    expect(await range(0, 0)).toEqual(bytes.subarray(0, 1));
    expect(await range(100, 4_099)).toEqual(bytes.subarray(100, 4_100));
    expect(await range(9_999, 9_999)).toEqual(bytes.subarray(9_999));
    expect(await range(9_000, 20_000)).toEqual(bytes.subarray(9_000));
    expect(await range(10_000, 10_005)).toEqual(Buffer.alloc(0));
  });

  it('answers null for a key that has no object', async () => {
    const key = newKey();
    expect(await storage.read(key)).toBeNull();
    expect(await storage.read(key, { start: 0, end: 9 })).toBeNull();
    expect(await storage.stat(key)).toBeNull();
  });

  it('deletes, and deleting a missing object is not an error', async () => {
    const key = newKey();
    await storage.write(key, chunked(randomBytes(100)), { mediaType });
    await storage.delete(key);
    expect(await storage.stat(key)).toBeNull();
    expect(await storage.read(key)).toBeNull();
    await expect(storage.delete(key)).resolves.toBeUndefined();
    await expect(storage.delete(newKey())).resolves.toBeUndefined();
  });

  it('replaces an object on overwrite; a failed overwrite keeps the old one', async () => {
    const key = newKey();
    await storage.write(key, chunked(Buffer.from('first version')), { mediaType });
    const second = randomBytes(5_000);
    await storage.write(key, chunked(second), { mediaType });
    expect(await readAll(await storage.read(key))).toEqual(second);
    await expect(
      storage.write(key, chunked(randomBytes(2_000)), { mediaType, maxBytes: 1_000 }),
    ).rejects.toThrow(ObjectTooLargeError);
    expect(await storage.stat(key)).toEqual({ size: 5_000 });
    expect(await readAll(await storage.read(key))).toEqual(second);
  });

  it('writes to different keys concurrently', async () => {
    const objects = [1, 2, 3, 4, 5].map((n) => ({ key: newKey(), bytes: randomBytes(n * 50_000) }));
    await Promise.all(objects.map(({ key, bytes }) => storage.write(key, chunked(bytes), { mediaType })));
    for (const { key, bytes } of objects) {
      expect(sha256(await readAll(await storage.read(key)))).toBe(sha256(bytes));
    }
  });
}

/** `maxBytes`, and writes that fail or are aborted: each leaves no object and nothing beside. */
function failedWriteTests(storage: FileStorage, options: FileStorageSuiteOptions): void {
  const expectNothingLeft = async (key: string): Promise<void> => {
    expect(await storage.stat(key)).toBeNull();
    expect(await storage.read(key)).toBeNull();
    if (options.leftovers) expect(await options.leftovers()).toBe(0);
  };

  it('accepts exactly maxBytes', async () => {
    const key = newKey();
    expect(await storage.write(key, chunked(randomBytes(1_000)), { mediaType, maxBytes: 1_000 })).toEqual({
      size: 1_000,
    });
  });

  it.each([
    ['within one part', 1_000, 1_001],
    ['beyond one part', MULTIPART - 4_000, MULTIPART],
  ])('refuses a body over maxBytes (%s) and keeps nothing', async (_label, maxBytes, size) => {
    const key = newKey();
    const write = storage.write(key, chunked(randomBytes(size)), { mediaType, maxBytes });
    await expect(write).rejects.toThrow(ObjectTooLargeError);
    await expect(write).rejects.toMatchObject({ maxBytes });
    await expectNothingLeft(key);
  });

  it.each([
    ['within one part', 100_000],
    ['after a whole part', MULTIPART],
  ])('rejects a body that fails midway (%s) and keeps nothing', async (_label, before) => {
    const key = newKey();
    const failure = new Error('the client went away');
    await expect(storage.write(key, failingAfter(before, failure), { mediaType })).rejects.toBe(failure);
    await expectNothingLeft(key);
  });

  it.each([
    ['within one part', 100_000],
    ['after a whole part', MULTIPART],
  ])('stops when the signal aborts (%s) and keeps nothing', async (_label, before) => {
    const key = newKey();
    const controller = new AbortController();
    const body = stallingAfter(before, () => controller.abort());
    await expect(storage.write(key, body, { mediaType, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expectNothingLeft(key);
  });

  it('does not start a write whose signal is already aborted', async () => {
    const key = newKey();
    const write = storage.write(key, chunked(randomBytes(1_000)), {
      mediaType,
      signal: AbortSignal.abort(),
    });
    await expect(write).rejects.toMatchObject({ name: 'AbortError' });
    await expectNothingLeft(key);
  });
}

/** What a storage must never do: hold a whole file in memory, or reach outside its namespace. */
function boundTests(storage: FileStorage): void {
  it('keeps memory bounded while writing 40 MiB (no whole-file buffering)', async () => {
    const key = newKey();
    const size = 40 * MiB;
    // Every chunk is a view of one 1 MiB block: the body itself allocates nothing. Each MiB, the
    // garbage is collected before `arrayBuffers` is sampled, so the samples are the memory held
    // (by the storage, and by an in-process test server), not garbage awaiting a collection.
    const block = randomBytes(MiB);
    const collectGarbage = garbageCollector();
    collectGarbage();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    function* views(): Generator<Buffer> {
      for (let offset = 0; offset < size; offset += 64 * 1024) {
        if (offset % MiB === 0) {
          collectGarbage();
          peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        }
        yield block.subarray(offset % MiB, (offset % MiB) + 64 * 1024);
      }
    }
    expect(await storage.write(key, Readable.from(views()), { mediaType })).toEqual({ size });
    expect(await storage.stat(key)).toEqual({ size });
    // Measured: ~0 on disk; 8 MiB for S3 (its part buffer), at times 16 with an in-process test
    // server's own buffers for the part it is receiving. Buffering the file would be ≥ 40 MiB.
    expect(peak - baseline).toBeLessThan(size / 2);
  });

  it('refuses keys that could escape its namespace', async () => {
    for (const key of [
      '../outside',
      '/absolute',
      'ab/../../x',
      'ab//cd',
      'ab/./cd',
      'sp ace',
      'tilde~',
      '',
    ]) {
      await expect(storage.write(key, chunked(Buffer.from('x')), { mediaType })).rejects.toThrow(TypeError);
      await expect(storage.read(key)).rejects.toThrow(TypeError);
      await expect(storage.stat(key)).rejects.toThrow(TypeError);
      await expect(storage.delete(key)).rejects.toThrow(TypeError);
    }
  });
}

/**
 * Registers the suite under `describe(name)`.
 *
 * @param makeStorage Returns a new storage; the suite closes it after each test. Storages may share
 * their bytes (one bucket): every test uses keys of its own.
 */
export function describeFileStorage(
  name: string,
  makeStorage: () => Promise<FileStorage>,
  options: FileStorageSuiteOptions = {},
): void {
  describe(`FileStorage conformance: ${name}`, () => {
    let storage: FileStorage;
    beforeEach(async () => {
      storage = await makeStorage();
    });
    afterEach(async () => {
      await storage.close();
    });
    const running = instanceOfTheRunningTest(() => storage);
    objectTests(running);
    failedWriteTests(running, options);
    boundTests(running);
  });
}

/**
 * `gc()` without starting node with `--expose-gc` (the way Jest's leak detection gets it): the flag
 * set at run time applies to contexts created afterwards.
 */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** A key as the server makes them: a two-character fan-out directory and a UUID. */
function newKey(): string {
  const id = randomUUID();
  return `${id.slice(0, 2)}/${id}`;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `bytes` as a stream of 64 KiB chunks (as a socket delivers them). */
function chunked(bytes: Buffer): Readable {
  function* chunks(): Generator<Buffer> {
    for (let offset = 0; offset < bytes.length; offset += 64 * 1024)
      yield bytes.subarray(offset, offset + 64 * 1024);
  }
  return Readable.from(chunks());
}

/** `size` random bytes, then `error`: a body whose client disconnects. */
function failingAfter(size: number, error: Error): Readable {
  return bodyThen(size, (body) => body.destroy(error));
}

/** `size` random bytes, then `onStall` and no more data, ever: only an abort ends the write. */
function stallingAfter(size: number, onStall: () => void): Readable {
  return bodyThen(size, onStall);
}

/**
 * `size` random bytes in 64 KiB chunks, then `end` (once) instead of the end of the stream. A chunk
 * is larger than the stream's buffer, so `read` is asked for more only once the writer has taken
 * every chunk pushed before: `end` runs after the writer consumed all `size` bytes (for S3 above one
 * part: after it sent the first part).
 */
function bodyThen(size: number, end: (body: Readable) => void): Readable {
  const bytes = randomBytes(size);
  let sent = 0;
  let ended = false;
  return new Readable({
    highWaterMark: 16 * 1024,
    read() {
      if (sent < size) {
        this.push(bytes.subarray(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      } else if (!ended) {
        ended = true;
        end(this);
      }
    },
  });
}

async function readAll(stream: Readable | null): Promise<Buffer> {
  expect(stream).not.toBeNull();
  const chunks: Buffer[] = [];
  for await (const chunk of stream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
