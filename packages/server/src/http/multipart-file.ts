/**
 * The one file of an upload's `multipart/form-data` body (`@fastify/multipart`, streamed): exactly
 * one part, a file in a field named `file`. Anything else is refused in the envelope, and the
 * parser's own refusals (limits, a malformed or cut-off body) are answered in the domain's words
 * rather than as Fastify's generic 413 or 500.
 */
import type { Readable } from 'node:stream';
import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid, Refused } from '../services/errors.js';
import { tooLarge } from '../services/upload-rules.js';

/** A multipart body's headers and boundaries around the file, bytes: what a request may carry beyond `maxBytes`. */
export const multipartOverheadBytes = 64 * 1024;

/** The file part of an upload request. */
export interface UploadPart {
  /** The file's bytes, as they arrive. */
  body: Readable;
  /** The name the client gave (`filename` of the part). */
  filename: string;
  /** The type the client claims (the part's `Content-Type`). */
  mimetype: string;
  /** Resolves once the body has ended, rejects if anything follows the file part. */
  finish(): Promise<void>;
}

const onePart = (): Invalid =>
  new Invalid('Send exactly one part: the file, in a field named file', [
    { path: ['file'], message: 'Exactly one file part named file' },
  ]);

/** A parser error in the domain's words. */
function parserFailure(error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return onePart();
  return new Refused('The multipart body is malformed or was cut off: send it again', { cause: error });
}

/**
 * Opens the upload's one file part; refuses, before reading it, a body announced as longer than a
 * `maxBytes` file can be.
 */
export async function openUploadPart(request: FastifyRequest, maxBytes: number): Promise<UploadPart> {
  const announced = Number(request.headers['content-length']);
  if (Number.isFinite(announced) && announced > maxBytes + multipartOverheadBytes) throw tooLarge(maxBytes);
  const parts = request.parts({
    // One part, a file; its size is counted by the upload (one byte over the limit is enough to
    // know), so the parser only truncates instead of throwing an error of its own.
    limits: { parts: 1, files: 1, fields: 0, fileSize: maxBytes + 1, headerPairs: 16, fieldNameSize: 64 },
    throwFileSizeLimit: false,
  } as Parameters<FastifyRequest['parts']>[0]);
  let first: IteratorResult<Multipart>;
  try {
    first = await parts.next();
  } catch (error) {
    throw parserFailure(error);
  }
  const part = first.done ? undefined : first.value;
  if (part?.type !== 'file' || part.fieldname !== 'file') {
    if (part?.type === 'file') part.file.destroy();
    throw onePart();
  }
  return {
    body: part.file,
    filename: part.filename,
    mimetype: part.mimetype,
    async finish() {
      let next: IteratorResult<unknown>;
      try {
        next = await parts.next();
      } catch (error) {
        throw parserFailure(error);
      }
      if (!next.done) throw onePart();
    },
  };
}

/**
 * A refused upload whose request has not fully arrived: the connection is closed after the answer
 * instead of reading (up to the whole size limit of) bytes nobody wants.
 */
export function closeAfterRefusal(reply: FastifyReply): void {
  if (!reply.request.raw.complete) reply.header('connection', 'close');
}

/** Registers the `multipart/form-data` parser (streamed: nothing is read until a route asks). */
export async function installMultipart(app: FastifyInstance): Promise<void> {
  await app.register(multipart, { throwFileSizeLimit: false });
}
