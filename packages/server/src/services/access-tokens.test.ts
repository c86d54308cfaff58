import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccessTokens } from './access-tokens.js';
import { Unauthenticated } from './errors.js';

const secret = 'a-secret-that-is-long-enough-for-hs256-signing';

afterEach(() => vi.useRealTimers());

describe('access tokens', () => {
  it('verifies what it issued, and a remembered token still expires on time', async () => {
    const tokens = createAccessTokens(secret, 60);
    const { token } = await tokens.issue('user-1');
    expect(await tokens.verify(token)).toBe('user-1');
    expect(await tokens.verify(token)).toBe('user-1'); // remembered
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'token_expired' });
  });

  it('never remembers a token that failed', async () => {
    const tokens = createAccessTokens(secret, 60);
    const other = createAccessTokens(`${secret}-other`, 60);
    const { token } = await other.issue('intruder');
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'unauthorized' });
    const tampered = `${(await tokens.issue('user-2')).token.slice(0, -3)}abc`;
    await expect(tokens.verify(tampered)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses with domain errors (the edges add HTTP challenges or close codes)', async () => {
    const tokens = createAccessTokens(secret, 60);
    const error = await tokens.verify('not-a-token').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error).toMatchObject({ code: 'unauthorized' });
    const { token } = await createAccessTokens(secret, -60).issue('user-1');
    const stale = await tokens.verify(token).catch((caught: unknown) => caught);
    expect(stale).toBeInstanceOf(Unauthenticated);
    expect(stale).toMatchObject({ code: 'token_expired' });
  });

  it('asks once per token whether its account exists, and remembers either answer', async () => {
    const accounts = new Set(['user-1']);
    const asked: string[] = [];
    const tokens = createAccessTokens(secret, 60, {
      subjectExists: async (userId) => {
        asked.push(userId);
        return accounts.has(userId);
      },
    });
    const { token } = await tokens.issue('user-1');
    expect(await tokens.verify(token)).toBe('user-1');
    expect(await tokens.verify(token)).toBe('user-1');
    const { token: orphan } = await tokens.issue('gone');
    for (let i = 0; i < 3; i += 1) {
      const error = await tokens.verify(orphan).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Unauthenticated);
      expect(error).toMatchObject({
        code: 'unauthorized',
        message: expect.stringMatching(/no longer exists/),
      });
    }
    expect(asked).toEqual(['user-1', 'gone']);
  });

  it('does not remember a look-up that failed: that failure is not a bad token', async () => {
    let down = true;
    const tokens = createAccessTokens(secret, 60, {
      subjectExists: async () => {
        if (down) throw new Error('storage unreachable');
        return true;
      },
    });
    const { token } = await tokens.issue('user-1');
    await expect(tokens.verify(token)).rejects.toThrow('storage unreachable');
    down = false;
    expect(await tokens.verify(token)).toBe('user-1');
  });
});
