/**
 * Compact membership summaries of a sealed segment's message ids and idempotency keys.
 *
 * Why: looking a message up by id, or checking that a `clientMessageId` is new, must not read
 * every segment of a long conversation. The segment catalog keeps, per sealed segment, the
 * sorted 32-bit FNV-1a hashes of its ids and keys (4 bytes a message, base64 in JSON). A probe
 * is a binary search; a hit is confirmed in the segment itself, so a hash collision costs one
 * extra segment read, never a wrong answer.
 */

/** 32-bit FNV-1a over the UTF-16 code units of `text`. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The sorted hashes of `values`. */
export function fingerprint(values: Iterable<string>): Uint32Array {
  const hashes = Uint32Array.from(values, fnv1a);
  return hashes.sort();
}

/** Whether `value` may be among the fingerprinted values (false means certainly not). */
export function mayContain(fingerprints: Uint32Array, value: string): boolean {
  const hash = fnv1a(value);
  let low = 0;
  let high = fingerprints.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const probe = fingerprints[middle]!;
    if (probe === hash) return true;
    if (probe < hash) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/** Base64 of the hashes, little-endian, for the catalog file. */
export function encodeFingerprints(fingerprints: Uint32Array): string {
  const bytes = Buffer.alloc(fingerprints.length * 4);
  fingerprints.forEach((hash, i) => {
    bytes.writeUInt32LE(hash, i * 4);
  });
  return bytes.toString('base64');
}

/** The inverse of {@link encodeFingerprints}; `null` when `text` is not a valid encoding. */
export function decodeFingerprints(text: string): Uint32Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const hashes = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < hashes.length; i++) hashes[i] = bytes.readUInt32LE(i * 4);
  return hashes;
}
