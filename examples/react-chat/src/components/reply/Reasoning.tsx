import { useState } from 'react';

/** The model's reasoning: open while it is being written, folded away once the answer starts. */
export function Reasoning({ text, live }: { text: string; live: boolean }) {
  const [open, setOpen] = useState(live);
  // Opened and closed by `live` as it changes; in between, the reader's own clicks decide.
  const [wasLive, setWasLive] = useState(live);
  if (live !== wasLive) {
    setWasLive(live);
    setOpen(live);
  }
  return (
    <details className="reasoning" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{live ? 'Thinking…' : 'Reasoning'}</summary>
      <p>{text}</p>
    </details>
  );
}
