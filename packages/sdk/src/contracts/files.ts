/**
 * Files: what an upload answers, what a message's attachment names, and the direct (presigned)
 * upload's two steps.
 *
 * A file belongs to its uploader until a message uses it (an unattached upload expires, swept);
 * once attached, every participant of that conversation may read it and nobody else. Messages
 * carry each attachment as a `file` part whose `url` is a short-lived signed path
 * (`/v1/files/:id/content?expires=…&signature=…`), readable without an `Authorization` header
 * (an `<img src>`), refreshed whenever history is read.
 */
import * as z from 'zod/mini';
import { Id, Timestamp } from './primitives.js';

/** Control characters (C0 and DEL) and path separators. */
function isForbiddenInName(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f || char === '/' || char === '\\';
}

/** A file name as a person gave it: no path, no control characters, at most 255 characters. */
export const FileName = z.string().check(
  z.trim(),
  z.minLength(1, 'A file name must not be empty'),
  z.maxLength(255),
  z.refine((name) => ![...name].some(isForbiddenInName), 'A file name has no path and no control characters'),
);

/** A media type, e.g. `image/png` (lower case, no parameters). */
export const MediaType = z
  .string()
  .check(
    z.regex(
      /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/,
      'Must be a media type such as image/png',
    ),
  );

/** An uploaded file as its owner sees it (`POST /v1/uploads`, `GET /v1/files/:id`). */
export const UploadedFile = z.object({
  id: Id,
  /** The name it was uploaded with. */
  name: z.string(),
  /** Sniffed from the bytes (`file-type`); the client's claim is not trusted. */
  mediaType: z.string(),
  /** Bytes. */
  size: z.number(),
  /** Hex SHA-256 of the bytes. */
  sha256: z.string(),
  /** Pixels, for images. */
  width: z.optional(z.number()),
  height: z.optional(z.number()),
  createdAt: Timestamp,
  /** When an unattached upload is swept; `null` once a message uses it. */
  expiresAt: z.nullable(Timestamp),
  /** The message that uses it, once attached. */
  messageId: z.nullable(Id),
});
export type UploadedFile = z.infer<typeof UploadedFile>;

/** What the server accepts, so a client can refuse a file before sending a byte. */
export const UploadOptions = z.object({
  /** Largest file, bytes (`UPLOAD_MAX_BYTES`). */
  maxBytes: z.number(),
  /** Media types accepted (sniffed from the bytes); `*` wildcards such as `image/*`. */
  mediaTypes: z.array(z.string()),
  /** At most this many attachments on one message. */
  maxAttachments: z.number(),
  /** Whether `POST /v1/uploads/direct` is offered (S3-compatible storage). */
  direct: z.boolean(),
});
export type UploadOptions = z.infer<typeof UploadOptions>;

/** Step one of a direct upload: what is about to be sent straight to the bucket. */
export const DirectUploadInput = z.object({
  name: FileName,
  mediaType: MediaType,
  size: z.number().check(z.int(), z.minimum(1)),
});
export type DirectUploadInput = z.infer<typeof DirectUploadInput>;

/** Where to `PUT` the bytes (with exactly these headers), until `expiresAt`; then `POST …/complete`. */
export const DirectUpload = z.object({
  id: Id,
  uploadUrl: z.string(),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()),
  expiresAt: Timestamp,
});
export type DirectUpload = z.infer<typeof DirectUpload>;

/** A file a message attaches: one of the sender's own unattached uploads. */
export const AttachmentInput = z.object({ fileId: Id });
export type AttachmentInput = z.infer<typeof AttachmentInput>;

export const FileParams = z.object({ id: Id });

/** The query of a signed file URL (what a message's `file` part `url` carries). */
export const SignedFileQuery = z.object({
  expires: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
  signature: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/))),
});
export type SignedFileQuery = z.input<typeof SignedFileQuery>;
