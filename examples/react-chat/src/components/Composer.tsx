import { type FormEvent, useState } from 'react';

interface ComposerProps {
  /** A reply is being generated: Stop instead of Send. */
  busy: boolean;
  placeholder: string;
  onSend(content: string): void;
  onStop(): void;
  /** Every keystroke (typing indicators). */
  onInput?: (() => void) | undefined;
}

/** Enter sends, Shift+Enter starts a new line. */
export function Composer({ busy, placeholder, onSend, onStop, onInput }: ComposerProps) {
  const [text, setText] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    const content = text.trim();
    if (!content || busy) return;
    onSend(content);
    setText('');
  }

  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        aria-label="Message"
        rows={2}
        value={text}
        placeholder={placeholder}
        onChange={(event) => {
          setText(event.target.value);
          onInput?.();
        }}
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
        <button type="submit" className="primary" disabled={!text.trim()}>
          Send
        </button>
      )}
    </form>
  );
}
