/**
 * Files being attached: each uploads as soon as it is added (so that the send is quick), shown
 * with its progress — in the composer (`ChatState.uploads`) until a send takes it, then in the
 * message being sent (`ChatMessage.uploads`), which waits for it. A failed one is started again by
 * `retryUpload`, or by retrying the message that waits for it — unless its source was a stream,
 * which cannot be read twice (`retryable: false`: it is added again instead).
 */
import type { UploadedFile } from '../contracts/files.js';
import type { FilePart } from '../contracts/parts.js';
import { asError, newClientMessageId } from '../internal/foundation.js';
import type { UploadSource } from '../resources/file-inputs.js';
import { updateMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';
import type { AttachedFile, PendingUpload } from './types.js';

interface Upload {
  readonly conversationId: string;
  readonly file: Exclude<AttachedFile, File>;
  /** The message that waits for it, once a send took it from the composer. */
  messageKey: string | null;
  controller: AbortController;
  /** Its upload, once started. */
  done?: Promise<UploadedFile>;
  failed: boolean;
}

const noUploads: readonly PendingUpload[] = [];

/** A pending upload as the optimistic message's `file` part (no URL until the server stores the message). */
export const filePartOf = (upload: PendingUpload): FilePart => ({
  type: 'file',
  fileId: upload.file?.id ?? '',
  mediaType: upload.mediaType,
  filename: upload.name,
  size: upload.file?.size ?? upload.size ?? 0,
  url: '',
});

/** Every upload of one chat store, by key. */
type Registry = Map<string, Upload>;

/** Replaces the conversation's uploads in the composer with `change` of them. */
function changeComposer(
  ctx: StoreContext,
  conversationId: string,
  change: (list: readonly PendingUpload[]) => readonly PendingUpload[],
) {
  const all = ctx.get().uploads;
  ctx.set({ uploads: { ...all, [conversationId]: change(all[conversationId] ?? noUploads) } });
}

/** Changes the upload `key` wherever it shows: the composer, or the message that waits for it. */
function patch(ctx: StoreContext, uploads: Registry, key: string, fields: Partial<PendingUpload>) {
  const upload = uploads.get(key);
  if (!upload) return;
  const change = (list: readonly PendingUpload[] = noUploads) =>
    list.map((item) => (item.key === key ? { ...item, ...fields } : item));
  const { conversationId, messageKey } = upload;
  if (messageKey) {
    ctx.updateItems(conversationId, (items) =>
      updateMessage(items, messageKey, (message) => ({ ...message, uploads: change(message.uploads) })),
    );
  } else changeComposer(ctx, conversationId, change);
}

/** A stream is read once: a failed upload of one cannot be started again. */
const isReplayable = (source: UploadSource) =>
  source instanceof Blob || source instanceof ArrayBuffer || ArrayBuffer.isView(source);

/** (Re)starts the upload `key` (a spent stream: refused, in its `error`); progress lands at most once per `throttleMs`. */
function start(ctx: StoreContext, uploads: Registry, key: string) {
  const upload = uploads.get(key) as Upload;
  if (upload.done && !isReplayable(upload.file.source)) {
    const error = new Error(
      `${upload.file.name} was read from a stream, which cannot be sent again: add it again`,
    );
    upload.done = Promise.reject(error);
    upload.done.catch(() => {});
    return patch(ctx, uploads, key, { status: 'failed', error });
  }
  const { source, name, mediaType, size } = upload.file;
  const controller = new AbortController();
  // What an attempt replaced by a later one (a retry) says no longer counts.
  const current = () => upload.controller === controller;
  const show = (fields: Partial<PendingUpload>) => patch(ctx, uploads, key, fields);
  let shown = 0;
  upload.controller = controller;
  upload.failed = false;
  show({ status: 'uploading', loaded: 0, error: null });
  upload.done = ctx.client.files
    .upload(source, {
      name,
      mediaType,
      size,
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        if (!current() || ctx.now() - shown < ctx.throttleMs) return;
        shown = ctx.now();
        show({ loaded });
      },
    })
    .then(
      (stored) => {
        if (current())
          show({ status: 'uploaded', loaded: stored.size, mediaType: stored.mediaType, file: stored });
        return stored;
      },
      (error: unknown) => {
        if (current()) {
          upload.failed = true;
          show({ status: 'failed', error: asError(error) });
        }
        throw error;
      },
    );
  // Its failure is in the state; a send that waits for it sees it too.
  upload.done.catch(() => {});
}

