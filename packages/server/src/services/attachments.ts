/**
 * What a send attaches: the uploads a message names (`attachments: [{ fileId }]`), checked and
 * turned into the message's `file` parts, after its text.
 *
 * The checks here answer the common refusals before anything is prepared (a reply's turn, a model
 * call): a file that is missing, someone else's, not `ready` or expired is the one 404 of a
 * missing id, so nobody learns that another person's upload exists. Whether a file is still free
 * is decided by the store alone, atomically with the append (`Store.appendMessage` claims every
 * file of the message or none): of two sends racing for one file, one is stored and the other
 * gets `StoreFileError('taken')`, mapped here to 409. A file already attached is not refused up
 * front for that reason: a retried send (same `clientMessageId`) names the files its first attempt
 * attached, and the store answers it with that first message before it looks at any file.
 */
import type { AttachmentInput, FilePart, MessagePart } from '@chatwire/sdk/contracts';
import { type FileRecord, type Store, StoreFileError } from '../store/store.js';
import { Conflict, type FieldProblem, NotFound } from './errors.js';
import { isServable } from './file-access.js';

/**
 * The `url` a file part is stored with: the unsigned content path (a bearer token reads it).
 * Never a signed URL — a signature expires, a stored message does not; the presenter
 * (`views.ts`) signs a fresh one each time the message leaves the server.
 */
export function fileContentPath(fileId: string): string {
  return `/v1/files/${encodeURIComponent(fileId)}/content`;
}

/** The part a message carries for `file`. */
export function filePartOf(file: FileRecord): FilePart {
  return {
    type: 'file',
    fileId: file.id,
    mediaType: file.mediaType,
    filename: file.name,
    size: file.size,
    ...(file.width === null ? {} : { width: file.width }),
    ...(file.height === null ? {} : { height: file.height }),
    url: fileContentPath(file.id),
  };
}

export const isFilePart = (part: MessagePart): part is FilePart => part.type === 'file';

/**
 * A person's message in parts: its text (when there is any), then one `file` part per file in the
 * order given. Whitespace alone is no text when files are attached (the schema refuses it otherwise).
 */
export function personMessageParts(
  content: string,
  files: readonly (FileRecord | FilePart)[],
): { parts: MessagePart[]; content: string } {
  const text = content.trim() === '' ? '' : content;
  const fileParts = files.map((file) => ('type' in file ? file : filePartOf(file)));
  return { parts: text === '' ? fileParts : [{ type: 'text', text }, ...fileParts], content: text };
}

const at = (index: number): FieldProblem[] => [
  { path: ['attachments', index, 'fileId'], message: 'Not one of your uploads (or it has expired)' },
];

/** The 404 of a file that is missing, someone else's, unfinished or expired: one answer for all. */
const fileNotFound = (index: number) => new NotFound('File not found', { fields: at(index) });

const fileTaken = (index: number) =>
  new Conflict('This file is already attached to another message: upload it again to send it twice', {
    fields: [{ path: ['attachments', index, 'fileId'], message: 'Already attached to another message' }],
  });

/**
 * The files `attachments` name, in their order, each `userId`'s own, `ready` and, while
 * unattached, not expired at `now`; `NotFound` at the first that is not. Attached files pass (see
 * the module's comment): the store's claim refuses them, or answers a retry.
 *
 * @example
 * ```ts
 * const files = await resolveAttachments(store, userId, input.attachments ?? [], new Date());
 * const { parts, content } = personMessageParts(input.content, files);
 * ```
 */
export async function resolveAttachments(
  store: Pick<Store, 'getFile'>,
  userId: string,
  attachments: readonly AttachmentInput[],
  now: Date,
): Promise<FileRecord[]> {
  if (attachments.length === 0) return [];
  const files = await Promise.all(attachments.map(({ fileId }) => store.getFile(fileId)));
  return files.map((file, index) => {
    if (!file || file.ownerId !== userId || !isServable(file, now)) throw fileNotFound(index);
    return file;
  });
}

/**
 * The domain error a failed append stands for when it was the store's claim of a file that failed
 * (`missing`: 404, `taken`: 409, at that attachment); any other failure as it is.
 */
export function asAttachmentError(error: unknown, attachments: readonly AttachmentInput[]): unknown {
  if (!(error instanceof StoreFileError)) return error;
  const index = Math.max(
    0,
    attachments.findIndex((attachment) => attachment.fileId === error.fileId),
  );
  return error.reason === 'taken' ? fileTaken(index) : fileNotFound(index);
}
