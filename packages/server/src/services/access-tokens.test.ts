import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccessTokens } from './access-tokens.js';

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
});
