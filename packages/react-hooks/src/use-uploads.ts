/**
 * The files attached to a conversation's next message: add them (each uploads at once), follow
 * their progress, retry or remove them. The next `useChat(…).send` takes them.
 */
import type { AttachedFile, PendingUpload } from '@chatwire/sdk';
import { useCallback, useMemo } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/** What {@link useUploads} returns. */
export interface UseUploadsResult {
  /** The files attached to the next message, in the order added: `uploading` (`loaded` of `size`), `uploaded` or `failed` (`error`). */
  uploads: readonly PendingUpload[];
  /** Some file is still uploading (a send now waits for it). */
  uploading: boolean;
  /** Some file failed (its `error` says why): retry or remove it before sending. */
  failed: boolean;
  /** Attaches files (a `FileList` from an `<input type="file">`, a drop, a paste); each starts uploading. Answers their keys. */
  add(files: Iterable<AttachedFile> | ArrayLike<File>): string[];
  /** Takes a file off (stopping its upload). */
  remove(key: string): void;
  /** Starts a failed upload again (unless it is `retryable: false`: a stream, read once; add the file again). */
  retry(key: string): void;
  /** Stops an upload under way (it shows `failed`, to retry or remove). */
  cancel(key: string): void;
}

const none: readonly PendingUpload[] = [];

/**
 * The attachments of the next message in `conversationId`, as chips: each file uploads as soon as
 * it is added, so that sending is quick; `useChat(id).send(text)` attaches them all (and waits for
 * those still uploading). Nothing uploads during a server render.
 *
 * @example
 * ```tsx
 * function Attachments({ id }: { id: string }) {
 *   const { uploads, add, remove } = useUploads(id);
 *   return (
 *     <>
 *       <input type="file" multiple onChange={(e) => add(e.currentTarget.files ?? [])} />
 *       {uploads.map((u) => (
 *         <span key={u.key}>
 *           {u.name} {u.status === 'uploading' && <progress value={u.loaded} max={u.size} />}
 *           {u.error?.message}
 *           <button onClick={() => remove(u.key)}>×</button>
 *         </span>
 *       ))}
 *     </>
 *   );
 * }
 * ```
 */
export function useUploads(conversationId: string | null | undefined): UseUploadsResult {
  const store = useChatStore();
  const id = conversationId ?? null;
  const uploads = useChatState((state) => (id && state.uploads[id]) || none);
  const add = useCallback(
    (files: Iterable<AttachedFile> | ArrayLike<File>) => (id ? store.addUploads(id, Array.from(files)) : []),
    [store, id],
  );
  /** An action on one upload of this conversation (none without an id). */
  const onUpload = (action: (conversationId: string, key: string) => void) => (key: string) => {
    if (id) action(id, key);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: `onUpload` reads only `id`.
  const actions = useMemo(
    () => ({
      remove: onUpload(store.removeUpload),
      retry: onUpload(store.retryUpload),
      cancel: onUpload(store.cancelUpload),
    }),
    [store, id],
  );
  return useMemo(
    () => ({
      uploads,
      uploading: uploads.some((upload) => upload.status === 'uploading'),
      failed: uploads.some((upload) => upload.status === 'failed'),
      add,
      ...actions,
    }),
    [uploads, add, actions],
  );
}
