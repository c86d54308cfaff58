import type { UseUploadsResult } from '@chatwire/react';
import { type ClipboardEvent, type DragEvent, type FormEvent, useRef, useState } from 'react';
import { PaperclipIcon } from './files/icons';
import { UploadChips } from './files/UploadChips';
import { type Mentionable, MentionPicker, mentionQuery, withMention } from './MentionPicker';

interface ComposerProps {
  /** A reply is being generated: Stop instead of Send. */
  busy: boolean;
  placeholder: string;
  /** The files attached to the next message (paperclip, drag and drop, paste), uploading as they are added. */
  uploads: UseUploadsResult;
  onSend(content: string): void;
  onStop(): void;
  /** Every keystroke (typing indicators). */
  onInput?: (() => void) | undefined;
  /** Who `@` suggests (a chat between people); none: no suggestions. */
  people?: readonly Mentionable[] | undefined;
}

/** Enter sends, Shift+Enter starts a new line; files come by the paperclip, by dropping them here, or by pasting. */
export function Composer({ busy, placeholder, uploads, onSend, onStop, onInput, people }: ComposerProps) {
  const [text, setText] = useState('');
  const query = people?.length ? mentionQuery(text) : null;
  const [dragging, setDragging] = useState(false);
  const chooser = useRef<HTMLInputElement>(null);
  // A message with files may have no text; one with a refused file waits for it to be removed.
  const canSend = (text.trim() !== '' || uploads.uploads.length > 0) && !uploads.failed;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSend || busy) return;
    onSend(text.trim());
    setText('');
  }

  const dragged = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    uploads.add(event.dataTransfer.files);
  }
  function paste(event: ClipboardEvent) {
    // A screenshot or a copied file; pasted text goes into the box as usual.
    if (event.clipboardData.files.length === 0) return;
    event.preventDefault();
    uploads.add(event.clipboardData.files);
  }

  return (
    <form
      className={dragging ? 'composer dragging' : 'composer'}
      aria-label="Composer"
      onSubmit={submit}
      onDragOver={(event) => {
        if (!dragged(event)) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={drop}
    >
      <UploadChips uploads={uploads} />
      {query !== null && people && (
        <MentionPicker
          query={query}
          people={people}
          onPick={(person) => setText(withMention(text, person.name))}
        />
      )}
      <div className="composer-row">
        <button
          type="button"
          className="attach"
          aria-label="Attach files"
          title="Attach files"
          onClick={() => chooser.current?.click()}
        >
          <PaperclipIcon />
        </button>
        <input
          ref={chooser}
          type="file"
          multiple
          hidden
          onChange={(event) => {
            uploads.add(event.currentTarget.files ?? []);
            event.currentTarget.value = ''; // the same file may be chosen again
          }}
        />
        <textarea
          aria-label="Message"
          rows={2}
          value={text}
          placeholder={dragging ? 'Drop files to attach them' : placeholder}
          onChange={(event) => {
            setText(event.target.value);
            onInput?.();
          }}
          onPaste={paste}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
        />
        {busy ? (
          <button type="button" className="stop" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="primary" disabled={!canSend}>
            Send
          </button>
        )}
      </div>
    </form>
  );
}
