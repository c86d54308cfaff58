/**
 * What a `FileStorage` key may be. Keys are opaque strings the server generates (`ab/<uuid>`), but
 * both storages check them anyway: on disk a key becomes a path, and a key with `..` or a leading
 * `/` would write outside the storage's directory (path traversal); in a bucket it would escape
 * the prefix another deployment may share.
 *
 * Allowed: `A–Z a–z 0–9 / _ . -`, segments separated by single `/`, no segment empty or `.`, and
 * no `..` anywhere.
 * `~` is deliberately outside the set: the disk storage names its temp files with it, so a temp
 * file can never be mistaken for an object (see disk-storage.ts).
 */

const KEY_CHARACTERS = /^[A-Za-z0-9/_.-]+$/;
/** Longer keys are refused: S3 allows 1,024 bytes with the prefix, and no generated key comes close. */
const MAX_KEY_LENGTH = 512;

/** Throws a `TypeError` (a bug in the caller, not a user error) unless `key` is a valid storage key. */
export function assertStorageKey(key: string): void {
  const valid =
    key.length <= MAX_KEY_LENGTH &&
    KEY_CHARACTERS.test(key) &&
    !key.includes('..') &&
    key.split('/').every((segment) => segment !== '' && segment !== '.');
  if (!valid) {
    throw new TypeError(
      `Invalid storage key ${JSON.stringify(key)}: use A-Z a-z 0-9 / _ . - in non-empty segments, without "..", "." segments or a leading "/"`,
    );
  }
}
