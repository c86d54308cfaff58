import { describe, expect, it } from 'vitest';
import { tokens } from '../client/fake-fetch.test-support.js';
import { expiresBefore } from '../client/token-expiry.js';
import { accessTokenFor } from './access-token.js';
import { fakeSession, jwtExpiringAt } from './fake-socket.test-support.js';

describe('expiresBefore', () => {
  it('reads the exp of a JWT, and treats anything else as not expiring', () => {
    const token = jwtExpiringAt(1000);
    expect(expiresBefore(token, 1_000_001)).toBe(true);
    expect(expiresBefore(token, 999_999)).toBe(false);
    expect(expiresBefore('opaque-token', Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(expiresBefore('a.%%%.c', Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('accessTokenFor', () => {
  it('returns the stored token, or a refreshed one when told it is stale', async () => {
    const { session, refreshes } = fakeSession(tokens('one'), [tokens('two')]);
    expect(await accessTokenFor(session)).toBe('access-one');
    expect(await accessTokenFor(session, 'access-one')).toBe('access-two');
    expect(refreshes).toEqual(['refresh-one']);
  });

  it('does not refresh again when another caller already replaced the stale token', async () => {
    const { session, refreshes } = fakeSession(tokens('two'));
    expect(await accessTokenFor(session, 'access-one')).toBe('access-two');
    expect(refreshes).toEqual([]);
  });
});
