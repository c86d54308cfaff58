/**
 * A pass-through that hashes (SHA-256) and counts the bytes flowing through it: an upload is hashed
 * on its way to the storage, never read twice.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface HashingStream extends Transform {
  /** Bytes seen so far. */
  readonly bytes: number;
  /** Hex SHA-256 of every byte seen; call once, after the stream ended. */
  sha256(): string;
}

export function createHashingStream(): HashingStream {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return Object.defineProperties(stream, {
    bytes: { get: () => bytes },
    sha256: { value: () => hash.digest('hex') },
  }) as HashingStream;
}
