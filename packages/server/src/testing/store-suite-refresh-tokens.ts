/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import type { Store } from '../store/store.js';
import { at, newToken, nextToken } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Refresh tokens: rotation, reuse detection, revocation by family and by user. */
export function describeRefreshTokens(store: Store): void {
  describe('refresh tokens', () => {
    it('rotates a live token once; the new one rotates in turn', async () => {
      const first = newToken();
      await store.saveRefreshToken(first);
      const second = nextToken();
      expect(await store.rotateRefreshToken(first.hash, second, at(10))).toEqual({
        status: 'rotated',
        userId: first.userId,
      });
      expect(await store.rotateRefreshToken(second.hash, nextToken(), at(20))).toEqual({
        status: 'rotated',
        userId: first.userId,
      });
    });

    it('treats a spent token as reuse and revokes its whole family', async () => {
      const first = newToken();
      await store.saveRefreshToken(first);
      const second = nextToken();
      await store.rotateRefreshToken(first.hash, second, at(10));
      expect(await store.rotateRefreshToken(first.hash, nextToken(), at(20))).toEqual({
        status: 'reused',
        userId: first.userId,
      });
      expect(await store.rotateRefreshToken(second.hash, nextToken(), at(30))).toEqual({
        status: 'invalid',
      });
    });

    it('lets exactly one of two concurrent rotations win', async () => {
      const first = newToken();
      await store.saveRefreshToken(first);
      const results = await Promise.all([
        store.rotateRefreshToken(first.hash, nextToken(), at(10)),
        store.rotateRefreshToken(first.hash, nextToken(), at(10)),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual(['reused', 'rotated']);
    });

    it('refuses unknown, expired and revoked tokens', async () => {
      expect(await store.rotateRefreshToken('unknown', nextToken(), at(0))).toEqual({ status: 'invalid' });
      const expiring = newToken({ expiresAt: at(100) });
      await store.saveRefreshToken(expiring);
      expect(await store.rotateRefreshToken(expiring.hash, nextToken(), at(100))).toEqual({
        status: 'invalid',
      });
      const revoked = newToken();
      await store.saveRefreshToken(revoked);
      await store.revokeRefreshTokenFamily(revoked.hash, at(5));
      expect(await store.rotateRefreshToken(revoked.hash, nextToken(), at(10))).toEqual({
        status: 'invalid',
      });
    });

    it('revokes one family only, and ignores unknown hashes', async () => {
      const mine = newToken();
      const other = newToken({ userId: mine.userId });
      await store.saveRefreshToken(mine);
      await store.saveRefreshToken(other);
      const rotated = nextToken();
      await store.rotateRefreshToken(mine.hash, rotated, at(10));
      await store.revokeRefreshTokenFamily(mine.hash, at(20));
      await store.revokeRefreshTokenFamily('unknown', at(20));
      expect(await store.rotateRefreshToken(rotated.hash, nextToken(), at(30))).toEqual({
        status: 'invalid',
      });
      expect((await store.rotateRefreshToken(other.hash, nextToken(), at(30))).status).toBe('rotated');
    });

    it("revokes every token of a user's, in every family, and no one else's", async () => {
      const first = newToken();
      const second = newToken({ userId: first.userId });
      const someoneElse = newToken();
      for (const token of [first, second, someoneElse]) await store.saveRefreshToken(token);
      const rotated = nextToken();
      await store.rotateRefreshToken(first.hash, rotated, at(10));
      await store.revokeRefreshTokensOf(first.userId, at(20));
      await store.revokeRefreshTokensOf('not-an-id', at(20));
      for (const hash of [rotated.hash, second.hash]) {
        expect(await store.rotateRefreshToken(hash, nextToken(), at(30))).toEqual({ status: 'invalid' });
      }
      expect((await store.rotateRefreshToken(someoneElse.hash, nextToken(), at(30))).status).toBe('rotated');
      // A token saved after the revocation (a new sign-in) is live.
      const next = newToken({ userId: first.userId, createdAt: at(40) });
      await store.saveRefreshToken(next);
      expect((await store.rotateRefreshToken(next.hash, nextToken(), at(50))).status).toBe('rotated');
    });
  });
}
