/**
 * `refresh-tokens.json`: every refresh token (by hash) in one document. Each write also drops
 * the tokens that have expired, so the file holds live sessions only.
 */
import { join } from 'node:path';
import type { RefreshTokenRecord, RotateResult } from '../store.js';
import { JsonDocument } from './documents.js';
import { isRefreshTokensFile } from './file-shapes.js';
import { FORMAT_VERSION, REFRESH_TOKENS_FILE, type RefreshTokensFile } from './layout.js';

/** Call every mutating method under the refresh-token lock: each is a read-check-write. */
export class RefreshTokensDocument {
  readonly #byHash = new Map<string, RefreshTokenRecord>();

  private constructor(readonly document: JsonDocument<RefreshTokensFile>) {
    this.#reindex();
  }

  /** Reads `refresh-tokens.json` from `dataDir` (an empty document when there is none yet). */
  static async load(dataDir: string): Promise<RefreshTokensDocument> {
    const document = await JsonDocument.readOrCreate(
      join(dataDir, REFRESH_TOKENS_FILE),
      isRefreshTokensFile,
      {
        version: FORMAT_VERSION,
        tokens: [],
      },
    );
    return new RefreshTokensDocument(document);
  }

  /** Stores a new token (the first of a family, at login). `createdAt` is "now" for pruning. */
  async save(token: RefreshTokenRecord): Promise<void> {
    const tokens = [...this.#byHash.values()].filter((stored) => stored.hash !== token.hash);
    tokens.push(structuredClone(token));
    await this.#commit(tokens, token.createdAt);
  }

  /** See `Store.rotateRefreshToken`: spends `hash` and stores `next`, or refuses. */
  async rotate(
    hash: string,
    next: Omit<RefreshTokenRecord, 'familyId' | 'userId'>,
    now: string,
  ): Promise<RotateResult> {
    const token = this.#byHash.get(hash);
    if (!token) return { status: 'invalid' };
    if (token.spentAt !== null) {
      // A spent token presented again means it was stolen (or a client raced itself): end the
      // whole session family so neither holder can go on.
      await this.#commit(this.#revokedFamily(token.familyId, now), now);
      return { status: 'reused', userId: token.userId };
    }
    if (token.revokedAt !== null || !isLiveAt(token, now)) return { status: 'invalid' };
    const tokens = [...this.#byHash.values()].map((stored) =>
      stored.hash === hash ? { ...stored, spentAt: now } : stored,
    );
    tokens.push({ ...structuredClone(next), familyId: token.familyId, userId: token.userId });
    await this.#commit(tokens, now);
    return { status: 'rotated', userId: token.userId };
  }

  /** Revokes every token of the family `hash` belongs to; unknown hashes are ignored. */
  async revokeFamily(hash: string, now: string): Promise<void> {
    const token = this.#byHash.get(hash);
    if (!token) return;
    await this.#commit(this.#revokedFamily(token.familyId, now), now);
  }

  /** Revokes every token of `userId`'s, whatever its family. */
  async revokeAllOf(userId: string, now: string): Promise<void> {
    const tokens = [...this.#byHash.values()].map((stored) =>
      stored.userId === userId && stored.revokedAt === null ? { ...stored, revokedAt: now } : stored,
    );
    await this.#commit(tokens, now);
  }

  #revokedFamily(familyId: string, now: string): RefreshTokenRecord[] {
    return [...this.#byHash.values()].map((stored) =>
      stored.familyId === familyId && stored.revokedAt === null ? { ...stored, revokedAt: now } : stored,
    );
  }

  /** Writes `tokens` minus those expired at `now`, then makes them the tokens in memory. */
  async #commit(tokens: RefreshTokenRecord[], now: string): Promise<void> {
    const live = tokens.filter((token) => isLiveAt(token, now));
    await this.document.commit({ version: FORMAT_VERSION, tokens: live });
    this.#reindex();
  }

  #reindex(): void {
    this.#byHash.clear();
    for (const token of this.document.data.tokens) this.#byHash.set(token.hash, token);
  }
}

/** Compared as instants, not strings: `…00Z` and `…00.000Z` are the same time. */
function isLiveAt(token: RefreshTokenRecord, now: string): boolean {
  return Date.parse(token.expiresAt) > Date.parse(now);
}
