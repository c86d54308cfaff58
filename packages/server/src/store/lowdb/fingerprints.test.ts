import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeFingerprints, encodeFingerprints, fingerprint, fnv1a, mayContain } from './fingerprints.js';

describe('fingerprints', () => {
  it('hashes with FNV-1a (32-bit), the function the catalog format names', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });

  it('finds every member and (almost) no stranger, also after a round trip through JSON', () => {
    const members = Array.from({ length: 200 }, () => randomUUID());
    const decoded = decodeFingerprints(encodeFingerprints(fingerprint(members)))!;
    expect(members.every((member) => mayContain(decoded, member))).toBe(true);
    const strangers = Array.from({ length: 1000 }, () => randomUUID()).filter((s) => mayContain(decoded, s));
    expect(strangers.length).toBeLessThanOrEqual(1);
  });

  it('refuses an encoding that is not whole hashes', () => {
    expect(decodeFingerprints(Buffer.from([1, 2, 3]).toString('base64'))).toBeNull();
    expect(decodeFingerprints('')).toEqual(new Uint32Array());
  });
});
