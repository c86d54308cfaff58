/**
 * Reading the first bytes of a stream (to sniff its type) without losing them: the head, and the
 * whole stream again, head included, for whoever reads on — so a file is read once, sniffed and
 * hashed as it streams.
 */
import { Readable } from 'node:stream';

/** The first bytes of a stream, and the whole stream again (head included) for whoever reads on. */
export interface SplitStream {
  head: Buffer;
  /** The head is every byte there is. */
  ended: boolean;
  rest: Readable;
  /** Set once the source stream failed (not the reader). */
  failure(): unknown;
}

export async function splitHead(body: Readable, size: number): Promise<SplitStream> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let failure: unknown;
  const next = async () => {
    try {
      return await iterator.next();
    } catch (error) {
      failure = error;
      throw error;
    }
  };
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < size) {
    const chunk = await next();
    if (chunk.done) {
      ended = true;
      break;
    }
    chunks.push(chunk.value);
    length += chunk.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all() {
    yield head;
    for (let chunk = await next(); !chunk.done; chunk = await next()) yield chunk.value;
  }
  const rest = Readable.from(all(), { objectMode: false });
  // Destroying the reader must stop the source too (a generator not started yet would not).
  rest.once('close', () => body.destroy());
  return { head, ended, rest, failure: () => failure };
}
