import { useChatwireClient } from '@chatwire/react';
import type { FilePart, PendingUpload } from '@chatwire/sdk';
import { useState } from 'react';
import { fileSize } from './file-size';
import { FileIcon } from './icons';
import { Lightbox } from './Lightbox';
import { UploadProgress } from './UploadChips';

/** The largest a thumbnail is drawn, CSS pixels. */
const thumbnailBox = 240;

interface MessageFilesProps {
  files: readonly FilePart[];
  /** A message being sent: its uploads, in the order of `files` (their URLs come once it is stored). */
  uploads?: readonly PendingUpload[] | undefined;
}

/** A message's files: images as thumbnails (a click opens them large), other files as download links. */
export function MessageFiles({ files, uploads }: MessageFilesProps) {
  const client = useChatwireClient();
  const [open, setOpen] = useState<FilePart | null>(null);
  if (files.length === 0) return null;
  return (
    <div className="message-files">
      {files.map((file, index) => {
        const key = `${file.fileId || file.filename}-${index}`;
        const upload = uploads?.[index];
        if (!file.url) return <PendingFile key={key} file={file} upload={upload} />;
        const url = client.files.url(file);
        if (file.mediaType.startsWith('image/')) {
          const { width, height } = fitted(file);
          return (
            <button key={key} type="button" className="thumbnail" onClick={() => setOpen(file)}>
              {/* width and height from the server: the row keeps its height while the image loads. */}
              <img src={url} width={width} height={height} alt={file.filename ?? 'Image'} />
            </button>
          );
        }
        return (
          <a key={key} className="file-link" href={url} download={file.filename}>
            <FileIcon />
            <span className="file-name">{file.filename ?? file.mediaType}</span>
            <span className="file-size">{fileSize(file.size)}</span>
          </a>
        );
      })}
      {open && (
        <Lightbox src={client.files.url(open)} alt={open.filename ?? 'Image'} onClose={() => setOpen(null)} />
      )}
    </div>
  );
}

/** A file of a message still being sent: its name, and its upload's progress. */
function PendingFile({ file, upload }: { file: FilePart; upload: PendingUpload | undefined }) {
  return (
    <span className="file-link pending" data-status={upload?.status}>
      <span className="file-name">{file.filename}</span>
      <span className="file-size">{fileSize(file.size)}</span>
      {upload?.status === 'uploading' && <UploadProgress upload={upload} />}
    </span>
  );
}

/** The image's size scaled down into the thumbnail box, its proportions kept. */
function fitted(file: FilePart): { width?: number; height?: number } {
  if (!file.width || !file.height) return {};
  const scale = Math.min(1, thumbnailBox / Math.max(file.width, file.height));
  return { width: Math.round(file.width * scale), height: Math.round(file.height * scale) };
}
