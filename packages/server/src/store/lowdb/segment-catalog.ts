/**
 * The catalog of a conversation's sealed (full) segments: their seq ranges and fingerprints of
 * their message ids and idempotency keys. With it, a page finds its segments by seq and a lookup
 * by id or client id reads only the segment that holds the message, instead of every segment of
 * a long conversation. It is rewritten only when a segment is sealed, once per `segmentSize`
 * appends.
 */
import { join } from 'node:path';
import { JsonDocument } from './documents.js';
import { isSegmentCatalogFile } from './file-shapes.js';
import { decodeFingerprints, encodeFingerprints, fingerprint, mayContain } from './fingerprints.js';
import {
  CATALOG_FILE,
  FORMAT_VERSION,
  idempotencyKey,
  type SealedSegment,
  type SegmentCatalogFile,
} from './layout.js';
import type { LoadedSegment } from './segments.js';

interface CatalogEntry {
  number: number;
  firstSeq: number;
  lastSeq: number;
  ids: Uint32Array;
  clientKeys: Uint32Array;
}

/** Reads a sealed segment, for repairing a catalog that misses it. */
export type ReadSegment = (number: number) => Promise<LoadedSegment>;

export class SegmentCatalog {
  /** Ascending by segment number (hence by seq). */
  #entries: CatalogEntry[];

  private constructor(
    readonly document: JsonDocument<SegmentCatalogFile>,
    entries: CatalogEntry[],
  ) {
    this.#entries = entries;
  }

  /**
   * Loads the catalog of the conversation in `dir` whose open segment is `openSegment`, and
   * repairs it: entries for segments that are not sealed yet are dropped (a crash can leave one
   * for the open segment), entries missing (a lost, deleted or corrupted file) are rebuilt from
   * the segments — the segments are the truth, the catalog only an index of them.
   */
  static async load(dir: string, openSegment: number, readSegment: ReadSegment): Promise<SegmentCatalog> {
    const path = join(dir, CATALOG_FILE);
    const empty: SegmentCatalogFile = { version: FORMAT_VERSION, segments: [] };
    // An unreadable catalog is rebuilt like a missing one: the segments hold everything it knows.
    const document =
      (await JsonDocument.read(path, isSegmentCatalogFile).catch(() => null)) ??
      new JsonDocument(path, empty);
    const byNumber = new Map<number, CatalogEntry>();
    for (const sealed of document.data.segments) {
      const entry = decodeEntry(sealed);
      if (entry && entry.number < openSegment) byNumber.set(entry.number, entry);
    }
    let repaired = false;
    for (let number = 1; number < openSegment; number++) {
      if (byNumber.has(number)) continue;
      byNumber.set(number, entryOf(await readSegment(number)));
      repaired = true;
    }
    const catalog = new SegmentCatalog(
      document,
      [...byNumber.values()].sort((a, b) => a.number - b.number),
    );
    if (repaired) await catalog.#commit(catalog.#entries);
    return catalog;
  }

  /** Numbers of the sealed segments holding any seq in `low..high`. */
  segmentsForSeqs(low: number, high: number): number[] {
    return this.#entries
      .filter((entry) => entry.lastSeq >= low && entry.firstSeq <= high)
      .map((e) => e.number);
  }

  /** Sealed segments that may hold the message `id`, newest first (usually none or one). */
  segmentsMayHoldId(id: string): number[] {
    return this.#candidates((entry) => mayContain(entry.ids, id));
  }

  /** Sealed segments that may hold the idempotency key `key`, newest first. */
  segmentsMayHoldClientKey(key: string): number[] {
    return this.#candidates((entry) => mayContain(entry.clientKeys, key));
  }

  /** Records `segment` as sealed, writing the catalog. Idempotent per segment number. */
  async seal(segment: LoadedSegment): Promise<void> {
    const entries = this.#entries.filter((entry) => entry.number !== segment.number);
    entries.push(entryOf(segment));
    entries.sort((a, b) => a.number - b.number);
    await this.#commit(entries);
  }

  async #commit(entries: CatalogEntry[]): Promise<void> {
    await this.document.commit({ version: FORMAT_VERSION, segments: entries.map(encodeEntry) });
    this.#entries = entries;
  }

  #candidates(matches: (entry: CatalogEntry) => boolean): number[] {
    const numbers: number[] = [];
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i]!;
      if (matches(entry)) numbers.push(entry.number);
    }
    return numbers;
  }
}

function entryOf(segment: LoadedSegment): CatalogEntry {
  const keys: string[] = [];
  for (const message of segment.messages) {
    const key = idempotencyKey(message);
    if (key !== null) keys.push(key);
  }
  return {
    number: segment.number,
    firstSeq: segment.firstSeq,
    lastSeq: segment.lastSeq,
    ids: fingerprint(segment.messages.map((message) => message.id)),
    clientKeys: fingerprint(keys),
  };
}

function encodeEntry(entry: CatalogEntry): SealedSegment {
  return {
    number: entry.number,
    firstSeq: entry.firstSeq,
    lastSeq: entry.lastSeq,
    ids: encodeFingerprints(entry.ids),
    clientKeys: encodeFingerprints(entry.clientKeys),
  };
}

/** `null` for an entry whose fingerprints do not decode: it is rebuilt from its segment. */
function decodeEntry(sealed: SealedSegment): CatalogEntry | null {
  const ids = decodeFingerprints(sealed.ids);
  const clientKeys = decodeFingerprints(sealed.clientKeys);
  if (!ids || !clientKeys) return null;
  return { number: sealed.number, firstSeq: sealed.firstSeq, lastSeq: sealed.lastSeq, ids, clientKeys };
}

/** The catalog file content for sealed `segments`, for tools that write a data dir directly. */
export function catalogFileOf(segments: readonly LoadedSegment[]): SegmentCatalogFile {
  return { version: FORMAT_VERSION, segments: segments.map((segment) => encodeEntry(entryOf(segment))) };
}
