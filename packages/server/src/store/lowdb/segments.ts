/**
 * Message segments: each holds up to `segmentSize` consecutive messages of one conversation, so
 * an append rewrites one bounded file however long the conversation is. Recently used segments
 * stay in memory in an LRU.
 */
import { join } from 'node:path';
import type { Adapter } from 'lowdb';
import { LruCache } from '../lru-cache.js';
import type { MessageRecord } from '../store.js';
import { StoreUnavailableError } from '../store.js';
import { atomicJsonFile, JsonDocument } from './documents.js';
import { isSegmentFile } from './file-shapes.js';
import { FORMAT_VERSION, idempotencyKey, type SegmentFile, segmentFileName } from './layout.js';

/**
 * How a segment file is written: compact JSON, each message encoded once. An append rewrites the
 * whole file (atomically, as every document), but only the new message is encoded: the others
 * are the same objects as in the last write (committed messages are never mutated; a replaced
 * one is a new object), so their JSON comes from a cache. Indented JSON re-encoded whole made
 * an append's CPU cost grow with the segment (up to 100 messages) and its write ~30% larger.
 */
export function segmentAdapter(path: string): Adapter<SegmentFile> {
  const encoded = new WeakMap<MessageRecord, string>();
  const encode = (message: MessageRecord): string => {
    let json = encoded.get(message);
    if (json === undefined) {
      json = JSON.stringify(message);
      encoded.set(message, json);
    }
    return json;
  };
  return atomicJsonFile<SegmentFile>(path, {
    parse: (text) => withFieldDefaults(JSON.parse(text) as SegmentFile),
    stringify: ({ messages, ...rest }) => {
      const head = JSON.stringify(rest);
      return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"messages":[${messages.map(encode).join(',')}]}`;
    },
  });
}

/**
 * Segments written before a field existed lack it: it reads as its default, so every record in
 * memory has the whole shape (`finishReason`, `stale` and `promptId` came with the turn rules,
 * `parts` and `clientTools` with tools, `reactions` with reactions, `mentions` with mentions,
 * `parentId`, `alsoInConversation`, `thread` and `quoted` with threads, `pinnedAt`/`pinnedBy` with pins).
 */
function withFieldDefaults(file: SegmentFile): SegmentFile {
  if (!Array.isArray(file?.messages)) return file;
  for (const message of file.messages as Partial<MessageRecord>[]) {
    message.finishReason ??= null;
    message.stale ??= false;
    message.promptId ??= null;
    // Messages were one string before parts: that string is their one text part.
    message.parts ??= message.content ? [{ type: 'text', text: message.content }] : [];
    message.clientTools ??= null;
    message.reactions ??= [];
    message.mentions ??= [];
    message.parentId ??= null;
    message.alsoInConversation ??= false;
    message.thread ??= null;
    message.quoted ??= null;
    message.pinnedAt ??= null;
    message.pinnedBy ??= null;
  }
  return file;
}

/** One segment file and lookups over its messages. */
export class LoadedSegment {
  /** Position by message id and by idempotency key, built on first lookup. */
  #positions: { byId: Map<string, number>; byClientKey: Map<string, number> } | null = null;

  constructor(
    readonly number: number,
    readonly document: JsonDocument<SegmentFile>,
  ) {}

  /** A new, empty segment (written by its first {@link append}). */
  static create(dir: string, number: number, firstSeq: number): LoadedSegment {
    const data: SegmentFile = { version: FORMAT_VERSION, firstSeq, messages: [] };
    const path = join(dir, segmentFileName(number));
    return new LoadedSegment(number, new JsonDocument(path, data, segmentAdapter(path)));
  }

  /** The committed messages, ascending by `seq`. Shared: copy before handing out. */
  get messages(): readonly MessageRecord[] {
    return this.document.data.messages;
  }

  get firstSeq(): number {
    return this.document.data.firstSeq;
  }

  /** `seq` of the last message (`firstSeq - 1` when empty). */
  get lastSeq(): number {
    return this.firstSeq + this.messages.length - 1;
  }

  findById(id: string): MessageRecord | undefined {
    const position = this.#index().byId.get(id);
    return position === undefined ? undefined : this.messages[position];
  }

  findByClientKey(key: string): MessageRecord | undefined {
    const position = this.#index().byClientKey.get(key);
    return position === undefined ? undefined : this.messages[position];
  }

  /** Messages with `low ≤ seq ≤ high`, by arithmetic on the consecutive seqs. */
  slice(low: number, high: number): MessageRecord[] {
    return this.messages.slice(Math.max(0, low - this.firstSeq), Math.max(0, high - this.firstSeq + 1));
  }

  /** Writes the segment with `added` (consecutive, the first one's seq `lastSeq + 1`) at its end, in one write. */
  async append(added: readonly MessageRecord[]): Promise<void> {
    const data = this.document.data;
    const from = data.messages.length;
    await this.document.commit({ ...data, messages: [...data.messages, ...added] });
    if (this.#positions) {
      for (const [i, message] of added.entries()) this.#remember(message, from + i);
    }
  }

  /** Writes the segment with `message` in place of the stored message with the same `seq`. */
  async replace(message: MessageRecord): Promise<void> {
    const data = this.document.data;
    const messages = data.messages.slice();
    messages[message.seq - data.firstSeq] = message;
    // id and client id never change, so the positions stay valid.
    await this.document.commit({ ...data, messages });
  }

  #index(): { byId: Map<string, number>; byClientKey: Map<string, number> } {
    if (!this.#positions) {
      this.#positions = { byId: new Map(), byClientKey: new Map() };
      this.messages.forEach((message, position) => {
        this.#remember(message, position);
      });
    }
    return this.#positions;
  }

  #remember(message: MessageRecord, position: number): void {
    const positions = this.#positions!;
    positions.byId.set(message.id, position);
    const key = idempotencyKey(message);
    if (key !== null) positions.byClientKey.set(key, position);
  }
}

/** Loads segments on demand and keeps the most recently used ones. */
export class SegmentCache {
  readonly #cache: LruCache<string, LoadedSegment>;

  /** @param capacity How many segments stay in memory across all conversations. */
  constructor(capacity: number) {
    this.#cache = new LruCache(capacity);
  }

  /**
   * Segment `number` of the conversation in `dir`, from memory or from its file.
   *
   * @throws StoreUnavailableError when the file is missing, unreadable or malformed.
   */
  async get(conversationId: string, dir: string, number: number): Promise<LoadedSegment> {
    const key = cacheKey(conversationId, number);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const path = join(dir, segmentFileName(number));
    const document = await JsonDocument.read(path, isSegmentFile, segmentAdapter(path));
    if (!document) {
      throw new StoreUnavailableError(
        `lowdb store: ${path} is missing although conversation ${conversationId} has ${number} segments; ` +
          'restore it from a backup',
      );
    }
    const segment = new LoadedSegment(number, document);
    this.#cache.set(key, segment);
    return segment;
  }

  /** Keeps `segment` (e.g. a new one) as most recently used. */
  put(conversationId: string, segment: LoadedSegment): void {
    this.#cache.set(cacheKey(conversationId, segment.number), segment);
  }

  /** Drops every segment of a conversation (deleted, or to be re-read after a failed write). */
  forget(conversationId: string): void {
    const prefix = `${conversationId}/`;
    this.#cache.deleteWhere((key) => key.startsWith(prefix));
  }

  clear(): void {
    this.#cache.clear();
  }
}

function cacheKey(conversationId: string, number: number): string {
  return `${conversationId}/${number}`;
}
