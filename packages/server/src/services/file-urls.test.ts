import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFileUrls } from './file-urls.js';

const secret = 'file-urls-test-secret-that-is-long-enough!';
const fileId = '0190c0de-1111-7000-8000-000000000001';

function at(seconds: number) {
  const clock = { now: () => new Date(seconds * 1000) };
  return { clock, move: (to: number) => (seconds = to) };
}

function parts(url: string) {
  const parsed = new URL(url, 'http://x');
  return {
    path: parsed.pathname,
    expires: Number(parsed.searchParams.get('expires')),
    signature: parsed.searchParams.get('signature') ?? '',
  };
}

describe('createFileUrls', () => {
  it('signs /v1/files/<id>/content with an expiry within [¾, 1] of the lifetime', () => {
    const time = at(1_000_000);
    const urls = createFileUrls({ secret, ttlSeconds: 3600, clock: time.clock });
    for (const now of [1_000_000, 1_000_001, 1_000_899, 1_000_900, 1_003_599]) {
      time.move(now);
      const { path, expires, signature } = parts(urls.url(fileId));
      expect(path).toBe(`/v1/files/${fileId}/content`);
      expect(expires - now).toBeGreaterThanOrEqual(2700);
      expect(expires - now).toBeLessThanOrEqual(3600);
      expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(urls.verify(fileId, expires, signature)).toBe(true);
    }
  });

  it('gives the same URL for reads within one quarter of the lifetime (browser caching)', () => {
    const time = at(900_001);
    const urls = createFileUrls({ secret, ttlSeconds: 3600, clock: time.clock });
    const first = urls.url(fileId);
    time.move(900_900);
    expect(urls.url(fileId)).toBe(first);
    time.move(900_901);
    expect(urls.url(fileId)).not.toBe(first);
  });

  it('refuses a URL once it has expired, and one further ahead than the lifetime', () => {
    const time = at(5_000_000);
    const urls = createFileUrls({ secret, ttlSeconds: 3600, clock: time.clock });
    const { expires, signature } = parts(urls.url(fileId));
    time.move(expires - 1);
    expect(urls.verify(fileId, expires, signature)).toBe(true);
    time.move(expires);
    expect(urls.verify(fileId, expires, signature)).toBe(false);
    // Signed by a server with a longer lifetime (or forged ahead): refused.
    const longer = createFileUrls({ secret, ttlSeconds: 7 * 86400, clock: at(5_000_000).clock });
    const far = parts(longer.url(fileId));
    time.move(5_000_000);
    expect(urls.verify(fileId, far.expires, far.signature)).toBe(false);
  });

  it('refuses another file, another expiry, a changed signature, another secret', () => {
    const { clock } = at(2_000_000);
    const urls = createFileUrls({ secret, ttlSeconds: 600, clock });
    const { expires, signature } = parts(urls.url(fileId));
    expect(urls.verify('0190c0de-1111-7000-8000-000000000002', expires, signature)).toBe(false);
    expect(urls.verify(fileId, expires - 1, signature)).toBe(false);
    // The last character's spare bits: decoding would ignore the change, the comparison does not.
    const last = signature.at(-1)!;
    const sibling = String.fromCharCode(last.charCodeAt(0) ^ 1);
    expect(urls.verify(fileId, expires, `${signature.slice(0, -1)}${sibling}`)).toBe(false);
    expect(urls.verify(fileId, expires, `${signature}A`)).toBe(false);
    expect(urls.verify(fileId, expires, '')).toBe(false);
    const other = createFileUrls({ secret: `${secret}?`, ttlSeconds: 600, clock });
    expect(other.verify(fileId, expires, signature)).toBe(false);
  });

  it('signs with a key derived for file URLs, never the raw secret', () => {
    const { clock } = at(3_000_000);
    const { expires, signature } = parts(createFileUrls({ secret, ttlSeconds: 600, clock }).url(fileId));
    const raw = createHmac('sha256', secret).update(`${fileId}.${expires}`).digest('base64url');
    expect(signature).not.toBe(raw);
  });

  it('keeps short lifetimes whole', () => {
    const { clock } = at(4_000_000.5);
    const urls = createFileUrls({ secret, ttlSeconds: 2, clock });
    const { expires, signature } = parts(urls.url(fileId));
    expect(expires).toBe(4_000_002);
    expect(urls.verify(fileId, expires, signature)).toBe(true);
  });
});
