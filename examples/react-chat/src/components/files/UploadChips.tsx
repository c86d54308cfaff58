import type { UseUploadsResult } from '@chatwire/react';
import type { PendingUpload } from '@chatwire/sdk';
import { fileSize } from './file-size';

/**
 * The files attached to the next message, one chip each: name, size, a progress bar while it
 * uploads, the server's reason when it refused one (Retry, for a failure worth another try), ×.
 */
export function UploadChips({ uploads }: { uploads: UseUploadsResult }) {
  if (uploads.uploads.length === 0) return null;
  return (
    <ul className="upload-chips" aria-label="Attachments">
      {uploads.uploads.map((upload) => (
        <li key={upload.key} className={`chip ${upload.status}`} data-status={upload.status}>
          <span className="chip-name">{upload.name}</span>
          <span className="chip-size">{fileSize(upload.file?.size ?? upload.size)}</span>
          {upload.status === 'uploading' && <UploadProgress upload={upload} />}
          {upload.error && (
            <span className="chip-error" role="alert">
              {upload.error.message}
            </span>
          )}
          {upload.status === 'failed' && retryable(upload) && (
            <button type="button" className="link" onClick={() => uploads.retry(upload.key)}>
              Retry
            </button>
          )}
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove ${upload.name}`}
            onClick={() => uploads.remove(upload.key)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

/** How much of a file has gone out (bytes of its size). */
export function UploadProgress({ upload }: { upload: PendingUpload }) {
  const size = upload.size ?? 0;
  return (
    <progress
      className="upload-progress"
      aria-label={`Uploading ${upload.name}`}
      value={size > 0 ? upload.loaded : undefined}
      max={size > 0 ? size : undefined}
    />
  );
}

/** A refusal of the file itself (too big, a type the server does not take) fails again if retried. */
function retryable(upload: PendingUpload): boolean {
  const status = (upload.error as { status?: number } | null)?.status;
  return status === undefined || status === 429 || status >= 500;
}