/** New uploads of `files` for the conversation (`messageKey`: for that message), not started yet. */
function begin(
  uploads: Registry,
  conversationId: string,
  files: Iterable<AttachedFile>,
  messageKey: string | null,
): PendingUpload[] {
  const added: PendingUpload[] = [];
  for (const given of files) {
    const key = newClientMessageId();
    const file = 'source' in given ? given : { source: given, name: given.name, mediaType: given.type };
    added.push({
      key,
      name: file.name,
      mediaType: file.mediaType || 'application/octet-stream',
      size: file.source instanceof Blob ? file.source.size : file.size,
      retryable: isReplayable(file.source),
      loaded: 0,
      status: 'uploading',
      error: null,
      file: null,
    });
    uploads.set(key, { conversationId, file, messageKey, controller: new AbortController(), failed: false });
  }
  return added;
}

export function createUploads(ctx: StoreContext) {
  const uploads: Registry = new Map();
  const run = (key: string) => start(ctx, uploads, key);

  return {
    /** Adds files to the conversation's next message and starts uploading them; answers their keys. */
    add(conversationId: string, files: Iterable<AttachedFile>): string[] {
      const added = begin(uploads, conversationId, files, null);
      changeComposer(ctx, conversationId, (list) => [...list, ...added]);
      for (const { key } of added) run(key);
      return added.map((upload) => upload.key);
    },

    /** Starts a failed upload again. */
    retry(key: string) {
      if (uploads.get(key)?.failed) run(key);
    },

    /** Stops an upload under way: it shows `failed` (with the abort's reason), to retry or remove. */
    cancel(key: string) {
      uploads.get(key)?.controller.abort(new Error('Upload cancelled'));
    },

    /** Drops an upload from the composer, stopping it if it runs (the server sweeps what it got). */
    remove(key: string) {
      const upload = uploads.get(key);
      if (!upload || upload.messageKey) return;
      // Its failure lands nowhere: it is gone from the state.
      upload.controller.abort();
      uploads.delete(key);
      // From its own conversation's composer, whatever conversation the caller named.
      changeComposer(ctx, upload.conversationId, (list) => list.filter((u) => u.key !== key));
    },

    /**
     * The uploads a send of message `messageKey` attaches: the conversation's (taken from the
     * composer) and `files`. The caller puts them on the message, then `settle`s them.
     */
    take(conversationId: string, messageKey: string, files: Iterable<AttachedFile> = []): PendingUpload[] {
      // Those of messages stored since (by the realtime echo of a send that timed out) are done with.
      for (const [key, upload] of uploads)
        if (upload.messageKey && !ctx.find(upload.conversationId, upload.messageKey)?.uploads)
          uploads.delete(key);
      const composer = ctx.get().uploads[conversationId] ?? noUploads;
      if (composer.length > 0) changeComposer(ctx, conversationId, () => noUploads);
      const taken = composer.filter(({ key }) => uploads.has(key));
      for (const { key } of taken) (uploads.get(key) as Upload).messageKey = messageKey;
      return [...taken, ...begin(uploads, conversationId, files, messageKey)];
    },

    /**
     * The stored files of `pending`, once each is uploaded (those not started yet started now, and
     * failed ones `again`: a retry); rejects with the first failure.
     */
    settle(pending: readonly PendingUpload[], again: boolean): Promise<UploadedFile[]> {
      return Promise.all(
        pending.map(({ key }) => {
          const upload = uploads.get(key);
          if (!upload) return Promise.reject(new Error('Upload removed'));
          if (!upload.done || (again && upload.failed)) run(key);
          return upload.done as Promise<UploadedFile>;
        }),
      );
    },

    /** Forgets uploads a stored message now carries. */
    forget(pending: readonly PendingUpload[]) {
      for (const { key } of pending) uploads.delete(key);
    },

    /** Stops and forgets every upload (sign-out). */
    clear() {
      for (const upload of uploads.values()) upload.controller.abort();
      uploads.clear();
    },
  };
}

export type Uploads = ReturnType<typeof createUploads>;
